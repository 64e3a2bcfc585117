"""The config file: defaults without one, a clear refusal of a bad one, a faithful round trip."""

from __future__ import annotations

import pytest

from hecht.tui.config import Config, ConfigError, Protocols, config_path, load_config, save_config


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
        ('language = "de"\n', "language: Input should be 'nl' or 'en'"),
        ("colour = 1\n", "colour: Extra inputs are not permitted"),
        ("language = \n", "not valid TOML"),
    ],
)
def test_a_bad_config_file_is_refused_naming_the_field(text, message):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value).startswith(str(config_path()))
    assert message in str(caught.value)


def test_the_config_files_database_and_language_are_used_unless_overridden(
    monkeypatch, capsys, tmp_path
):
    from hecht.tui.cli import main

    monkeypatch.delenv("HECHT_DB", raising=False)
    monkeypatch.delenv("HECHT_LANG", raising=False)
    from hecht.schema.database import open_database

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
    from hecht.tui.cli import main

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("privacy = maybe\n")
    assert main(["scales", "list"]) == 2
    assert "config.toml: not valid TOML" in capsys.readouterr().err
