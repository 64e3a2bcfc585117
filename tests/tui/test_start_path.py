"""The way to the first frame: light settings, no storage before it, the collector paused till then.

Import checks run in a fresh interpreter, so what this test process already imported cannot hide
an import from the start path.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import tomllib
from datetime import date

import pytest

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.tui.app import HechtApp
from hecht.tui.backend.core import Backend
from hecht.tui.config import Config, Protocols, save_config
from hecht.tui.i18n import CATALOGUE_DIR, Messages, flat_entries
from hecht.tui.shell.startup import paused, resume_collection
from tests.schema.conftest import Practice

from .conftest import NOW, PRACTITIONER_CONFIG, wait_until

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic")


def run_fresh(code: str) -> tuple[list[str], list[str]]:
    """Run ``code`` in a fresh interpreter: its output lines, and the heavy packages imported."""
    probe = f"{code}\nimport sys\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    *printed, imported = done.stdout.strip().splitlines()
    return printed, eval(imported)  # noqa: S307 - our own probe's output


def test_the_app_and_its_first_screen_import_neither_storage_nor_pydantic(isolated_config):
    code = (
        "from hecht.tui.config import load_config\n"
        "from hecht.tui.cli.invocation import Invocation\n"
        "from hecht.tui.shell.launch import make_app\n"
        "from hecht.tui.i18n import Messages\n"
        "import hecht.tui.screens.caseload\n"
        "config = load_config()\n"
        "url = Invocation(Messages('en'), config, 'x.db').database_url()\n"
        "make_app(url, Messages('en'), config)\n"
    )
    assert run_fresh(code) == ([], [])


def test_a_config_file_is_read_without_pydantic(isolated_config):
    written = Config(
        language="nl",
        practitioner="Mira",
        privacy=True,
        protocols=Protocols(visit=["who5"]),
        keys={"caseload.new_client": "f6"},
    )
    save_config(written)
    code = (
        "import msgspec\n"
        "from hecht.tui.config import load_config\n"
        "print(msgspec.to_builtins(load_config()))\n"
    )
    import msgspec

    assert run_fresh(code) == ([str(msgspec.to_builtins(written))], [])


def test_start_up_mode_pauses_the_collector_until_resumed_then_freezes_what_it_built():
    code = (
        "import gc\n"
        "from hecht.tui.shell.startup import pause_collection, paused, resume_collection\n"
        "pause_collection()\n"
        "assert not gc.isenabled() and paused()\n"
        "built = [[] for _ in range(1000)]\n"
        "resume_collection()\n"
        "assert gc.isenabled() and not paused() and gc.get_freeze_count() >= 1000\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def test_resuming_without_a_pause_leaves_the_hosts_collector_alone():
    frozen = gc.get_freeze_count()
    resume_collection()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def rows(app: HechtApp) -> int:
    """How many rows the caseload's table shows."""
    return app.screen.query_one("DataTable").row_count


@pytest.fixture
def practice(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'practice.db'}"
    actor = Actor(user_id=None, access_point="test", clock=lambda: NOW)
    with Practice.at(url, actor) as practice:
        practice.episode(practice.client("MOM-1"), date(2026, 10, 1))
    return url


async def test_the_caseload_shown_ends_start_up_mode(practice, monkeypatch):
    monkeypatch.setattr("hecht.tui.shell.startup._paused", True)
    app = HechtApp(
        Backend(practice, load_library(None), "test", lambda: NOW),
        Messages("en"),
        PRACTITIONER_CONFIG,
    )
    gc.disable()
    try:
        async with app.run_test() as pilot:
            assert not gc.isenabled()
            # painted rows end start-up mode and then open storage, long before the 10 s limit
            await wait_until(
                pilot,
                lambda: rows(app) and app.backend._engine is not None,
                "the rows, then storage",
            )
            assert app.screen.query_one("DataTable").row_count == 1
            assert gc.isenabled() and not paused()
    finally:
        gc.unfreeze()
        gc.enable()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_catalogues_read_quickly_say_exactly_what_tomllib_reads(language):
    text = (CATALOGUE_DIR / f"{language}.toml").read_text(encoding="utf-8")
    quick = flat_entries(text)
    assert quick is not None
    assert quick == {key: str(value) for key, value in tomllib.loads(text).items()}


@pytest.mark.parametrize(
    "text",
    [
        'bare = "a key without quotes"\n',
        '"twice" = "one"\n"twice" = "two"\n',
        '"emoji" = "\\U0001F600"\n',
        '"spaced" = "text"  # a comment\n',
        '"tab" = "a\tb"\n',
    ],
)
def test_catalogue_lines_beyond_the_quick_reading_are_left_to_tomllib(text):
    assert flat_entries(text) is None


@pytest.mark.parametrize(
    ("arguments", "tui"),
    [
        ([], True),
        (["--db", "praktijk.db"], True),
        (["--db=praktijk.db", "--demo", "--lang", "nl"], True),
        (["--lang=en"], True),
        (["scales", "list"], False),
        (["--db", "praktijk.db", "caseload", "--json"], False),
        (["-h"], False),
        (["--demo", "--help"], False),
        (["--db"], False),
        (["--dbx", "praktijk.db"], False),
    ],
)
def test_only_top_level_options_start_the_tui_without_the_commands_parsers(arguments, tui):
    from hecht.tui.cli.main import tui_options

    assert (tui_options(arguments) is not None) is tui


def test_plain_hecht_imports_neither_click_nor_a_command_on_its_way_to_the_tui(
    isolated_config, tmp_path
):
    code = (
        "import sys\n"
        "from hecht.tui.cli import main as cli\n"
        "from hecht.tui.shell import launch\n"
        "launch.run_tui = lambda url, words, config, demo: print(url, words.language, demo) or 0\n"
        f"assert cli.main(['--db', {str(tmp_path / 'x.db')!r}, '--lang', 'nl']) == 0\n"
        "loaded = ('hecht.tui.cli.commands', 'click')\n"
        "print(sorted(m for m in sys.modules if m.startswith(loaded)))\n"
    )
    assert run_fresh(code) == ([f"sqlite:///{tmp_path / 'x.db'} nl False", "[]"], [])


def test_a_bad_top_level_value_is_refused_with_exit_2(capsys):
    from hecht.tui.cli.main import main

    assert main(["--lang", "de"]) == 2
    assert "'de' is not one of 'nl', 'en'" in capsys.readouterr().err


def test_the_first_caseload_is_read_before_storage_or_the_scales_are_imported(
    practice, isolated_config
):
    from hecht.tui.folders import local_scales_dir
    from hecht.tui.views.scale_facts import load_and_remember

    load_and_remember(local_scales_dir())  # a start before this one left the scales' facts
    code = (
        "from hecht.tui.config import Config\n"
        "from hecht.tui.i18n import Messages\n"
        "from hecht.tui.shell.launch import make_app\n"
        "from hecht.tui.backend.core import signal_thresholds\n"
        f"app = make_app({practice!r}, Messages('en'), Config())\n"
        "rows = app.backend.caseload(signal_thresholds(app.config))\n"
        "print([(row.code, row.visits) for row in rows])\n"
    )
    assert run_fresh(code) == (["[('MOM-1', 0)]"], [])


def test_without_the_scales_facts_the_first_caseload_is_read_the_normal_way(
    practice, isolated_config
):
    code = (
        "from hecht.tui.config import Config\n"
        "from hecht.tui.i18n import Messages\n"
        "from hecht.tui.shell.launch import make_app\n"
        f"app = make_app({practice!r}, Messages('en'), Config())\n"
        "from hecht.tui.backend.core import signal_thresholds\n"
        "print([row.code for row in app.backend.caseload(signal_thresholds(app.config))])\n"
    )
    printed, imported = run_fresh(code)
    assert printed == ["['MOM-1']"]
    assert "sqlalchemy" in imported


async def test_the_app_shows_the_quickly_read_caseload_and_opens_storage_after_it(
    practice, isolated_config, monkeypatch
):
    from sqlmodel import select

    from hecht.schema.db import quick
    from hecht.schema.tables import AuditEvent
    from hecht.tui.folders import local_scales_dir
    from hecht.tui.views.scale_facts import cached_facts, load_and_remember

    load_and_remember(local_scales_dir())
    read_quickly: list = []
    quick_caseload = quick.quick_caseload

    def recorded(*args, **kwargs):
        read_quickly.append(quick_caseload(*args, **kwargs))
        return read_quickly[-1]

    monkeypatch.setattr(quick, "quick_caseload", recorded)
    backend = Backend(
        practice, load_library(None), "test", lambda: NOW,
        facts=lambda: cached_facts(local_scales_dir()),  # as make_app passes them
    )  # fmt: skip
    app = HechtApp(backend, Messages("en"), PRACTITIONER_CONFIG)
    async with app.run_test() as pilot:
        await wait_until(
            pilot, lambda: rows(app) and backend._engine is not None, "the rows, then storage"
        )
        assert app.screen.query_one("DataTable").row_count == 1
        assert len(read_quickly) == 1 and app.screen.rows is read_quickly[0]  # its rows
        assert backend._engine is not None  # storage proper opened once they were shown
    engine = open_database(practice)
    with unit_of_work(engine) as session:
        listings = session.exec(select(AuditEvent.seq).where(AuditEvent.detail == "caseload"))
        assert len(list(listings)) == 1  # read once, by the quick read
    engine.dispose()
