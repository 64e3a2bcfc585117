"""Every screen in Dutch speaks Dutch: no English text from the catalogue, no internal id.

Reads the Dutch snapshots of ``test_snapshots.test_screen`` (which the snapshot tests keep equal
to what the screens draw), so no screen is drawn twice.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from hecht.scales.library import load_library
from hecht.schema.readmodels import AlertAction
from hecht.schema.tables import ReferralReason
from hecht.tui.i18n import catalogue

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"
DUTCH = sorted(SNAPSHOTS.glob("test_screen[[]*-nl-*[]].svg"))


def shown_text(svg: Path) -> str:
    """The text a snapshot shows, its spaces folded."""
    parts = re.findall(r"<text[^>]*>(.*?)</text>", svg.read_text(encoding="utf-8"), re.S)
    text = "".join(html.unescape(re.sub(r"<[^>]+>", "", part)) for part in parts)
    return " ".join(text.replace("\u00a0", " ").split())


def english_phrases() -> set[str]:
    """Runs of English words from the catalogue that the Dutch catalogue never uses."""
    english, dutch = catalogue("en"), catalogue("nl")
    everything_dutch = " ".join(dutch.values())
    found = set()
    for key, text in english.items():
        if dutch.get(key) == text:
            continue
        for piece in re.split(r"\{[^}]*\}", text):
            piece = " ".join(piece.split()).strip(" .,:;·()—-")
            if len(piece.split()) >= 2 and len(piece) >= 8 and piece not in everything_dutch:
                found.add(piece)
    return found


def internal_ids() -> set[str]:
    """Ids that mean something to the code and nothing to a reader."""
    library = load_library(None)
    ids = {reason.value for reason in ReferralReason} | {action.value for action in AlertAction}
    for entry in library.latest():
        definition = entry.definition
        ids.add(definition.id)
        ids |= {rule.id for rule in definition.interpretation.critical}
        ids |= {band.id for band in definition.interpretation.bands if "_" in band.id}
    return {found for found in ids if len(found) > 3}


def test_the_dutch_snapshots_exist():
    assert len(DUTCH) == 16, [path.name for path in DUTCH]


@pytest.mark.parametrize("svg", DUTCH, ids=lambda path: path.stem)
def test_a_screen_in_dutch_shows_no_english_text_and_no_internal_id(svg):
    text = shown_text(svg)
    leaked = sorted(phrase for phrase in english_phrases() if phrase in text)
    assert not leaked, f"English on a Dutch screen: {leaked}"
    ids = sorted(found for found in internal_ids() if re.search(rf"\b{re.escape(found)}\b", text))
    assert not ids, f"internal ids on a Dutch screen: {ids}"
