"""Provides the user's folders: config (HECHT_CONFIG overrides it), its scales, and the cache;
and the scale library a command works with."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from hecht.scales.library import ScaleLibrary

APP_NAME = "hecht"


def _folder(variable: str, platform_default: Callable[[str], Path]) -> Path:
    override = os.environ.get(variable)
    return Path(override).expanduser() if override else platform_default(APP_NAME)


def config_dir() -> Path:
    """Return the config folder: HECHT_CONFIG when set, else the platform's user config folder."""
    return _folder("HECHT_CONFIG", platformdirs.user_config_path)


def cache_dir() -> Path:
    """Return the cache folder: HECHT_CACHE when set, else the platform's user cache folder."""
    return _folder("HECHT_CACHE", platformdirs.user_cache_path)


def local_scales_dir() -> Path:
    """Return the folder for the practice's own scale definitions and wording overlays."""
    return config_dir() / "scales"


def practice_library() -> ScaleLibrary:
    """Return the scales a command works with: the built-in ones and the practice's own."""
    from hecht.scales.library import load_library

    return load_library(local_scales_dir())
