"""Provides the reading of definition and overlay files, refused with every problem named."""

from __future__ import annotations

import errno
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from hecht.scales.errors import problems_from
from hecht.scales.examples import check_coverage, run_examples
from hecht.scales.limits import (
    MAX_BRACKET_DEPTH,
    MAX_DATA_DEPTH,
    MAX_DATA_VALUES,
    MAX_FILE_BYTES,
    too_deep_line,
    too_deep_path,
    too_many_values,
)
from hecht.scales.model import ScaleDefinition
from hecht.scales.overlay import WordingOverlay
from hecht.scales.problems import DefinitionError, Problem, problem_of
from hecht.scales.validation import check_definition


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, refusing an unreadable, oversized, empty or malformed one with a reason.

    Raises:
        DefinitionError: naming the file, the line where it is known, and the fix.
    """
    return parse_toml(path, read_content(path))


def read_content(path: Path) -> bytes:
    """A file's bytes, one more than the size limit at most (``parse_toml`` refuses those).

    Raises:
        DefinitionError: the file cannot be read, with the system's reason.
    """
    try:
        with path.open("rb") as file:
            return file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = str(error.strerror)
        if error.errno == errno.ENOENT:
            problem = Problem("", "the file does not exist", "check its name and its folder",
                              kind="missing")  # fmt: skip
        elif error.errno in (errno.EACCES, errno.EPERM):
            problem = Problem("", "you may not read the file (its permissions)",
                              kind="not_allowed")  # fmt: skip
        else:
            problem = Problem(
                "", f"cannot read the file ({reason})", kind="unreadable", values={"reason": reason}
            )
        raise DefinitionError(path, [problem]) from None


def parse_toml(path: Path, content: bytes) -> dict[str, Any]:
    """Parse a file's bytes as TOML within the limits of ``hecht.scales.limits``.

    Raises:
        DefinitionError: naming the file, the line where it is known, and the fix.
    """
    if len(content) > MAX_FILE_BYTES:
        raise DefinitionError(
            path,
            [
                Problem(
                    "",
                    f"the file is larger than {MAX_FILE_BYTES // 1024} KB",
                    "a scale definition is a few KB: check that this is the right file",
                    kind="too_large",
                    values={"limit": str(MAX_FILE_BYTES // 1024)},
                )
            ],
        )
    if not content.strip():
        fix = "write a scale definition or remove the file"
        raise DefinitionError(path, [Problem("", "the file is empty", fix, kind="empty")])
    try:
        text = content.decode("utf-8").removeprefix("\ufeff")  # a BOM, as Notepad saves UTF-8
    except UnicodeDecodeError as error:
        byte = str(error.start + 1)
        problem = Problem(
            f"byte {byte}",
            "the file is not UTF-8 text",
            "save it as UTF-8",
            kind="not_utf8",
            values={"byte": byte},
        )
        raise DefinitionError(path, [problem]) from None
    return _parsed(path, text)


def _parsed(path: Path, text: str) -> dict[str, Any]:
    deep_line = too_deep_line(text)
    if deep_line is not None:
        where = f"line {deep_line}"
        raise DefinitionError(path, [_too_deep(where, MAX_BRACKET_DEPTH, line=deep_line)])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError(path, [_syntax_problem(str(error), text)]) from None
    except ValueError:  # an integer beyond Python's conversion limit (4300 digits)
        long_number = re.search(r"[0-9_]{4000,}", text)
        line = {} if long_number is None else {"line": text.count("\n", 0, long_number.start()) + 1}
        where = f"line {line['line']}" if line else ""
        what, fix = "a number is too long to read", "write a shorter number"
        raise DefinitionError(path, [problem_of("long_number", where, what, fix, **line)]) from None
    except RecursionError:  # nesting the bracket scan does not see (it only counts brackets)
        raise DefinitionError(path, [_too_deep("", MAX_BRACKET_DEPTH)]) from None
    return data


TOML_REASONS = {
    "Cannot overwrite a value": "overwrite",
    "Escaped character is not a Unicode scalar value": "bad_escape",
    "Expected '=' after a key in a key/value pair": "no_equals",
    "Expected ']' at the end of a table declaration": "table_unclosed",
    "Expected ']]' at the end of an array declaration": "array_table_unclosed",
    "Invalid date or datetime": "bad_date",
    "Invalid hex value": "bad_hex",
    "Invalid initial character for a key part": "bad_key",
    "Invalid statement": "bad_statement",
    "Invalid value": "bad_value",
    "Unclosed array": "array_unclosed",
    "Unclosed inline table": "inline_table_unclosed",
    r"Unescaped '\\' in a string": "backslash",
    "Unterminated string": "string_unclosed",
    "Expected newline or end of document after a statement": "line_not_ended",
    "Expected (?P<detail>.+)": "expected",
    r"Illegal character '\\n'": "string_line_unclosed",
    "Found invalid character (?P<detail>.+)": "bad_character",
    "Illegal character (?P<detail>.+)": "bad_character",
    "Cannot declare (?P<detail>.+) twice": "declared_twice",
    "Duplicate inline table key (?P<detail>.+)": "declared_twice",
    "Cannot mutate immutable namespace (?P<detail>.+)": "closed_table",
    "Cannot redefine namespace (?P<detail>.+)": "closed_table",
}
"""tomllib's reasons (regular expressions), by the kind a problem's ``toml`` value names, so
they can be said in the user's language; a reason not here is shown as tomllib gives it."""


def _toml_reason(message: str) -> dict[str, str]:
    """The kind of a TOML syntax error's reason, and the key or character it names."""
    for pattern, kind in TOML_REASONS.items():
        found = re.fullmatch(pattern, message)
        if found:
            return {"toml": kind, **found.groupdict()}
    return {}


def _syntax_problem(message: str, text: str) -> Problem:
    """A TOML syntax error, its place ("at line 4, column 9" or the end) as the problem's place."""
    found = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    if found:
        where = f"line {found[1]}, column {found[2]}"
        place: dict[str, object] = {"line": found[1], "column": found[2]}
        message = message[: found.start()]
    else:
        line = text.count("\n") + 1
        where = f"line {line} (the end of the file)"
        place = {"line": line, "end": "yes"}
        message = message.removesuffix(" (at end of document)")
    return problem_of(
        "toml_syntax",
        where,
        f"not valid TOML: {message}",
        "fix the TOML syntax there",
        reason=message,
        **place,
        **_toml_reason(message),
    )


def _too_deep(where: str, limit: int, **line: int) -> Problem:
    return problem_of(
        "too_deep",
        where,
        f"tables or arrays are nested more than {limit} levels deep",
        "a definition nests a few levels at most: check the brackets and dotted keys here",
        limit=limit,
        **line,
    )


def is_overlay(data: dict[str, Any]) -> bool:
    """Return whether a parsed file is a wording overlay rather than a definition."""
    return "overlay" in data


M = TypeVar("M", bound=BaseModel)


def _check_depth(path: Path, data: dict[str, Any]) -> None:
    """Refuse data too large or nested too deeply before pydantic or our checks walk it."""
    if too_many_values(data):
        raise DefinitionError(
            path,
            [
                problem_of(
                    "too_many_values",
                    "",
                    f"the file is too large: more than {MAX_DATA_VALUES} values",
                    "a definition holds a few thousand at most: look for repeated blocks",
                    limit=MAX_DATA_VALUES,
                )
            ],
        )
    deep_path = too_deep_path(data)
    if deep_path is not None:
        raise DefinitionError(path, [_too_deep(deep_path, MAX_DATA_DEPTH)])


def _validated(path: Path, data: dict[str, Any], model: type[M]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise DefinitionError(path, problems_from(error, data, model)) from None


def definition_from_data(
    path: Path, data: dict[str, Any], *, strict: bool = True
) -> ScaleDefinition:
    """Validate parsed TOML as a definition, check its structure and run its examples.

    Args:
        path: where the data came from, for messages.
        data: the parsed TOML.
        strict: also require examples that cover reverse keying, the missing rule, a band
            boundary and every critical rule.

    Raises:
        DefinitionError: with every problem found.
    """
    _check_depth(path, data)
    definition = _validated(path, data, ScaleDefinition)
    problems = check_definition(definition)
    if problems:
        raise DefinitionError(path, problems)
    problems, scored = run_examples(definition)
    if strict and not problems:
        problems = check_coverage(definition, scored)
    if problems:
        raise DefinitionError(path, problems)
    return definition


def load_definition(path: Path, *, strict: bool = True) -> ScaleDefinition:
    """Read and fully check one definition file."""
    data = read_toml(path)
    if is_overlay(data):
        raise DefinitionError(
            path,
            [
                problem_of(
                    "is_overlay", "overlay", "this is a wording overlay, not a scale definition"
                )
            ],
        )
    return definition_from_data(path, data, strict=strict)


def overlay_from_data(path: Path, data: dict[str, Any]) -> WordingOverlay:
    """Validate parsed TOML as a wording overlay (its fit to the scale is checked on applying)."""
    _check_depth(path, data)
    try:
        return WordingOverlay.model_validate(data)
    except ValidationError as error:
        problems = problems_from(error, data, WordingOverlay)
        wording_only = (
            "an overlay carries wording only (instructions, item text, option text); "
            "scoring stays in the definition"
        )
        problems = [
            replace(problem, fix=wording_only, kind="unknown_key_overlay")
            if problem.kind.startswith("unknown_key")
            else problem
            for problem in problems
        ]
        raise DefinitionError(path, problems) from None
