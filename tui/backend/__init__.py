"""Provides the screens' door to storage: one unit of work per call, through the services."""
