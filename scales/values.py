"""Provides the kinds of value a definition holds: ids, versions, numbers, flags and codes.

Each is strict: a number is never text or a boolean, an id and a code use ASCII only.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
)

from hecht.scales import limits
from hecht.scales.problems import RuleError


def _id_from_number(value: object) -> object:
    """Let authors write item ids as bare numbers (``id = 3``); they are stored as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+)*$"

Identifier = Annotated[
    str, BeforeValidator(_id_from_number), Field(pattern=ID_PATTERN, max_length=40)
]
"""An id: letters, digits and _ . - (ASCII only), at most 40 characters."""
Version = Annotated[
    str, BeforeValidator(_id_from_number), Field(pattern=VERSION_PATTERN, max_length=20)
]
"""A version: ASCII digits separated by dots (1, 2, 1.1)."""
Number = Annotated[StrictFloat, Field(ge=-limits.MAX_NUMBER, le=limits.MAX_NUMBER)]
"""A number written in a definition: an integer or a float, finite, never text or a boolean."""
Flag = StrictBool
"""true or false, never text or a number."""
Source = Annotated[str, Field(max_length=limits.MAX_TEXT)]


def _code_in_range(code: int) -> int:
    if code > limits.MAX_CODE:
        raise RuleError(
            f"code {code} is above {limits.MAX_CODE}: codes are typed with one or two keys "
            f"(0 to {limits.MAX_CODE}); a wider numeric answer uses range = {{ min, max, step }}",
            "code_too_high",
            code=code,
            limit=limits.MAX_CODE,
        )
    return code


def _code_from_key(value: object) -> object:
    """Read a code written as a TOML key (keys are text): ASCII digits only, at most two."""
    if isinstance(value, str):
        if not re.fullmatch(f"[0-9]{{1,{len(str(limits.MAX_CODE))}}}", value):
            raise RuleError(
                f"'{value[:20]}' is not an option code: write 0 to {limits.MAX_CODE} "
                "with the digits 0-9",
                "not_a_code",
                value=value[:20],
                limit=limits.MAX_CODE,
            )
        return int(value)
    return value


Code = Annotated[StrictInt, Field(ge=0), AfterValidator(_code_in_range)]
"""An option code: what is typed for the option, a whole number from 0 to 99."""
CodeKey = Annotated[
    StrictInt, BeforeValidator(_code_from_key), Field(ge=0), AfterValidator(_code_in_range)
]
"""An option code used as a key (``option_text = { 0 = … }``)."""


class Strict(BaseModel):
    """Base for every table of a definition: unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
