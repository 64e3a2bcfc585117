"""Provides a refused answer in words: what was typed wrong, and what the item allows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from hecht.scales.answers import AnswerProblem, allowed_codes
from hecht.scales.model import ScaleDefinition
from hecht.tui.i18n import Messages
from hecht.tui.views.formatting import counted, formatter, plural

if TYPE_CHECKING:
    from hecht.scales.library import ScaleLibrary


def allowed_text(definition: ScaleDefinition, item_id: str, messages: Messages) -> str:
    """The codes an item accepts as the person typing reads them: its codes, or its range and
    step with the numbers written as the language writes them (0 tot 10 in stappen van 0,5)."""
    item = definition.item(item_id)
    bounds = definition.option_set(item).range
    if bounds is None:
        return allowed_codes(definition, item)  # the codes themselves: alike in every language
    number = formatter(messages.language).number
    return messages(
        "answer.allowed_range",
        low=number(bounds.min, 3),
        high=number(bounds.max, 3),
        step=number(bounds.step, 3),
    )


def answer_refusal(
    problem: AnswerProblem,
    definition: ScaleDefinition,
    messages: Messages,
    *,
    item: str = "",
    given: str = "",
) -> str:
    """Phrase a refused answer (``hecht.scales.answers.AnswerError``) for the person who typed it.

    Args:
        problem: what is wrong.
        definition: the scale the answers were typed for.
        messages: the user's language.
        item: the item the code was typed for (not for a wrong count).
        given: the code as typed, or for a wrong count the number of answers given.
    """
    if problem is AnswerProblem.COUNT:
        return plural(
            messages,
            "error.answer_count",
            int(given),
            scale=definition.short_name,
            expected=counted(messages, "item", len(definition.items)),
            given=given,
        )
    if problem is AnswerProblem.NOTHING:
        return messages("error.answer_nothing", scale=definition.short_name)
    allowed = allowed_text(definition, item, messages)
    return messages(f"error.answer_{problem.value}", item=item, given=given, allowed=allowed)


def reported_refusal(
    kind: str, values: Mapping[str, str], library: ScaleLibrary, messages: Messages
) -> str:
    """Phrase a refused answer a file import reports as ``answer_<problem>``, with the ``scale``
    and ``version`` it was given for, its ``item`` and the code ``given``."""
    definition = library.get(values["scale"], values["version"])
    problem = AnswerProblem(kind.removeprefix("answer_"))
    return answer_refusal(problem, definition, messages, item=values["item"], given=values["given"])
