"""A prompter for ``hecht enter`` that answers from a script, as a person at the keyboard would."""

from __future__ import annotations

from collections.abc import Sequence


class Scripted:
    """Answers prompts from a script; records what was shown."""

    def __init__(self, answers: list) -> None:
        self.answers = list(answers)
        self.shown: list[str] = []

    def _next(self, message: str):
        self.shown.append(message)
        return self.answers.pop(0)

    def select(self, message: str, choices: Sequence[tuple[str, str]]):
        answer = self._next(message)
        assert answer is None or answer in [value for value, _ in choices], (answer, choices)
        return answer

    def checkbox(self, message, choices):
        return self._next(message)

    def text(self, message: str, default: str = ""):
        return self._next(message)

    def confirm(self, message: str, default: bool = True):
        return self._next(message)

    def say(self, message: str) -> None:
        self.shown.append(message)
