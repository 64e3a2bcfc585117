"""Provides the user-facing text of Hecht, one catalogue per language (messages/*.toml)."""

from __future__ import annotations

import json
import locale
import os
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from textual.content import Content

Language = Literal["nl", "en"]
CATALOGUE_DIR = Path(__file__).parent / "messages"
BASIC_STRING = r'"(?:[^"\\\x00-\x1f]+|\\["\\bfnrt]|\\u(?![dD][89a-fA-F])[0-9A-Fa-f]{4})*"'
"""A TOML basic string whose escapes mean the same in JSON, so ``json.loads`` decodes it."""
FLAT_ENTRY = re.compile(f"({BASIC_STRING}) = ({BASIC_STRING})")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
"""A plain ``{name}`` in a text shown with its markup (``Messages.styled``)."""


def placeholders(text: str) -> set[str] | None:
    """The names a text is filled in with, as ``str.format`` reads it (``{name}``,
    ``{name!r}``, ``{id:<9}``); None when it cannot read the text (a stray brace): the one
    rule the catalogues, their parity test and the translators' import are held to."""
    import string

    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def detect_language(explicit: str | None = None, configured: str | None = None) -> Language:
    """Choose the language: ``--lang``, HECHT_LANG, the config file, the locale, else English."""
    for candidate in (explicit, os.environ.get("HECHT_LANG"), configured):
        if candidate in ("nl", "en"):
            return "nl" if candidate == "nl" else "en"
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    system = locale.getlocale()[0] or ""
    return "nl" if system.lower().startswith("nl") else "en"


@cache
def catalogue(language: Language) -> dict[str, str]:
    """Return the flat key -> text catalogue of a language."""
    text = (CATALOGUE_DIR / f"{language}.toml").read_text(encoding="utf-8")
    flat = flat_entries(text)
    if flat is not None:
        return flat
    import tomllib

    return {key: str(value) for key, value in tomllib.loads(text).items()}


def flat_entries(text: str) -> dict[str, str] | None:
    """Read a catalogue written as ``"key" = "text"`` lines, or None if it holds anything else.

    The catalogues are read on the way to the first frame, and tomllib takes a few dozen
    milliseconds for them; these lines need one regular expression and JSON's decoder. Any
    other TOML (and any repeated key, which TOML refuses) is left to tomllib.
    """
    pairs = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        found = FLAT_ENTRY.fullmatch(line)
        if found is None:
            return None
        pairs.append(f"{found[1]}:{found[2]}")
    entries: dict[str, str] = json.loads("{" + ",".join(pairs) + "}")
    return entries if len(entries) == len(pairs) else None


class Messages:
    """Looks up and fills in user-facing text in one language."""

    def __init__(self, language: Language) -> None:
        self.language: Language = language
        self._texts = catalogue(language)

    def get(self, key: str, default: str) -> str:
        """Return the text for ``key``, or ``default`` when the catalogue has none."""
        return self._texts.get(key, default)

    def keys(self) -> set[str]:
        """Every key of the catalogue."""
        return set(self._texts)

    def __call__(self, key: str, /, **values: object) -> str:
        """Return the text for ``key`` with ``{placeholders}`` filled in."""
        return self._texts[key].format(**values)

    def styled(self, key: str, /, **values: object) -> Content:
        """Return the text for ``key`` as styled ``Content``: the catalogue's markup is applied,
        the values are shown as written (a name holding ``[/b]`` stays a name)."""
        from textual.content import Content

        template = PLACEHOLDER.sub(lambda found: "$" + found[1], self._texts[key])
        return Content.from_markup(template, **{name: str(value) for name, value in values.items()})
