"""Provides the scale facts cache: what the first caseload needs of the scales, unloaded.

Loading and validating the definitions costs about a fifth of a second; the caseload needs only a
few facts per scale (``hecht.scales.facts``). They are kept in the user's cache folder with the
fingerprint of the files they were drawn from (names, sizes, times), and used only while every
file is unchanged. The cache holds no clinical data, and losing it only costs speed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from hecht.scales.facts import ScaleFacts, facts_from_data, facts_to_data
from hecht.scales.sources import fingerprint
from hecht.tui.folders import cache_dir

if TYPE_CHECKING:
    from hecht.scales.library import ScaleLibrary

FORMAT = 1
"""Bumped whenever ScaleFacts changes shape, so an older cache is never read."""


def facts_file() -> Path:
    """The file that holds the cached facts."""
    return cache_dir() / "scale-facts.json"


def cached_facts(local_dir: Path | None) -> dict[str, ScaleFacts] | None:
    """The cached facts when they were drawn from exactly the files there are now, else None."""
    try:
        stored = json.loads(facts_file().read_text(encoding="utf-8"))
        if stored.get("format") != FORMAT or stored.get("files") != fingerprint(local_dir):
            return None
        return facts_from_data(stored["facts"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def load_and_remember(local_dir: Path | None) -> ScaleLibrary:
    """Load the library and cache its facts for the next start (a cache that fails is skipped)."""
    from hecht.scales.facts import library_facts
    from hecht.scales.library import load_library

    try:
        files = fingerprint(local_dir)  # before loading: a file changed meanwhile misses next time
    except OSError:
        files = None
    library = load_library(local_dir)
    facts = library_facts(library)
    if files is not None and cached_facts(local_dir) != facts:
        document = {"format": FORMAT, "files": files, "facts": facts_to_data(facts)}
        _write(facts_file(), json.dumps(document, ensure_ascii=True))
    return library


def _write(path: Path, text: str) -> None:
    """Write a file whole or not at all; a folder that cannot be written is no error here."""
    try:
        from hecht.schema.exchange.files import private_folder, write_private

        write_private(private_folder(path.parent) / path.name, text)
    except OSError:
        return
