"""What a scale says on screen: one language per screen, the original wording beside it."""

from __future__ import annotations

from hecht.tui.views.wording import (
    item_wording,
    option_wording,
    other_language_option_wording,
    other_language_wording,
)

from .conftest import LIBRARY


def test_a_dutch_screen_shows_our_dutch_label_where_only_english_wording_is_bundled():
    item = LIBRARY.get("who5").items[0]
    assert item_wording(item, "nl") == "Opgewekt, goedgehumeurd"
    assert other_language_wording(item, "nl") == "I have felt cheerful and in good spirits"


def test_an_english_screen_shows_the_english_wording_and_nothing_beside_it():
    item = LIBRARY.get("who5").items[0]
    assert item_wording(item, "en") == "I have felt cheerful and in good spirits"
    assert other_language_wording(item, "en") is None


def test_no_built_in_item_or_option_is_shown_in_the_other_language():
    for entry in LIBRARY.latest():
        definition = entry.definition
        for item in definition.items:
            for language in ("nl", "en"):
                shown = item_wording(item, language)
                own = getattr(item.text, language, None) if item.text else None
                assert shown in (own, item.label.get(language)), (definition.id, item.id)
                for option in definition.option_set(item).options or []:
                    wording = item.option_text.get(option.code) or option.text
                    own = getattr(wording, language, None) if wording else None
                    said = option_wording(item, option, language)
                    assert said in (own, option.label.get(language)), (definition.id, item.id)


def test_a_dutch_screen_shows_the_english_answer_wording_beside_our_generic_label():
    paas = LIBRARY.get("paas")
    item, option = paas.items[0], paas.option_set(paas.items[0]).options[0]
    assert option_wording(item, option, "nl") == "Eerste optie"
    assert other_language_option_wording(item, option, "nl") == "almost all the time"
    assert option_wording(item, option, "en") == "almost all the time"
    assert other_language_option_wording(item, option, "en") is None
