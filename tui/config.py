"""Provides the user's settings: one model with its defaults and docs, read from ``config.toml``.

The model is declared once, as msgspec Structs: msgspec checks a file against it in well under
a millisecond and costs a few milliseconds to import, where pydantic would cost some sixty on
the way to the first frame. The file is written back with tomlkit, which keeps the user's own
comments and layout.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct, field

from hecht.schema.field_limits import PRACTITIONER_NAME_MAX
from hecht.schema.thresholds import SignalThresholds
from hecht.tui.folders import config_dir

if TYPE_CHECKING:
    from hecht.tui.i18n import Messages

CONFIG_NAME = "config.toml"
DEFAULT_INTAKE = ("who5", "rses", "csi4", "epds", "gad7")
DEFAULT_VISIT = ("who5", "csi4")
SIGNAL_DEFAULTS = SignalThresholds()
HEADER = "# Hecht settings. `hecht init` wrote this file; edit it freely (see the README)."


class ByReason(Struct, forbid_unknown_fields=True, kw_only=True):
    """Scales suggested at intake and closing for each referral reason, for both partners.

    One field per referral reason of the storage layer (ReferralReason); 'other' suggests none.
    A scale written for one parent or one phase goes to that parent in that phase only: doubts
    about becoming or being a parent bring the MAAS (mother) and PAAS (partner) in pregnancy and
    the PRFQ after the birth.
    """

    fear_of_childbirth: list[str] = field(default_factory=lambda: ["fobs", "epds", "who5", "csi4"])
    fear_of_parenthood: list[str] = field(
        default_factory=lambda: ["epds", "gad7", "who5", "csi4", "maas", "paas"]
    )
    traumatic_birth: list[str] = field(default_factory=lambda: ["epds", "gad7", "who5", "csi4"])
    stillbirth: list[str] = field(default_factory=lambda: ["pgs33", "epds", "who5", "csi4"])
    loss_or_grief: list[str] = field(default_factory=lambda: ["pgs33", "epds", "who5", "csi4"])
    parent_role: list[str] = field(
        default_factory=lambda: ["epds", "who5", "csi4", "maas", "paas", "prfq"]
    )
    relationship_problems: list[str] = field(default_factory=lambda: ["csi16", "who5", "epds"])
    other: list[str] = field(default_factory=list)

    def get(self, reason: str) -> list[str]:
        """The scales suggested for a reason; none for a reason this version does not know."""
        scale_ids = getattr(self, reason, [])
        return scale_ids if isinstance(scale_ids, list) else []


class Protocols(Struct, forbid_unknown_fields=True, kw_only=True):
    """Which scales a visit asks for, by phase of the episode."""

    intake: list[str] = field(default_factory=lambda: list(DEFAULT_INTAKE))
    """The battery of an episode's first visit."""
    visit: list[str] = field(default_factory=lambda: list(DEFAULT_VISIT))
    """The battery of every visit in between."""
    closing: list[str] = field(default_factory=lambda: list(DEFAULT_INTAKE))
    """The battery of the closing visit."""
    by_reason: ByReason = field(default_factory=ByReason)
    """Scales added to the intake and closing batteries for an episode's referral reasons,
    entered for each attending partner (e.g. fear of childbirth: FOBS, EPDS, WHO-5, CSI-4)."""


class Signals(Struct, forbid_unknown_fields=True, kw_only=True):
    """When the caseload flags a client; the defaults are the storage layer's."""

    not_on_track_visits: Annotated[int, Meta(ge=1)] = SIGNAL_DEFAULTS.not_on_track_visits
    """No reliable improvement after this many visits: not on track."""
    overdue_weeks: Annotated[int, Meta(ge=1)] = SIGNAL_DEFAULTS.overdue_weeks
    """No scale completed for this many weeks: overdue."""


PRACTITIONER_MIN_LENGTH = 2
"""The shortest name the screens and ``hecht enter`` take for the practitioner."""
PRACTITIONER_MAX_LENGTH = PRACTITIONER_NAME_MAX
"""The longest name: as long as the stored practitioner's name may be."""


class Config(Struct, forbid_unknown_fields=True, kw_only=True):
    """Everything a user may set; every field has a default, so no file is needed."""

    language: Literal["nl", "en"] | None = None
    """The language of screens and output; without it, HECHT_LANG or the locale decides."""
    practitioner: Annotated[str, Meta(max_length=PRACTITIONER_MAX_LENGTH)] | None = None
    """Your name: every change and access is logged as yours."""
    database: str | None = None
    """The database: a path to an SQLite file or a postgresql:// URL."""
    privacy: bool = False
    """Show codes instead of names on screen (for supervision with colleagues)."""
    lock_after_minutes: Annotated[int, Meta(ge=0, le=1440)] = 10
    """Lock the screen after this many idle minutes; 0 never locks."""
    protocols: Protocols = field(default_factory=Protocols)
    """The batteries per phase of an episode."""
    keys: dict[str, str] = field(default_factory=dict)
    """Your own keys for actions, e.g. ``"caseload.new_client" = "f6"``."""
    signals: Signals = field(default_factory=Signals)
    """The thresholds of the caseload's signals."""

    def model_copy(self, *, update: dict[str, Any]) -> Config:
        """Return a copy with some settings replaced (the call ``hecht init`` makes)."""
        return msgspec.structs.replace(self, **update)


class ConfigError(ValueError):
    """The config file cannot be used: which file, which field, what is wrong (and the fix).

    ``problem`` is ``toml`` (not TOML; ``line`` says where), ``unknown`` (a field Hecht does not
    know; ``known`` lists the fields there) or ``value`` (a wrong value, ``given``).
    """

    def __init__(
        self, path: Path, problem: str, field: str = "", *, given: str = "",
        known: tuple[str, ...] = (), line: str = "?",
    ) -> None:  # fmt: skip
        super().__init__(f"{path}: {field or 'TOML'}: {problem}")
        self.path, self.problem, self.field = path, problem, field
        self.given, self.known, self.line = given, known, line

    def describe(self, messages: Messages) -> str:
        """The refusal in the user's language, with the fix."""
        return messages(
            f"config.error.{self.problem}",
            path=self.path,
            field=self.field,
            given=self.given,
            known=", ".join(self.known),
            line=self.line,
            expected=expectation(self.field, messages),
        )


def expectation(field: str, messages: Messages) -> str:
    """What a field of the file takes, in the user's words; its limits, fields and example come
    from the model (``Config``), so the catalogue states no number or default of its own.

    A section names its fields; a list of scales gives its default as the example (a referral
    reason's too); any other field has words of its own (``config.expect.<field>``).
    """
    import msgspec.inspect as described

    info: Any = described.type_info(Config)
    found: Any = None
    for part in field.split("."):
        fields = info.fields if isinstance(info, described.StructType) else ()
        found = next((each for each in fields if each.name == part), None)
        if found is None:
            return ""
        info = found.type
    kinds = info.types if isinstance(info, described.UnionType) else (info,)
    kind = next(each for each in kinds if not isinstance(each, described.NoneType))
    if isinstance(kind, described.StructType):
        names = ", ".join(each.name for each in kind.fields)
        return messages("config.expect.section", section=field, fields=names)
    default = found.default
    if default is msgspec.NODEFAULT:
        default = found.default_factory()
    if isinstance(kind, described.ListType):  # every list of the settings is a battery
        example = default or list(DEFAULT_VISIT)  # 'other' suggests none: show a battery
        return messages("config.expect.scales", default=_toml_text(example, width=80))
    limits = {name: getattr(kind, name, None) for name in ("ge", "le", "max_length")}
    key = f"config.expect.{field}"
    return messages(key, default=_toml_text(default), **limits) if key in messages.keys() else ""


def config_path() -> Path:
    """Return where the config file lives."""
    return config_dir() / CONFIG_NAME


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults.

    Raises:
        ConfigError: the file is not TOML or has an unknown field or a wrong value.
    """
    path = path or config_path()
    if not path.is_file():
        return Config()
    import tomllib

    text = ""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        where = re.search(r"line (\d+)", str(error))
        line = where[1] if where else str(max(1, len(text.splitlines())))
        raise ConfigError(path, "toml", line=line) from None
    try:
        return msgspec.convert(data, Config)
    except msgspec.ValidationError as error:
        raise refusal(path, data, str(error)) from None


MSGSPEC_PROBLEM = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<where>[^`]*)`)?$")
UNKNOWN_FIELD = re.compile(r"Object contains unknown field `(?P<name>[^`]+)`")


def refusal(path: Path, data: dict[str, Any], problem: str) -> ConfigError:
    """Turn msgspec's account of a wrong file into a ConfigError naming the field."""
    found = MSGSPEC_PROBLEM.match(problem)
    assert found is not None  # the pattern matches any text
    steps = re.split(r"[.\[]", found["where"] or "")
    parts = [part for part in steps if part and not part.endswith("]")]
    unknown = UNKNOWN_FIELD.match(found["what"])
    if unknown:
        model = _model_at(parts)
        known = tuple(model.__struct_fields__) if model else ()
        return ConfigError(path, "unknown", ".".join([*parts, unknown["name"]]), known=known)
    value: Any = data
    for part in parts:
        value = value.get(part) if isinstance(value, dict) else None
    return ConfigError(path, "value", ".".join(parts), given=_toml_text(value))


def _model_at(parts: list[str]) -> type[Struct] | None:
    model: type[Struct] = Config
    for part in parts:
        found = next((f.type for f in msgspec.structs.fields(model) if f.name == part), None)
        if not (isinstance(found, type) and issubclass(found, Struct)):
            return None
        model = found
    return model


def _toml_text(value: Any, width: int = 40) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    from hecht.tui.views.cells import clipped

    return clipped(json.dumps(value, ensure_ascii=False, default=str), width).plain


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the settings into the config file, keeping whatever else the file says.

    Comments, order and layout of an existing file stay; a new file starts with a header. A
    setting is written when it differs from its default or the file already names it: a default
    written into every user's file would stay there when a later version changes it (a battery
    gaining a scale would never reach anyone who once saved their name).
    """
    import tomlkit

    from hecht.schema.exchange.files import private_folder, write_private

    path = path or config_path()
    private_folder(path.parent)
    document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else None
    if document is None:
        document = tomlkit.document()
        document.add(tomlkit.comment(HEADER[2:]))
    _write_settings(document, msgspec.to_builtins(config), msgspec.to_builtins(Config()))
    write_private(path, tomlkit.dumps(document))
    return path


def _write_settings(table: Any, values: dict[str, Any], defaults: dict[str, Any]) -> None:
    """Set in ``table`` each of ``values`` that differs from ``defaults`` or is there already;
    a section only when something in it is written."""
    import tomlkit

    for name, value in values.items():
        default = defaults.get(name)
        if isinstance(value, dict):
            section = table[name] if name in table else tomlkit.table()
            _write_settings(section, value, default if isinstance(default, dict) else {})
            if name not in table and len(section):
                table[name] = section
        elif value is None:
            table.pop(name, None)
        elif name in table or value != default:
            table[name] = value
