"""Provides line prompts (questionary) behind a small interface, so flows are testable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Prompter(Protocol):
    """What a line-prompt flow asks of the terminal. None means the user cancelled."""

    def select(self, message: str, choices: Sequence[tuple[str, str]]) -> str | None:
        """Choose one of (value, title)."""

    def checkbox(self, message: str, choices: Sequence[tuple[str, str, bool]]) -> list[str] | None:
        """Choose several of (value, title, checked)."""

    def text(self, message: str, default: str = "") -> str | None:
        """Type a line."""

    def confirm(self, message: str, default: bool = True) -> bool | None:
        """Answer yes or no."""

    def say(self, message: str) -> None:
        """Show a line."""


class QuestionaryPrompter:
    """The real terminal, through questionary."""

    def select(self, message: str, choices: Sequence[tuple[str, str]]) -> str | None:
        import questionary

        # a one-character value (an answer code) is also the key that picks it
        options = [
            questionary.Choice(title, value=value, shortcut_key=value if len(value) == 1 else True)
            for value, title in choices
        ]
        return questionary.select(message, choices=options, use_shortcuts=len(options) <= 36).ask()

    def checkbox(self, message: str, choices: Sequence[tuple[str, str, bool]]) -> list[str] | None:
        import questionary

        options = [
            questionary.Choice(title, value=value, checked=on) for value, title, on in choices
        ]
        return questionary.checkbox(message, choices=options).ask()

    def text(self, message: str, default: str = "") -> str | None:
        import questionary

        return questionary.text(message, default=default).ask()

    def confirm(self, message: str, default: bool = True) -> bool | None:
        import questionary

        return questionary.confirm(message, default=default).ask()

    def say(self, message: str) -> None:
        print(message)
