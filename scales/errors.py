"""Provides readable problems from pydantic errors: where in the file, what, and how to fix it."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from hecht.scales.problems import Problem
from hecht.scales.values import ID_PATTERN, VERSION_PATTERN

SHOWN = 60
"""Characters of a refused value, key or id shown in a message (a file may hold huge ones)."""

PATTERNS = {
    ID_PATTERN: "use letters A-Z, digits 0-9 and _ . - (no spaces)",
    VERSION_PATTERN: "write a version such as 1, 2 or 1.1 with the digits 0-9",
}
"""What each id pattern of the model means, said the way an author can act on it."""


KINDS = {
    "model_type": "should be a table ({ key = value, … })",
    "model_attributes_type": "should be a table ({ key = value, … })",
    "dict_type": "should be a table ({ key = value, … })",
    "list_type": "should be a list ([ … ])",
    "tuple_type": "should be a list ([ … ])",
    "string_type": "should be text in quotes",
    "int_type": "should be a whole number, without quotes",
    "int_parsing": "should be a whole number written with the digits 0-9",
    "int_from_float": "should be a whole number, without a decimal point",
    "float_type": "should be a number, without quotes",
    "bool_type": "should be true or false, without quotes",
    "finite_number": "should be a finite number (not nan or inf)",
}
"""pydantic's wording for a value of the wrong kind, said in TOML terms."""


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
                Problem(
                    describe_location(location[:-1], raw) or "top level",
                    f"unknown key '{shorten(str(location[-1]))}'",
                    f"remove it or correct its spelling (allowed here: {allowed})"
                    if allowed
                    else "remove it",
                )
            )
        elif kind == "missing":
            problems.append(
                Problem(
                    describe_location(location[:-1], raw) or "top level",
                    f"required key '{shorten(str(location[-1]))}' is missing",
                    "add it (see docs/scale-format.md)",
                )
            )
        else:
            problems.append(_value_problem(detail, describe_location(location, raw)))
    return problems


def _value_problem(detail: Any, where: str) -> Problem:
    """A refused value: pydantic's reason, the value as given (shortened), and the fix."""
    kind = detail["type"]
    message = str(detail["msg"]).removeprefix("Value error, ")
    if kind == "value_error":
        return Problem(where or "top level", message)
    given = detail.get("input")
    shown = "" if isinstance(given, dict | list) else f" (got {shorten(repr(given))})"
    fix = "correct the value"
    message = KINDS.get(kind, message)
    if kind == "string_pattern_mismatch":
        pattern = str(detail.get("ctx", {}).get("pattern", ""))
        message, fix = "this is not a valid id or version", PATTERNS.get(pattern, fix)
    return Problem(where or "top level", message + shown, fix)
