"""Provides line prompts (questionary) behind a small interface, so flows are testable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from hecht.tui.cli.yes_no import ENGLISH, PromptWords, ask_yes_no

MISSING = "-"
"""The value (and the key) that marks an item missing, as in the TUI's item entry."""


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

    def password(self, message: str) -> str | None:
        """Type a line that is not shown (a passphrase)."""

    def say(self, message: str) -> None:
        """Show a line."""


def interactive() -> bool:
    """Whether a person is at the terminal to answer a question (stdin and stdout both one)."""
    import sys

    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


class NoTerminal(Exception):
    """Questions were to be asked, but no terminal is there to answer them (piped input)."""


class QuestionaryPrompter:
    """The real terminal, through questionary.

    Ctrl+C raises KeyboardInterrupt (``unsafe_ask``): the flow says in the user's language
    what was kept, where questionary's own ``ask`` would print an English "Cancelled by user".
    Yes/no questions use the words and keys of ``words`` (J/n in Dutch).
    """

    def __init__(self, words: PromptWords = ENGLISH) -> None:
        self.words = words

    @staticmethod
    def _at_terminal() -> None:
        """Raise NoTerminal before a question without a terminal: keys piped in would be read
        as answers, a menu's escape codes written to a file."""
        if not interactive():
            raise NoTerminal

    def select(self, message: str, choices: Sequence[tuple[str, str]]) -> str | None:
        import questionary

        self._at_terminal()

        options = [
            questionary.Choice(title, value=value, shortcut_key=shortcut(value))
            for value, title in choices
        ]
        question = questionary.select(
            message,
            choices=options,
            use_shortcuts=len(options) <= 36,
            instruction=self.words.choose_hint,
        )
        values = [value for value, _ in choices]
        if MISSING in values:
            point_at_with_key(question, MISSING, values.index(MISSING))
        picked: str | None = question.unsafe_ask()
        return picked

    def checkbox(self, message: str, choices: Sequence[tuple[str, str, bool]]) -> list[str] | None:
        import questionary

        self._at_terminal()

        options = [
            questionary.Choice(title, value=value, checked=on) for value, title, on in choices
        ]
        question = questionary.checkbox(message, choices=options, instruction=self.words.check_hint)
        # questionary sums up the answer in English ("done (2 selections)"): the prompt is erased
        # when answered and the choices are named in the user's language instead
        question.application.erase_when_done = True
        checked: list[str] | None = question.unsafe_ask()
        if checked is not None:
            titles = [title for value, title, _ in choices if value in checked]
            print(f"? {message} {', '.join(titles) or self.words.none_checked}")
        return checked

    def text(self, message: str, default: str = "") -> str | None:
        import questionary

        self._at_terminal()

        typed: str | None = questionary.text(message, default=default).unsafe_ask()
        return typed

    def confirm(self, message: str, default: bool = True) -> bool | None:
        self._at_terminal()
        return ask_yes_no(message, default, self.words)

    def password(self, message: str) -> str | None:
        import questionary

        self._at_terminal()

        typed: str | None = questionary.password(message).unsafe_ask()
        return typed

    def say(self, message: str) -> None:
        print(message)


SHORTCUTS = frozenset("1234567890abcdefghilmnopqrstuvwxyz")
"""The keys questionary accepts as shortcuts (j and k move the cursor)."""


def shortcut(value: str) -> str | bool:
    """A one-character value (an answer code) is also the key that picks it; others get one.

    questionary refuses any other character as a shortcut when the prompt is built (a
    ValueError), so the missing mark gets its key from ``point_at_with_key`` instead.
    """
    if len(value) == 1 and value in SHORTCUTS:
        return value
    return False if value == MISSING else True


def point_at_with_key(question: Any, key: str, index: int) -> None:
    """Make ``key`` point at the choice at ``index``, as a shortcut key does."""
    from prompt_toolkit.key_binding import KeyBindings
    from questionary.prompts.common import InquirerControl

    application = question.application
    [control] = [
        window.content
        for window in application.layout.find_all_windows()
        if isinstance(window.content, InquirerControl)
    ]
    bindings: KeyBindings = application.key_bindings

    def point(_event: Any) -> None:
        control.pointed_at = index

    bindings.add(key, eager=True)(point)  # a call, not a decorator: vulture sees it used
