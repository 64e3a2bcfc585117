"""The command line on click: help in both languages, Dutch framework phrases, the demo kept
apart from the real database, and who acted in every audit row."""

from __future__ import annotations

import getpass
import re
import shutil
import socket
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hecht.tui.cli.commands.group import build_group
from hecht.tui.cli.main import main
from hecht.tui.config import Config, save_config
from hecht.tui.i18n import Messages
from hecht.tui.shell.launch import demo_url

from .conftest import run

pytestmark = pytest.mark.usefixtures("named_practitioner")
"""Destroying, exporting and importing are refused unless the practitioner is named."""


def every_command(group: click.Group, context: click.Context):
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        yield command
        if isinstance(command, click.Group):
            yield from every_command(command, context)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_command_and_option_has_help_text_in_both_languages(language):
    group = build_group(Messages(language), Config(), demo_url)
    context = click.Context(group)
    commands = [group, *every_command(group, context)]
    assert len(commands) > 20
    for command in commands:
        assert command.help, command.name
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                assert parameter.help, (command.name, parameter.name)


def test_dutch_help_and_errors_carry_no_english_framework_phrase(capsys):
    main(["--lang", "nl", "report", "outcomes", "--help"])
    shown = capsys.readouterr().out
    assert shown.startswith("Gebruik: hecht report outcomes [OPTIES]")
    assert "Opties:" in shown and "Toon deze hulptekst en stop." in shown
    assert main(["--lang", "nl", "caseload", "--bogus"]) == 2
    refused = capsys.readouterr().err
    assert "Fout: Onbekende optie '--bogus'" in refused
    for english in ("Usage:", "Error", "No such option", "Show this message", "Options"):
        assert english not in shown + refused


def command_paths(group: click.Group, context: click.Context, path: tuple[str, ...] = ()):
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from command_paths(command, context, (*path, name))


CLICKS_ENGLISH = re.compile(
    r"\[required\]|\b(?:TEXT|INTEGER|FLOAT|PATH|FILE|BOOLEAN)\b|Usage:|Options:|Commands:|"
    r"Show this message|Show the version"
)
"""click's own words in a help page: the usage line, headings, metavars and ``[required]``."""


def test_the_dutch_help_of_every_command_holds_none_of_clicks_english_words(capsys):
    group = build_group(Messages("nl"), Config(), demo_url)
    paths = [(), *command_paths(group, click.Context(group))]
    assert len(paths) > 20
    for path in paths:
        assert main(["--lang", "nl", *path, "--help"]) == 0, path
        shown = capsys.readouterr().out
        assert not CLICKS_ENGLISH.search(shown), (path, shown)
    assert main(["--lang", "nl", "scales", "score", "--help"]) == 0
    assert "--answers TEKST" in capsys.readouterr().out.replace("\n", " ")


def test_a_dutch_refusal_of_a_value_names_its_type_in_dutch(capsys):
    assert main(["--lang", "nl", "demo", "--seed", "x"]) == 2
    assert "Fout: Ongeldige waarde voor '--seed': 'x' is geen geldig geheel getal." in (
        capsys.readouterr().err
    )
    assert main(["--lang", "en", "demo", "--seed", "x"]) == 2  # English keeps click's words
    assert "'x' is not a valid integer." in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "said"),
    [(["a"], "Onverwacht extra argument (a)"), (["a", "b"], "Onverwachte extra argumenten (a b)")],
)
def test_clicks_counted_phrases_agree_with_the_number_in_dutch(capsys, extra, said):
    assert main(["--lang", "nl", "scales", "list", *extra]) == 2
    assert said in capsys.readouterr().err


def test_the_version_and_a_scales_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("hecht, version ")
    assert main(["scales", "show", "who5", "--scale-version", "1", "--json"]) == 0
    assert '"version": "1"' in capsys.readouterr().out
    assert main(["scales", "show", "who5", "--version", "1"]) == 2


def test_usage_errors_exit_2_through_clicks_runner():
    runner = CliRunner()
    group = build_group(Messages("en"), Config(), demo_url)
    for arguments in (["nosuch"], ["audit"], ["scales", "score", "who5"], ["db", "status", "x"]):
        result = runner.invoke(group, arguments, standalone_mode=False, catch_exceptions=True)
        assert isinstance(result.exception, click.UsageError), arguments


def test_db_and_demo_are_refused_by_commands_that_open_no_database(capsys, tmp_path):
    assert main(["--db", str(tmp_path / "x.db"), "scales", "list"]) == 2
    assert "scales does not open a database" in capsys.readouterr().err
    assert main(["scales", "list", "--db", "x.db"]) == 2


@pytest.fixture
def demo_home(tmp_path, monkeypatch, report_db) -> Path:
    """A data folder holding a (small) demo practice, and no real database."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("HECHT_DB", raising=False)
    folder = tmp_path / "data" / "hecht"
    folder.mkdir(parents=True)
    shutil.copyfile(report_db, folder / "hecht-demo.db")
    return folder


DEMO_COMMANDS = [
    ["caseload"],
    ["report", "outcomes"],
    ["report", "supervision"],
    ["report", "client", "ZULU"],
    ["audit", "verify"],
    ["audit", "log", "ZULU"],
    ["db", "status"],
    ["db", "rescore"],
    ["export", "--format", "csv", "--out", "{tmp}/study"],
    ["export", "--out", "{tmp}/all.json"],
    ["backup", "{tmp}/copy.db"],
]


@pytest.mark.parametrize("command", DEMO_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("where", ["before", "after"])
def test_the_demo_never_touches_the_real_database(capsys, demo_home, tmp_path, command, where):
    arguments = [part.replace("{tmp}", str(tmp_path)) for part in command]
    arguments = ["--demo", *arguments] if where == "before" else [*arguments, "--demo"]
    assert main(arguments) == 0, capsys.readouterr().err
    assert not (demo_home / "hecht.db").exists()


@pytest.mark.parametrize("command", [["restore", "x.db"], ["import", "x.json"], ["demo"]])
def test_the_demo_is_refused_where_it_makes_no_sense(capsys, demo_home, command):
    assert main(["--demo", *command]) == 2
    assert "--demo" in capsys.readouterr().err
    assert not (demo_home / "hecht.db").exists()


def test_every_command_line_access_names_the_practitioner_and_the_os_user(capsys, report_db):
    save_config(Config(practitioner="Mira Jansen"))
    assert main(["--db", report_db, "caseload"]) == 0
    assert main(["--db", report_db, "audit", "log", "ZULU"]) == 0
    shown = capsys.readouterr().out
    who = f"{getpass.getuser()}@{socket.gethostname()}"
    assert f"command line ({who})" in shown and "Mira Jansen" in shown  # stored: cli:<who>
    with sqlite3.connect(report_db) as connection:
        last = connection.execute(
            "SELECT user_id, access_point FROM auditevent ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert last[0] is not None and last[1] == f"cli:{who}"


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_an_export_appears_in_each_exported_clients_own_log(capsys, report_db, tmp_path, kind):
    out = tmp_path / ("all.json" if kind == "json" else "study")
    assert main(["--db", report_db, "export", "--format", kind, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["--db", report_db, "audit", "log", "MIKE", "--json"]) == 0
    events = [
        (row["event"], row["detail"]) for row in __import__("json").loads(capsys.readouterr().out)
    ]
    assert ("export", "json export" if kind == "json" else "csv: identified") in events


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "{a}", "caseload", "--db", "{b}"],
        ["caseload", "--db", "{a}", "--db", "{b}"],
        ["--db", "{a}", "--db", "{b}", "caseload"],
        ["--db", "{a}", "--db", "{b}"],  # the TUI's own start, without click
        ["--lang", "nl", "--lang", "en", "--db", "{a}"],
    ],
)
def test_an_option_given_twice_with_two_values_is_refused_not_the_last_taken(
    capsys, report_db, tmp_path, argv
):
    """``--db A … --db B`` worked on B (or the TUI opened B) without a word."""
    other = tmp_path / "other.db"
    given = [part.format(a=report_db, b=other) for part in argv]
    code, out, err = run(capsys, *given)
    assert code == 2, out + err
    assert "is given twice, with two values" in err or "staat er twee keer" in err, err
    assert not other.exists()


@pytest.mark.parametrize("second", ["{same}", "{relative}", "{dotted}"])
def test_an_option_given_twice_with_one_value_is_taken(capsys, report_db, monkeypatch, second):
    """Two paths to one database file are one value: ``--db a.db … --db ./a.db`` is no
    contradiction."""
    folder = Path(report_db).parent
    monkeypatch.chdir(folder)
    name = Path(report_db).name
    again = second.format(same=report_db, relative=name, dotted=f"./{name}")
    code, out, err = run(capsys, "--db", report_db, "caseload", "--db", again)
    assert code == 0 and "ZULU" in out, err
    code, out, err = run(capsys, "--db", again, "--db", report_db, "caseload")
    assert code == 0 and "ZULU" in out, err


def test_the_tui_starts_on_two_paths_to_one_database_and_refuses_two_databases(tmp_path):
    from hecht.tui.cli.main import tui_options

    first = tmp_path / "a.db"
    same = tui_options(["--db", str(first), "--db", f"{tmp_path}/./a.db"])
    assert same is not None and same["db"] == str(first)
    assert tui_options(["--db", str(first), "--db", str(tmp_path / "b.db")]) is None


@pytest.mark.parametrize("named", ["{own}", "own.db", "./own.db", "sqlite:///{own}"])
def test_the_demo_never_goes_into_the_practices_database_however_it_is_named(
    capsys, tmp_path, monkeypatch, named
):
    """The config names the database by its full path; `hecht demo --db ./own.db` compared the
    two as text and would have filled a practice's new, empty database with synthetic clients."""
    from hecht.schema.db.database import open_database
    from hecht.tui.config import Config, save_config

    own = tmp_path / "own.db"
    open_database(f"sqlite:///{own}").dispose()  # a practice set up, no client yet
    save_config(Config(practitioner="Test Practitioner", database=str(own)))
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "demo", "--db", named.format(own=own))
    assert code == 2 and "never goes into your real database" in err, err
    with sqlite3.connect(own) as connection:
        assert connection.execute("SELECT count(*) FROM client").fetchone() == (0,)


def test_a_loop_of_links_named_twice_is_one_database_not_an_internal_error(tmp_path):
    from hecht.schema.db.engine import same_database

    loop = tmp_path / "loop.db"
    loop.symlink_to(loop)
    assert same_database(str(loop), f"{tmp_path}/./loop.db")
    assert not same_database(str(loop), str(tmp_path / "other.db"))
