"""Provides the line prompts' own words in the user's language, and a yes/no prompt.

questionary's own ``confirm`` writes "(Y/n)" and "Yes" and takes only y and n, so a Dutch user who
types j (ja) is ignored. This prompt looks and behaves like it, with the words and keys of the
user's language; y and n keep working in every language. The hints questionary shows under a
choice ("Use shortcuts or arrow keys") come from here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hecht.tui.i18n import Messages


@dataclass(frozen=True)
class PromptWords:
    """How yes and no are written and typed in one language, and the prompts' hints."""

    yes: str
    no: str
    yes_keys: str
    no_keys: str
    choose_hint: str = "(Use shortcuts or arrow keys)"
    check_hint: str = "(Use arrow keys to move, <space> to select, <a> to toggle, <i> to invert)"
    none_checked: str = "none"

    def hint(self, default: bool) -> str:
        """The prompt's hint, the default's key in capitals: "(J/n)" or "(j/N)"."""
        yes, no = self.yes_keys[0], self.no_keys[0]
        return f"({yes.upper()}/{no})" if default else f"({yes}/{no.upper()})"


ENGLISH = PromptWords(yes="Yes", no="No", yes_keys="y", no_keys="n")


def prompt_words(messages: Messages) -> PromptWords:
    """The words and keys of the messages' language; y and n are always understood too."""
    return PromptWords(
        yes=messages("prompt.yes"),
        no=messages("prompt.no"),
        yes_keys=_with(messages("prompt.yes_key"), "y"),
        no_keys=_with(messages("prompt.no_key"), "n"),
        choose_hint=messages("prompt.choose_hint"),
        check_hint=messages("prompt.check_hint"),
        none_checked=messages("prompt.none_checked"),
    )


def _with(key: str, fallback: str) -> str:
    return key if key == fallback else key + fallback


def ask_yes_no(message: str, default: bool, words: PromptWords) -> bool:
    """Ask and return the answer; Enter takes the default; Ctrl+C raises KeyboardInterrupt."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.formatted_text import StyleAndTextTuples, to_formatted_text
    from prompt_toolkit.key_binding import KeyBindings
    from questionary.constants import DEFAULT_QUESTION_PREFIX
    from questionary.styles import merge_styles_default

    answer: list[bool] = []

    def tokens() -> Any:
        shown: StyleAndTextTuples = [
            ("class:qmark", DEFAULT_QUESTION_PREFIX),
            ("class:question", f" {message} "),
        ]
        if answer:
            shown.append(("class:answer", words.yes if answer[0] else words.no))
        else:
            shown.append(("class:instruction", words.hint(default) + " "))
        return to_formatted_text(shown)

    bindings = KeyBindings()

    def give(value: bool) -> Any:
        def handler(event: Any) -> None:
            answer.append(value)
            event.app.exit(result=value)

        return handler

    for key in words.yes_keys:
        bindings.add(key.lower())(give(True))
        bindings.add(key.upper())(give(True))
    for key in words.no_keys:
        bindings.add(key.lower())(give(False))
        bindings.add(key.upper())(give(False))
    bindings.add("enter", eager=True)(give(default))

    def stop(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    bindings.add("c-c", eager=True)(stop)
    bindings.add("c-q", eager=True)(stop)
    bindings.add("<any>")(lambda _event: None)  # other keys are not typed into the prompt

    session: PromptSession[bool] = PromptSession(
        tokens, key_bindings=bindings, style=merge_styles_default([None])
    )
    return bool(session.app.run())
