"""Provides the problem report that every refused definition, overlay or answer carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TOP_LEVEL = "top level"
"""The place of a problem of the file's outermost table (a key missing there, say)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where it is, what is wrong, and how to fix it.

    ``where``, ``what`` and ``fix`` say it in English (``hecht scales validate --json``, the
    reports of the checks). ``kind`` names the problem for the user's language, ``values`` fill
    it in: the catalogue's ``scale_file.problem.<kind>`` says what and the fix; the place is
    ``where`` (a key path, as written in the file) or, for a place in the text, the ``line``,
    ``column`` (``end`` at the end of the file) or ``byte`` among ``values``.
    """

    where: str
    what: str
    fix: str = ""
    kind: str = ""
    values: dict[str, str] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        return f"{text} — {self.fix}" if self.fix else text


def as_text(values: dict[str, object]) -> dict[str, str]:
    """A problem's values written as text, numbers as the file writes them (3, not 3.0)."""
    return {
        name: f"{value:g}" if isinstance(value, float) else str(value)
        for name, value in values.items()
    }


def problem_of(kind: str, where: str, what: str, fix: str = "", **values: object) -> Problem:
    """A problem of ``kind`` with the values that fill in its sentence."""
    return Problem(where, what, fix, kind=kind, values=as_text(values))


class DefinitionError(ValueError):
    """A scale definition or wording overlay file that cannot be used, with every problem found."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = Path(path)
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        """Return one line per problem, each starting with the file's path."""
        return "\n".join(f"{self.path}: {problem}" for problem in self.problems)


class RuleError(ValueError):
    """A rule of a definition broken, raised inside a model's validator: pydantic keeps it, so
    its ``kind`` and ``values`` reach the ``Problem`` (``hecht.scales.errors``)."""

    def __init__(self, text: str, kind: str, **values: object) -> None:
        super().__init__(text)
        self.kind = kind
        self.values = as_text(values)
