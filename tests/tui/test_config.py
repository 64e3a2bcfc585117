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
