"""Provides what ``hecht scales list|show|validate|score|change`` do, each with ``--json``."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

from hecht.scales.answers import AnswerError, parse_answers
from hecht.scales.change import ChangeResult, compare
from hecht.scales.library import (
    LibraryEntry,
    ScaleLibrary,
    UnknownScaleError,
    check_overlay,
    version_taken,
)
from hecht.scales.loader import definition_from_data, is_overlay, overlay_from_data, read_toml
from hecht.scales.model import ScaleDefinition
from hecht.scales.problems import DefinitionError, Problem
from hecht.scales.scoring import ScoreResult, score
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.output import print_json
from hecht.tui.folders import local_scales_dir, practice_library
from hecht.tui.i18n import Messages
from hecht.tui.views.answer_text import answer_refusal
from hecht.tui.views.formatting import counted, plural
from hecht.tui.views.scale_file_text import problem_text
from hecht.tui.views.scale_view import describe_definition

LIST_COLUMNS = ("id", "version", "name", "domain", "items", "licence", "origin")


def number(value: float, messages: Messages, digits: int = 2) -> str:
    """A number as people in the user's language write it (23,6 in Dutch)."""
    from hecht.tui.views.formatting import formatter

    return formatter(messages.language).number(value, digits)


def signed(value: float, messages: Messages, *, fixed: bool = True) -> str:
    """A change with its sign always shown, two decimals (+0,50, -3,29; unless not ``fixed``)."""
    from hecht.tui.views.formatting import formatter

    text = formatter(messages.language).number(value, 2, fixed=fixed)
    return f"+{text}" if value >= 0 else text


def shorten(text: str, width: int) -> str:
    """Cut text to a column's width in terminal cells, marking the cut."""
    from hecht.tui.views.cells import clipped

    return clipped(text, width).plain


def library_for(messages: Messages) -> ScaleLibrary:
    """Load the library with the user's local scales; warn about refused local files."""
    library = practice_library()
    for error in library.refused:
        for problem in error.problems:
            said = f"{error.path}: {problem_text(problem, messages)}"
            print(messages("list.refused", problem=said), file=sys.stderr)
    return library


def find_entry(scale: str, scale_version: str | None, messages: Messages) -> LibraryEntry:
    """Return the library entry the arguments name, or refuse naming the scales (or versions)."""
    library = library_for(messages)
    try:
        return library.entry(scale, scale_version)
    except UnknownScaleError as error:
        known, versions = ", ".join(error.known), ", ".join(error.versions)
        # a known scale has versions to name; an unknown one, the scales there are
        key = "error.unknown_scale_version" if versions else "error.unknown_scale"
        said = messages(key, scale=scale, version=scale_version, versions=versions, known=known)
        raise UsageError(said) from None


def find_definition(scale: str, scale_version: str | None, messages: Messages) -> ScaleDefinition:
    """Return the definition the arguments name, or refuse with the known ids."""
    return find_entry(scale, scale_version, messages).definition


def run_list(messages: Messages, *, as_json: bool = False) -> int:
    """Print every scale (newest version) with its id, name, domain, size, licence and origin:
    the table in words of the user's language, ``--json`` with the codes a file holds."""
    library = library_for(messages)
    rows = [
        {
            "id": entry.definition.id,
            "version": entry.definition.version,
            "name": entry.definition.name.get(messages.language),
            "short_name": entry.definition.short_name,
            "domain": entry.definition.domain.value,
            "items": len(entry.definition.items),
            "licence": entry.definition.licence.class_.value,
            "origin": entry.origin.value,
        }
        for entry in library.latest()
    ]
    if as_json:
        print_json(rows)
        return 0
    print(messages("list.header", **{key: messages(f"list.column.{key}") for key in LIST_COLUMNS}))
    for row in rows:
        shown = {
            "name": shorten(str(row["name"]), 42),
            "domain": messages.get(f"domain.{row['domain']}", str(row["domain"])),
            "licence": messages(f"licence.{row['licence']}"),
            "origin": messages.get(f"list.origin.{row['origin']}", str(row["origin"])),
        }
        print(messages("list.header", **{**row, **shown}))
    print(messages("list.local_folder", path=local_scales_dir()))
    return 0


def run_show(
    messages: Messages, *, scale: str, scale_version: str | None = None, as_json: bool = False
) -> int:
    """Print one definition: items, codes, scoring, bands, norms, citation and licence."""
    entry = find_entry(scale, scale_version, messages)
    if as_json:
        data = entry.definition.model_dump(mode="json", by_alias=True, exclude_none=True)
        data["origin"] = entry.origin.value
        data["wording_source"] = entry.wording_source
        print_json(data)
        return 0
    print("\n".join(describe_definition(entry, messages)))
    return 0


def validated_line(path: Path, library: ScaleLibrary, strict: bool, messages: Messages) -> str:
    """Check one file and return the line that says it is valid.

    Raises:
        DefinitionError: with every problem found.
    """
    data = read_toml(path)
    if is_overlay(data):
        overlay = overlay_from_data(path, data)
        problems = check_overlay(library, overlay)
        if problems:
            raise DefinitionError(path, problems)
        return messages(
            "validate.overlay_ok", path=path, scale=overlay.overlay, version=overlay.version
        )
    definition = definition_from_data(path, data, strict=strict)
    taken = version_taken(library, definition, path)
    if taken is not None:
        raise DefinitionError(path, [taken])
    return plural(
        messages,
        "validate.ok",
        len(definition.examples),
        path=path,
        scale=definition.id,
        version=definition.version,
        items=counted(messages, "item", len(definition.items)),
        examples=len(definition.examples),
    )


def run_validate(
    messages: Messages, *, paths: list[Path], lenient: bool = False, as_json: bool = False
) -> int:
    """Check each file (definitions run their examples); exit 0 when all are valid, else 2."""
    library = practice_library()
    outcomes: list[tuple[Path, str, list[Problem]]] = []
    for path in paths:
        try:
            outcomes.append((path, validated_line(path, library, not lenient, messages), []))
        except DefinitionError as error:
            outcomes.append((path, "", error.problems))
    bad = sum(1 for _, _, problems in outcomes if problems)
    if as_json:
        print_json(
            [
                {"path": str(path), "valid": not problems, "problems": [str(p) for p in problems]}
                for path, _, problems in outcomes
            ]
        )
        return 2 if bad else 0
    for path, line, problems in outcomes:
        said = [f"{path}: {problem_text(problem, messages)}" for problem in problems]
        print("\n".join(said) if problems else line)
    if bad:
        total = counted(messages, "file", len(outcomes))
        print(messages("validate.summary_bad", bad=bad, total=total))
    return 2 if bad else 0


def score_json(result: ScoreResult, messages: Messages) -> dict[str, Any]:
    """Return the documented JSON of a score."""
    return {
        "scale": result.scale,
        "version": result.version,
        "total": result.total,
        "raw_total": result.raw_total,
        "subscales": result.subscales,
        "subscale_bands": result.subscale_bands,
        "band": result.band,
        "valid": result.valid,
        "prorated": result.prorated,
        "missing": result.missing,
        "alerts": [
            {
                "item": alert.item,
                "rule": alert.rule,
                "level": alert.level.value,
                "message": alert.message.get(messages.language),
            }
            for alert in result.alerts
        ],
    }


def run_score(
    messages: Messages,
    *,
    scale: str,
    answers: str,
    scale_version: str | None = None,
    as_json: bool = False,
) -> int:
    """Score typed codes (empty place = missing) and print total, subscales, band and alerts."""
    definition = find_definition(scale, scale_version, messages)
    try:
        result = score(definition, parse_answers(definition, answers))
    except AnswerError as error:
        refusal = answer_refusal(
            error.problem, definition, messages, item=error.item, given=error.given
        )
        raise UsageError(refusal) from None
    if as_json:
        print_json(score_json(result, messages))
        return 0
    print("\n".join(score_lines(definition, result, messages)))
    return 0


def score_lines(definition: ScaleDefinition, result: ScoreResult, messages: Messages) -> list[str]:
    """Return a score as lines a person reads."""
    language = messages.language
    bands = {band.id: band.label.get(language) for band in definition.interpretation.bands}
    head = dict(scale=definition.short_name, version=definition.version)
    missing = ", ".join(result.missing)
    if not definition.scoring.total:
        lines = [messages("score.subscales_only", **head)]
    elif not result.valid:
        lines = [messages("score.invalid", **head, missing=missing)]
    else:
        band = messages("score.band", band=bands[result.band]) if result.band else ""
        prorated = messages("score.prorated", missing=missing) if result.prorated else ""
        total = number(result.total, messages) if result.total is not None else ""
        lines = [messages("score.total", **head, total=total, band=band, prorated=prorated)]
    for subscale in definition.subscales:
        value = result.subscales[subscale.id]
        label = subscale.label.get(language)
        if value is None:
            lines.append(messages("score.subscale_invalid", label=label))
            continue
        band_id = result.subscale_bands.get(subscale.id)
        band_labels = {band.id: band.label.get(language) for band in subscale.bands}
        band = messages("score.band", band=band_labels[band_id]) if band_id else ""
        lines.append(
            messages("score.subscale", label=label, value=number(value, messages), band=band)
        )
    for alert in result.alerts:
        lines.append(
            messages(
                "score.alert",
                level=messages(f"report.level.{alert.level.value}"),
                item=alert.item,
                message=alert.message.get(language),
            )
        )
    return lines


def parse_total(option: str, text: str, definition: ScaleDefinition, messages: Messages) -> float:
    """Parse a total given on the command line, refusing text and values outside the range."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if math.isnan(value) or math.isinf(value):
        raise UsageError(messages("error.not_a_number", option=option, given=text))
    low, high = definition.scoring.range
    if not low <= value <= high:
        raise UsageError(
            messages(
                "error.total_out_of_range",
                option=option,
                given=text,
                scale=definition.short_name,
                low=number(low, messages),
                high=number(high, messages),
            )
        )
    return value


def change_json(result: ChangeResult) -> dict[str, Any]:
    """Return the documented JSON of a change."""
    return {
        "pre": result.pre,
        "post": result.post,
        "difference": result.difference,
        "rci": None if result.rci is None else round(result.rci, 4),
        "reliable": result.reliable,
        "direction": result.direction.value,
        "category": None if result.category is None else result.category.value,
        "cutoff": None if result.cutoff is None else result.cutoff.value,
        "cutoff_method": None if result.cutoff is None else result.cutoff.method,
        "criterion": result.criterion,
        "s_diff": None if result.s_diff is None else round(result.s_diff, 4),
        "started_functional": result.started_functional,
    }


def run_change(
    messages: Messages,
    *,
    scale: str,
    pre: str,
    post: str,
    scale_version: str | None = None,
    as_json: bool = False,
) -> int:
    """Judge the change between two totals: RCI, reliability, direction and category."""
    definition = find_definition(scale, scale_version, messages)
    if not definition.scoring.total:
        raise UsageError(messages("change.no_total", scale=definition.short_name))
    result = compare(
        definition,
        parse_total("--pre", pre, definition, messages),
        parse_total("--post", post, definition, messages),
    )
    if as_json:
        print_json(change_json(result))
        return 0
    print("\n".join(change_lines(definition, result, messages)))
    return 0


def cutoff_method_text(method: str, messages: Messages) -> str:
    """Name where a cutoff came from: published, or Jacobson–Truax method a, b or c."""
    if method == "published":
        return messages("change.cutoff.published")
    return messages("show.cutoff.computed", method=method)


def change_lines(
    definition: ScaleDefinition, result: ChangeResult, messages: Messages
) -> list[str]:
    """Return a change as lines a person reads."""
    lines = [
        messages(
            "change.line",
            scale=definition.short_name,
            pre=number(result.pre, messages),
            post=number(result.post, messages),
            difference=signed(result.difference, messages, fixed=False),
            direction=messages(f"change.direction.{result.direction.value}"),
        )
    ]
    if result.rci is None or result.category is None or result.criterion is None:
        lines.append(messages("change.no_rci"))
    else:
        lines.append(
            messages(
                "change.rci",
                rci=signed(result.rci, messages),
                criterion=number(result.criterion, messages, 3),
                reliable=messages("change.reliable" if result.reliable else "change.not_reliable"),
                category=messages(f"change.category.{result.category.value}"),
            )
        )
    if result.cutoff is not None:
        started = messages("change.started_functional") if result.started_functional else ""
        lines.append(
            messages(
                "change.cutoff",
                value=number(result.cutoff.value, messages),
                method=cutoff_method_text(result.cutoff.method, messages),
                started=started,
            )
        )
    return lines
