"""Provides the app's frame: start-up, the base of screens, type-ahead, keys, lock and crash."""
