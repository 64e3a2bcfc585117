"""Provides the report renderers: supervision packets and practice outcomes, in several formats."""
