"""Provides the user's folders: the config folder (HECHT_CONFIG overrides it) and its scales."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "hecht"


def config_dir() -> Path:
    """Return the config folder: HECHT_CONFIG when set, else the platform's user config folder."""
    override = os.environ.get("HECHT_CONFIG")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME)


def local_scales_dir() -> Path:
    """Return the folder for the practice's own scale definitions and wording overlays."""
    return config_dir() / "scales"
