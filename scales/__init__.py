"""Provides scale definitions as data, their validation, scoring and change statistics.

Pure Python: this layer knows nothing of storage or screens.
"""
