"""Provides the reading of definition and overlay files, refused with every problem named."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from hecht.scales.errors import problems_from
from hecht.scales.examples import check_coverage, run_examples
from hecht.scales.model import ScaleDefinition
from hecht.scales.overlay import WordingOverlay
from hecht.scales.problems import DefinitionError, Problem
from hecht.scales.validation import check_definition


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, refusing an unreadable, empty or malformed one with a clear message."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise DefinitionError(
            path, [Problem("", f"cannot read the file ({error.strerror})")]
        ) from None
    if not content.strip():
        raise DefinitionError(
            path, [Problem("", "the file is empty", "write a scale definition or remove the file")]
        )
    try:
        return tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        where = f"byte {error.start + 1}"
        raise DefinitionError(
            path, [Problem(where, "the file is not UTF-8 text", "save it as UTF-8")]
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError(
            path, [Problem("", f"not valid TOML: {error}", "fix the TOML syntax at that line")]
        ) from None


def is_overlay(data: dict[str, Any]) -> bool:
    """Return whether a parsed file is a wording overlay rather than a definition."""
    return "overlay" in data


M = TypeVar("M", bound=BaseModel)


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
            path, [Problem("overlay", "this is a wording overlay, not a scale definition")]
        )
    return definition_from_data(path, data, strict=strict)


def overlay_from_data(path: Path, data: dict[str, Any]) -> WordingOverlay:
    """Validate parsed TOML as a wording overlay (its fit to the scale is checked on applying)."""
    try:
        return WordingOverlay.model_validate(data)
    except ValidationError as error:
        problems = problems_from(error, data, WordingOverlay)
        wording_only = (
            "an overlay carries wording only (instructions, item text, option text); "
            "scoring stays in the definition"
        )
        problems = [
            Problem(problem.where, problem.what, wording_only)
            if problem.what.startswith("unknown key")
            else problem
            for problem in problems
        ]
        raise DefinitionError(path, problems) from None
