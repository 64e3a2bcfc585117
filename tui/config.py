"""Provides the user's settings: ``config.toml`` in the config folder, checked on load."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hecht.tui.settings import config_dir

CONFIG_NAME = "config.toml"
DEFAULT_INTAKE = ["who5", "rses", "csi4", "epds", "gad7"]
DEFAULT_VISIT = ["who5", "csi4"]


class Protocols(BaseModel):
    """Which scales a visit asks for, by phase of the episode."""

    model_config = ConfigDict(extra="forbid")

    intake: list[str] = Field(default_factory=lambda: list(DEFAULT_INTAKE))
    visit: list[str] = Field(default_factory=lambda: list(DEFAULT_VISIT))
    closing: list[str] = Field(default_factory=lambda: list(DEFAULT_INTAKE))


class Config(BaseModel):
    """Everything a user may set; every field has a default, so no file is needed."""

    model_config = ConfigDict(extra="forbid")

    language: Literal["nl", "en"] | None = None
    practitioner: str | None = Field(default=None, max_length=200)
    database: str | None = None
    privacy: bool = False
    protocols: Protocols = Field(default_factory=Protocols)
    keys: dict[str, str] = Field(default_factory=dict)


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file, the field and the fix."""


def config_path() -> Path:
    """Return where the config file lives."""
    return config_dir() / CONFIG_NAME


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults.

    Raises:
        ConfigError: the file is not TOML or has an unknown or wrong field.
    """
    path = path or config_path()
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); fix it or remove the file") from None
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None


def toml_value(value: object) -> str:
    """Render a value as TOML (strings, booleans and lists of strings are all a config holds)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the config file (``hecht init``), keeping it readable by hand."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Hecht settings. `hecht init` wrote this file; edit it freely.", ""]
    for name in ("language", "practitioner", "database", "privacy"):
        value = getattr(config, name)
        if value is not None:
            lines.append(f"{name} = {toml_value(value)}")
    lines += ["", "[protocols]"]
    for name in ("intake", "visit", "closing"):
        lines.append(f"{name} = {toml_value(getattr(config.protocols, name))}")
    if config.keys:
        lines += ["", "[keys]"]
        lines += [
            f"{toml_value(action)} = {toml_value(key)}" for action, key in config.keys.items()
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
