"""Provides the full check of a config file's content, naming the field and what is wrong.

Imported only when the quick reading in ``hecht.tui.config`` cannot accept a file as it is, so
pydantic stays off the start path of a well-formed config.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from hecht.tui.config import (
    DEFAULT_INTAKE,
    DEFAULT_VISIT,
    PRACTITIONER_MAX_LENGTH,
    Config,
    ConfigError,
    Protocols,
    Signals,
)


class CheckedProtocols(BaseModel):
    """The rules for ``[protocols]``: the same fields and defaults as ``Protocols``."""

    model_config = ConfigDict(extra="forbid")

    intake: list[str] = Field(default_factory=lambda: list(DEFAULT_INTAKE))
    visit: list[str] = Field(default_factory=lambda: list(DEFAULT_VISIT))
    closing: list[str] = Field(default_factory=lambda: list(DEFAULT_INTAKE))


class CheckedSignals(BaseModel):
    """The rules for ``[signals]``: the same fields and defaults as ``Signals``."""

    model_config = ConfigDict(extra="forbid")

    not_on_track_visits: int = 4
    overdue_weeks: int = 3

    @field_validator("not_on_track_visits", "overdue_weeks", mode="before")
    @classmethod
    def _whole_number_from_one(cls, value: object) -> object:
        if type(value) is not int or value < 1:
            raise PydanticCustomError(
                "whole_number_from_one",
                "Input should be a whole number of 1 or more (e.g. 3), not {given}",
                {"given": json.dumps(value, default=str)},
            )
        return value


class CheckedConfig(BaseModel):
    """The rules for the whole file: the same fields and defaults as ``Config``."""

    model_config = ConfigDict(extra="forbid")

    language: Literal["nl", "en"] | None = None
    practitioner: str | None = Field(default=None, max_length=PRACTITIONER_MAX_LENGTH)
    database: str | None = None
    privacy: bool = False
    protocols: CheckedProtocols = Field(default_factory=CheckedProtocols)
    keys: dict[str, str] = Field(default_factory=dict)
    signals: CheckedSignals = Field(default_factory=CheckedSignals)


def checked_config(data: dict[str, Any], source: str) -> Config:
    """Validate a config file's content and return the settings it holds.

    Raises:
        ConfigError: a field is unknown or has a wrong value; the message names the file
            (``source``) and the field.
    """
    try:
        checked = CheckedConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{source}: {where}: {first['msg']}") from None
    values = checked.model_dump()
    return Config(
        **{
            **values,
            "protocols": Protocols(**values["protocols"]),
            "signals": Signals(**values["signals"]),
        }
    )
