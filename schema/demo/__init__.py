"""Provides the synthetic demo practice: its plan, content, build and file."""
