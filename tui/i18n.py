"""Provides the user-facing text of Hecht, one catalogue per language (messages/*.toml)."""

from __future__ import annotations

import locale
import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

Language = Literal["nl", "en"]
CATALOGUE_DIR = Path(__file__).parent / "messages"


def detect_language(explicit: str | None = None, configured: str | None = None) -> Language:
    """Choose the language: ``--lang``, HECHT_LANG, the config file, the locale, else English."""
    for candidate in (explicit, os.environ.get("HECHT_LANG"), configured):
        if candidate in ("nl", "en"):
            return candidate  # type: ignore[return-value]
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    system = locale.getlocale()[0] or ""
    return "nl" if system.lower().startswith("nl") else "en"


@cache
def catalogue(language: Language) -> dict[str, str]:
    """Return the flat key -> text catalogue of a language."""
    with (CATALOGUE_DIR / f"{language}.toml").open("rb") as handle:
        return {key: str(value) for key, value in tomllib.load(handle).items()}


class Messages:
    """Looks up and fills in user-facing text in one language."""

    def __init__(self, language: Language) -> None:
        self.language: Language = language
        self._texts = catalogue(language)

    def get(self, key: str, default: str) -> str:
        """Return the text for ``key``, or ``default`` when the catalogue has none."""
        return self._texts.get(key, default)

    def __call__(self, key: str, /, **values: object) -> str:
        """Return the text for ``key`` with ``{placeholders}`` filled in."""
        return self._texts[key].format(**values)
