"""Provides the listing of many problems of one file: of problems alike, the first few are said
and the rest counted, so a file imported twice is not answered with twenty thousand lines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

Problem = TypeVar("Problem")


def alike_lines(
    found: Sequence[Problem],
    *,
    key: Callable[[Problem], Hashable],
    said: Callable[[Problem], str],
    more: Callable[[list[Problem]], str],
    shown: int,
) -> list[str]:
    """One line per problem, in the given order; of problems with the same ``key`` only the
    first ``shown``, the last of them followed by what ``more`` says of the rest."""
    groups: dict[Hashable, list[Problem]] = {}
    for problem in found:
        groups.setdefault(key(problem), []).append(problem)
    seen: Counter[Hashable] = Counter()
    lines: list[str] = []
    for problem in found:
        alike = key(problem)
        seen[alike] += 1
        if seen[alike] <= shown:
            lines.append(said(problem))
        if seen[alike] == shown and len(groups[alike]) > shown:
            lines.append(more(groups[alike][shown:]))
    return lines
