"""Provides wording overlays: a practice's licensed wording added to a definition, never scoring."""

from __future__ import annotations

from pydantic import Field

from hecht.scales.limits import MAX_ITEMS, MAX_OPTIONS, MAX_TEXT
from hecht.scales.model import ScaleDefinition
from hecht.scales.problems import Problem, problem_of
from hecht.scales.text import Text
from hecht.scales.values import CodeKey, Identifier, Strict, Version


class ItemWording(Strict):
    """The wording of one item and, optionally, of its answer options (code -> text)."""

    id: Identifier
    text: Text | None = None
    options: dict[CodeKey, Text] = Field(default_factory=dict, max_length=MAX_OPTIONS)


class WordingOverlay(Strict):
    """Licensed wording for a scale that ships without it; only text, never scoring."""

    overlay: Identifier
    version: Version
    source: str = Field(min_length=1, max_length=MAX_TEXT)
    instructions: Text | None = None
    items: list[ItemWording] = Field(default_factory=list, max_length=MAX_ITEMS)


def overlay_problems(definition: ScaleDefinition, overlay: WordingOverlay) -> list[Problem]:
    """Return what in the overlay does not fit the definition's items and codes."""
    problems: list[Problem] = []
    known = {item.id for item in definition.items}
    for wording in overlay.items:
        where = f"items (id '{wording.id}')"
        if wording.id not in known:
            problems.append(
                problem_of(
                    "overlay_no_item",
                    where,
                    f"{definition.id} has no item '{wording.id}'",
                    "use its item ids",
                    scale=definition.id,
                    item=wording.id,
                )
            )
            continue
        option_set = definition.option_set(definition.item(wording.id))
        codes = {option.code for option in option_set.options or []}
        for code in wording.options:
            if code not in codes:
                allowed = ", ".join(str(c) for c in sorted(codes))
                problems.append(
                    problem_of(
                        "overlay_no_option" if allowed else "overlay_numeric_item",
                        f"{where}.options",
                        f"code {code} is not an option",
                        f"use {allowed or 'none (a numeric item)'}",
                        code=code,
                        allowed=allowed,
                    )
                )
    return problems


def apply_overlay(definition: ScaleDefinition, overlay: WordingOverlay) -> ScaleDefinition:
    """Return the definition with the overlay's wording; scoring fields are not touched."""
    wording = {item.id: item for item in overlay.items}
    items = []
    for item in definition.items:
        extra = wording.get(item.id)
        if extra is None:
            items.append(item)
            continue
        update: dict[str, object] = {"option_text": {**item.option_text, **extra.options}}
        if extra.text is not None:
            update["text"] = extra.text
        items.append(item.model_copy(update=update))
    update_definition: dict[str, object] = {"items": items}
    if overlay.instructions is not None:
        update_definition["instructions"] = overlay.instructions
    return definition.model_copy(update=update_definition)
