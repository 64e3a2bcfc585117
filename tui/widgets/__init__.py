"""Provides widgets shared by the screens."""
