"""Provides what a scale says on screen: licensed wording where the practice has it, else ours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hecht.scales.model import Item, Option, ScaleDefinition
from hecht.scales.text import Language

if TYPE_CHECKING:
    from hecht.tui.i18n import Messages


def item_wording(item: Item, language: Language) -> str:
    """An item's text (licensed wording) in the user's language or, without it, our short label
    in that language: a Dutch screen never mixes in an English question."""
    own = None if item.text is None else item.text.only_in(language)
    return own or item.label.get(language)


def other_language_wording(item: Item, language: Language) -> str | None:
    """The licensed wording in the other language when there is none in the user's: shown
    beneath our label, for asking the question aloud from the original."""
    if item.text is None or item.text.only_in(language):
        return None
    return item.text.get(language)


def option_wording(item: Item, option: Option, language: Language) -> str:
    """What an answer box says: the item's own wording for it, the option set's, or our label."""
    wording = item.option_text.get(option.code) or option.text
    own = None if wording is None else wording.only_in(language)
    return own or option.label.get(language)


def other_language_option_wording(item: Item, option: Option, language: Language) -> str | None:
    """An answer box's licensed wording in the other language when there is none in the user's
    (the MAAS's and PAAS's boxes in English): shown beside our label, as the item's is beneath."""
    wording = item.option_text.get(option.code) or option.text
    if wording is None or wording.only_in(language):
        return None
    return wording.get(language)


def unasked_lines(definition: ScaleDefinition, missing: list[str], text: Messages) -> list[str]:
    """A line for each critical item left unanswered: it must be asked about, not passed over."""
    from hecht.scales.scoring import unanswered_critical

    labels = {item.id: item_wording(item, text.language) for item in definition.items}
    return [
        text("review.ask_critical", item=gap.item, label=labels.get(gap.item, ""))
        for gap in unanswered_critical(definition.interpretation.critical, missing)
    ]
