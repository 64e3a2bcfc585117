"""Provides the user's settings: ``config.toml`` in the config folder, checked on load."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from hecht.tui.settings import config_dir

CONFIG_NAME = "config.toml"
DEFAULT_INTAKE = ["who5", "rses", "csi4", "epds", "gad7"]
DEFAULT_VISIT = ["who5", "csi4"]
PRACTITIONER_MAX_LENGTH = 200
SIGNAL_KEYS = ("not_on_track_visits", "overdue_weeks")


@dataclass
class Protocols:
    """Which scales a visit asks for, by phase of the episode."""

    intake: list[str] = field(default_factory=lambda: list(DEFAULT_INTAKE))
    visit: list[str] = field(default_factory=lambda: list(DEFAULT_VISIT))
    closing: list[str] = field(default_factory=lambda: list(DEFAULT_INTAKE))


@dataclass
class Signals:
    """When the caseload flags a client as not on track or overdue (whole numbers, 1 or more)."""

    not_on_track_visits: int = 4
    overdue_weeks: int = 3


@dataclass
class Config:
    """Everything a user may set; every field has a default, so no file is needed.

    A plain dataclass, so reading the settings on the way to the first frame imports nothing
    heavy; ``hecht.tui.config_check`` holds the full rules and is used when a file needs them.
    """

    language: Literal["nl", "en"] | None = None
    practitioner: str | None = None
    database: str | None = None
    privacy: bool = False
    protocols: Protocols = field(default_factory=Protocols)
    keys: dict[str, str] = field(default_factory=dict)
    signals: Signals = field(default_factory=Signals)

    def model_copy(self, *, update: dict[str, Any]) -> Config:
        """Return a copy with some settings replaced (the call ``hecht init`` makes)."""
        return replace(self, **update)


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
    import tomllib  # only with a file to read: its import is a few ms of the first frame

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); fix it or remove the file") from None
    config = well_formed_config(data)
    if config is None:
        from hecht.tui.config_check import checked_config

        config = checked_config(data, str(path))
    return config


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _positive_counts(value: object) -> bool:
    return (
        isinstance(value, dict)
        and set(value) <= set(SIGNAL_KEYS)
        and all(type(count) is int and count >= 1 for count in value.values())
    )


def _well_formed_fields(data: dict[str, Any]) -> bool:
    expected = {
        "language": lambda value: value in ("nl", "en"),
        "practitioner": lambda value: (
            isinstance(value, str) and len(value) <= PRACTITIONER_MAX_LENGTH
        ),
        "database": lambda value: isinstance(value, str),
        "privacy": lambda value: isinstance(value, bool),
        "protocols": lambda value: (
            isinstance(value, dict)
            and set(value) <= {"intake", "visit", "closing"}
            and all(_strings(scales) for scales in value.values())
        ),
        "keys": lambda value: isinstance(value, dict) and _strings(list(value.values())),
        "signals": _positive_counts,
    }
    return all(name in expected and expected[name](value) for name, value in data.items())


def well_formed_config(data: dict[str, Any]) -> Config | None:
    """Return the settings of a file whose every field is known and well typed, else None.

    This quick reading accepts only what the full check accepts unchanged, so a well-formed
    file (what ``hecht init`` writes) never waits for pydantic; anything else goes through the
    full check, which also words the refusal.
    """
    if not _well_formed_fields(data):
        return None
    protocols = Protocols(**data.get("protocols", {}))
    signals = Signals(**data.get("signals", {}))
    return Config(**{**data, "protocols": protocols, "signals": signals})


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
    from hecht.schema.files import private_folder, write_private

    private_folder(path.parent)
    lines = ["# Hecht settings. `hecht init` wrote this file; edit it freely.", ""]
    for name in ("language", "practitioner", "database", "privacy"):
        value = getattr(config, name)
        if value is not None:
            lines.append(f"{name} = {toml_value(value)}")
    lines += ["", "[protocols]"]
    for name in ("intake", "visit", "closing"):
        lines.append(f"{name} = {toml_value(getattr(config.protocols, name))}")
    lines += ["", "[signals]"]
    lines += [f"{name} = {getattr(config.signals, name)}" for name in SIGNAL_KEYS]
    if config.keys:
        lines += ["", "[keys]"]
        lines += [
            f"{toml_value(action)} = {toml_value(key)}" for action, key in config.keys.items()
        ]
    write_private(path, "\n".join(lines) + "\n")
    return path
