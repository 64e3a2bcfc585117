"""Provides the services the screens and commands call: keyword-only, returning read models."""
