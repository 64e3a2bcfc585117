"""Provides the lengths stored fields may have that the settings check too, declared without
storage imports so that the config file can be checked on the way to the TUI's first frame."""

from __future__ import annotations

PRACTITIONER_NAME_MAX = 200
"""The longest practitioner's name: the settings' ``practitioner`` and the stored name."""
ACCESS_POINT_MAX = 120
"""The longest access point an audit event stores (interface, OS user and host): a longer one
is cut to fit, so the chain never holds a value a column refuses on PostgreSQL."""
