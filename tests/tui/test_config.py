"""The config file: defaults without one, a clear refusal of a bad one, a faithful round trip."""

from __future__ import annotations

import msgspec
import pytest

from hecht.tui.config import (
    PRACTITIONER_MAX_LENGTH,
    Config,
    ConfigError,
    Protocols,
    Signals,
    config_path,
    load_config,
    save_config,
)
from hecht.tui.i18n import Messages


def test_without_a_file_every_setting_has_its_default(isolated_config):
    config = load_config()
    assert config_path() == isolated_config / "config.toml"
    assert config.protocols.intake == ["who5", "rses", "csi4", "epds", "gad7"]
    assert config.protocols.visit == ["who5", "csi4"]
    assert (config.language, config.privacy) == (None, False)


def test_a_saved_config_reads_back_the_same():
    config = Config(
        language="nl",
        practitioner='Mira "M." de Vries',
        database="/data/praktijk.db",
        privacy=True,
        protocols=Protocols(visit=["who5", "csi4", "core10"]),
        keys={"app.privacy": "f8"},
    )
    assert load_config(save_config(config)) == config


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('language = "de"\n', 'language = "de" cannot be used; allowed: "nl" or "en"'),
        ("colour = 1\n", "colour is not a setting Hecht knows (known here: language,"),
        (
            '[protocols.by_reason]\nfear = ["fobs"]\n',
            "protocols.by_reason.fear is not a setting Hecht knows (known here: fear_of_",
        ),
        ("language = \n", "not valid TOML at line 1"),
    ],
)
def test_a_bad_config_file_is_refused_naming_the_field(text, message):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    told = caught.value.describe(Messages("en"))
    assert told.startswith(str(config_path())) and message in told


def test_the_config_files_database_and_language_are_used_unless_overridden(
    monkeypatch, capsys, tmp_path
):
    from hecht.tui.cli.main import main

    monkeypatch.delenv("HECHT_DB", raising=False)
    monkeypatch.delenv("HECHT_LANG", raising=False)
    from hecht.schema.db.database import open_database

    for name in ("from-config.db", "other.db"):
        open_database(f"sqlite:///{tmp_path / name}").dispose()
    save_config(Config(language="nl", database=str(tmp_path / "from-config.db")))
    assert main(["db", "status"]) == 0
    assert f"sqlite:///{tmp_path / 'from-config.db'}: schema" in capsys.readouterr().out
    main(["--db", str(tmp_path / "other.db"), "db", "status"])
    assert "other.db" in capsys.readouterr().out
    main(["scales", "list"])
    assert capsys.readouterr().out.startswith("id        versie")
    main(["--lang", "en", "scales", "list"])
    assert capsys.readouterr().out.startswith("id        version")


def test_a_broken_config_file_stops_every_command_with_exit_2(capsys):
    from hecht.tui.cli.main import main

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("privacy = maybe\n")
    assert main(["scales", "list"]) == 2
    assert "config.toml: not valid TOML" in capsys.readouterr().err


WRONG_FILES = [
    ("privacy = 0.5\n", "privacy = 0.5", "true or false"),
    ('practitioner = "' + "M" * 201 + '"\n', "practitioner", "at most 200"),
    ('[protocols]\nfollow_up = ["who5"]\n', "protocols.follow_up", "intake, visit, closing"),
    ("[keys]\n'app.quit' = 5\n", "keys", '"app.quit" = "ctrl+q"'),
    ("[signals]\noverdue_weeks = 0\n", "signals.overdue_weeks = 0", "1 or more"),
    ('[signals]\nnot_on_track_visits = "4"\n', "signals.not_on_track_visits", "1 or more"),
    ("lock_after_minutes = -1\n", "lock_after_minutes = -1", "0 (never lock) to 1440"),
    ("lock_after_minutes = true\n", "lock_after_minutes = true", "0 (never lock)"),
    (
        "[protocols.by_reason]\nstillbirth = 3\n",
        "protocols.by_reason.stillbirth = 3",
        'a list of scale ids in quotes, e.g. ["pgs33", "epds", "who5", "csi4"]',
    ),
    (
        "[protocols]\nby_reason = 3\n",
        "protocols.by_reason = 3",
        "a section [protocols.by_reason] with fear_of_childbirth, fear_of_parenthood,",
    ),
]
FRAMEWORK_WORDING = ("Expected", "Input should", "Object contains", "$.", "msgspec", "pydantic")


@pytest.mark.parametrize(("text", "field", "fix"), WRONG_FILES)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_wrong_setting_is_named_with_its_fix_in_the_users_language(
    capsys, text, field, fix, language
):
    from hecht.tui.cli.main import main

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(text)
    assert main(["--lang", language, "scales", "list"]) == 2
    told = capsys.readouterr().err
    assert str(config_path()) in told and field in told
    if language == "en":
        assert fix in told
    else:
        assert "toegestaan" in told or "geen instelling" in told
    assert not any(wording in told for wording in FRAMEWORK_WORDING)


def settings_of(model: type = Config, prefix: str = "") -> list[str]:
    """Every field of the settings, sections and their fields alike, as the file names them."""
    found = []
    for each in msgspec.structs.fields(model):
        name = prefix + each.name
        found.append(name)
        if isinstance(each.type, type) and issubclass(each.type, msgspec.Struct):
            found += settings_of(each.type, name + ".")
    return found


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_setting_says_what_it_takes_with_the_models_own_limits_and_defaults(language):
    """Each field has words for what it takes; its numbers, fields and example are the model's,
    so the catalogue cannot drift from it (it held "1440" and "at most 200" of its own)."""
    from hecht.tui.config import expectation

    messages = Messages(language)
    said = {name: expectation(name, messages) for name in settings_of()}
    assert all(said.values()), [name for name, text in said.items() if not text]
    assert "1440" in said["lock_after_minutes"] and "10" in said["lock_after_minutes"]
    assert str(PRACTITIONER_MAX_LENGTH) in said["practitioner"]
    assert '"pgs33"' in said["protocols.by_reason.stillbirth"]
    assert all(
        not any(character.isdigit() for character in messages.get(key, ""))
        for key in messages.keys()
        if key.startswith("config.expect.")
    ), "a number in the catalogue's words for a setting: take it from the model"


def test_lock_after_minutes_defaults_to_ten_and_zero_means_never():
    assert Config().lock_after_minutes == 10
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("lock_after_minutes = 0\n")
    assert load_config().lock_after_minutes == 0


def test_the_signal_defaults_are_the_storage_layers():
    from dataclasses import asdict

    from hecht.schema.thresholds import SignalThresholds

    assert msgspec.to_builtins(Config().signals) == asdict(SignalThresholds())


def test_saving_writes_what_differs_from_the_defaults_so_a_later_default_still_reaches_the_user():
    save_config(Config(practitioner="Mira", signals=Signals(overdue_weeks=5)))
    settings = [line for line in config_path().read_text().splitlines() if "=" in line]
    assert settings == ['practitioner = "Mira"', "overdue_weeks = 5"]
    assert (
        "[signals]" in config_path().read_text() and "[protocols]" not in config_path().read_text()
    )


def test_a_default_the_user_wrote_into_the_file_stays_there_when_saving():
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("lock_after_minutes = 10\n\n[signals]\nnot_on_track_visits = 4\n")
    save_config(load_config().model_copy(update={"practitioner": "Mira"}))
    text = config_path().read_text()
    assert "lock_after_minutes = 10" in text and "not_on_track_visits = 4" in text
    assert "overdue_weeks" not in text and "[protocols]" not in text


def test_saving_keeps_the_users_own_comments_and_settings():
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(
        '# my practice laptop\nlanguage = "en"  # for the students\n\n'
        "[signals]\n# stricter since March\noverdue_weeks = 2\n"
    )
    config = load_config().model_copy(update={"practitioner": "Mira"})
    save_config(config)
    text = config_path().read_text()
    assert "# my practice laptop" in text and "# for the students" in text
    assert "# stricter since March" in text
    assert load_config() == config and config.signals.overdue_weeks == 2
    assert config_path().stat().st_mode & 0o077 == 0
