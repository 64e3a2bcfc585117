"""Provides the problems of ``hecht import-csv`` in words: where in the file, what is wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hecht.tui.i18n import Messages
from hecht.tui.views.answer_text import reported_refusal
from hecht.tui.views.formatting import formatter, plural

if TYPE_CHECKING:
    from hecht.scales.library import ScaleLibrary
    from hecht.schema.exchange.csv_import import RowProblem

SHARED = {
    "unknown_scale": "error.unknown_scale",
    "unknown_scale_version": "error.unknown_scale_version",
    "no_client": "input.no_client",
    "destroyed": "input.destroyed",
    "case_twins": "input.case_twins",
}
"""Problems other commands meet too, worded as they are: a scale, version or client refused."""


def where_text(problem: RowProblem, messages: Messages) -> str:
    """The line of a problem, and its column (name and position) where it has one."""
    if not problem.position:
        return messages("import_csv.where_line", line=problem.line)
    return messages(
        "import_csv.where_column",
        line=problem.line,
        column=problem.column or messages("import_csv.no_name"),
        position=problem.position,
    )


def reason_text(problem: RowProblem, library: ScaleLibrary, messages: Messages) -> str:
    """What is wrong, in the user's language (``RowProblem`` names the kinds)."""
    kind, values = problem.kind, problem.values
    if kind.startswith("answer_"):
        return reported_refusal(kind, values, library, messages)
    if kind == "value_count":
        return plural(messages, "import_csv.problem.value_count", int(values["given"]), **values)
    if kind == "mode_unknown":
        from hecht.schema.tables import EntryMode

        modes = formatter(messages.language).either([mode.value for mode in EntryMode])
        return messages("import_csv.problem.mode_unknown", value=values["value"], modes=modes)
    return messages(SHARED.get(kind, f"import_csv.problem.{kind}"), **values)


def problem_text(problem: RowProblem, library: ScaleLibrary, messages: Messages) -> str:
    """One problem of the file: where it is, and what is wrong."""
    return f"{where_text(problem, messages)}: {reason_text(problem, library, messages)}"
