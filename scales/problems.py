"""Provides the problem report that every refused definition, overlay or answer carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where it is, what is wrong, and how to fix it.

    ``kind`` names the problems a person meets with a file as a whole (it cannot be read, is
    empty, is no text), which the command line words in the user's language with ``values``;
    it is empty for the problems of a definition's content, said here in its keys' English.
    """

    where: str
    what: str
    fix: str = ""
    kind: str = ""
    values: dict[str, str] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        return f"{text} — {self.fix}" if self.fix else text


class DefinitionError(ValueError):
    """A scale definition or wording overlay file that cannot be used, with every problem found."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = Path(path)
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        """Return one line per problem, each starting with the file's path."""
        return "\n".join(f"{self.path}: {problem}" for problem in self.problems)
