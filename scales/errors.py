"""Provides readable problems from pydantic errors: where in the file, what, and how to fix it."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from hecht.scales.problems import TOP_LEVEL, Problem, RuleError, problem_of
from hecht.scales.values import ID_PATTERN, VERSION_PATTERN

SHOWN = 60
"""Characters of a refused value, key or id shown in a message (a file may hold huge ones)."""

PATTERNS = {
    ID_PATTERN: "use letters A-Z, digits 0-9 and _ . - (no spaces)",
    VERSION_PATTERN: "write a version such as 1, 2 or 1.1 with the digits 0-9",
}
"""What each id pattern of the model means, said the way an author can act on it."""


KINDS = {
    "model_type": ("table", "should be a table ({ key = value, … })"),
    "model_attributes_type": ("table", "should be a table ({ key = value, … })"),
    "dict_type": ("table", "should be a table ({ key = value, … })"),
    "list_type": ("list", "should be a list ([ … ])"),
    "tuple_type": ("list", "should be a list ([ … ])"),
    "string_type": ("text", "should be text in quotes"),
    "int_type": ("whole", "should be a whole number, without quotes"),
    "int_parsing": ("whole_digits", "should be a whole number written with the digits 0-9"),
    "int_from_float": ("whole_no_point", "should be a whole number, without a decimal point"),
    "float_type": ("number", "should be a number, without quotes"),
    "bool_type": ("flag", "should be true or false, without quotes"),
    "finite_number": ("finite", "should be a finite number (not nan or inf)"),
}
"""pydantic's wording for a value of the wrong kind, said in TOML terms (a problem's kind is
``should_be_`` and the first)."""

LIMITS = {
    "greater_than": ("above", "gt"),
    "greater_than_equal": ("at_least", "ge"),
    "less_than": ("below", "lt"),
    "less_than_equal": ("at_most", "le"),
    "string_too_short": ("too_short_text", "min_length"),
    "string_too_long": ("too_long_text", "max_length"),
    "too_short": ("too_few", "min_length"),
    "too_long": ("too_many", "max_length"),
}
"""pydantic's limits of a value: the problem's kind, and the limit's name in pydantic's context."""


def shorten(text: str) -> str:
    """Cut a value to what a message can show."""
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}…"


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated/list/dict/tuple down to the type their elements have."""
    while True:
        origin = typing.get_origin(annotation)
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            models = [arg for arg in args if isinstance(arg, type) and issubclass(arg, BaseModel)]
            annotation = models[0] if models else args[0]
        elif origin in (list, tuple):
            annotation = args[0]
        elif origin is dict:
            annotation = args[-1]
        else:
            return annotation


def _fields_of(model: type[BaseModel]) -> dict[str, Any]:
    return {(info.alias or name): info.annotation for name, info in model.model_fields.items()}


def model_at(root: type[BaseModel], location: tuple[int | str, ...]) -> type[BaseModel] | None:
    """Return the model whose table sits at ``location``, or None when it is not a table."""
    current: Any = root
    for segment in location:
        if isinstance(current, type) and issubclass(current, BaseModel):
            if isinstance(segment, int):
                continue
            fields = _fields_of(current)
            if segment not in fields:
                if any(typing.get_origin(a) is dict for a in fields.values()):
                    continue
                return None
            current = _unwrap(fields[segment])
        # list indexes and dict keys step into the element type, which _unwrap already gave
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def describe_location(location: tuple[int | str, ...], raw: Any) -> str:
    """Render a pydantic location with 1-based positions and the ids authors recognise."""
    parts: list[str] = []
    node: Any = raw
    for segment in location:
        if isinstance(segment, int):
            label = f"#{segment + 1}"
            element = node[segment] if isinstance(node, list) and segment < len(node) else None
            if isinstance(element, dict) and ("id" in element or "name" in element):
                key = "id" if "id" in element else "name"
                label += f" ({key} '{shorten(str(element[key]))}')"
            parts.append(label)
            node = element
        elif segment != "[key]":  # pydantic's marker for a refused dict key, named just before
            parts.append(("." if parts else "") + shorten(str(segment)))
            node = node.get(segment) if isinstance(node, dict) else None
    return " ".join(parts).replace(" .", ".").replace(" #", " #")


def problems_from(error: ValidationError, raw: Any, root: type[BaseModel]) -> list[Problem]:
    """Translate each pydantic error into a Problem naming the field and the fix."""
    problems: list[Problem] = []
    for detail in error.errors():
        location = tuple(detail["loc"])
        kind = detail["type"]
        if kind == "extra_forbidden":
            parent = model_at(root, location[:-1])
            allowed = ", ".join(sorted(_fields_of(parent))) if parent else ""
            problems.append(
                problem_of(
                    "unknown_key" if allowed else "unknown_key_anywhere",
                    describe_location(location[:-1], raw) or TOP_LEVEL,
                    f"unknown key '{shorten(str(location[-1]))}'",
                    f"remove it or correct its spelling (allowed here: {allowed})"
                    if allowed
                    else "remove it",
                    key=shorten(str(location[-1])),
                    allowed=allowed,
                )
            )
        elif kind == "missing":
            problems.append(
                problem_of(
                    "missing_key",
                    describe_location(location[:-1], raw) or TOP_LEVEL,
                    f"required key '{shorten(str(location[-1]))}' is missing",
                    "add it (see docs/scale-format.md)",
                    key=shorten(str(location[-1])),
                )
            )
        else:
            problems.append(_value_problem(detail, describe_location(location, raw)))
    return problems


def _value_problem(detail: Any, where: str) -> Problem:
    """A refused value: pydantic's reason, the value as given (shortened), and the fix."""
    kind, where = detail["type"], where or TOP_LEVEL
    message = str(detail["msg"]).removeprefix("Value error, ")
    context = detail.get("ctx", {})
    if kind == "value_error":
        rule = context.get("error")
        if isinstance(rule, RuleError):
            return Problem(where, message, kind=rule.kind, values=rule.values)
        return problem_of("refused", where, message, reason=message)
    given = detail.get("input")
    got = {} if isinstance(given, dict | list) else {"got": shorten(repr(given))}
    shown = "" if not got else f" (got {got['got']})"
    fix = "correct the value"
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        message, fix = "this is not a valid id or version", PATTERNS.get(pattern, fix)
        said = "not_a_version" if pattern == VERSION_PATTERN else "not_an_id"
        return problem_of(said, where, message + shown, fix, **got)
    if kind in KINDS:
        said, message = KINDS[kind]
        return problem_of(f"should_be_{said}", where, message + shown, fix, **got)
    if kind in LIMITS:
        said, limit = LIMITS[kind]
        values = {"limit": context.get(limit, ""), **got}
        return problem_of(said, where, message + shown, fix, **values)
    if kind in ("enum", "literal_error"):
        choices = ", ".join(re.findall(r"'[^']*'|[^' ,]+(?= or |, |$)", str(context["expected"])))
        return problem_of("one_of", where, message + shown, fix, choices=choices, **got)
    return problem_of("refused_value", where, message + shown, fix, reason=message, **got)
