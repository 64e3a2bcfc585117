"""The real ``hecht import-csv`` in a terminal (a private tmux server): a long import says how
far it is, the line is gone once the result stands, and a file imported again is answered with
a few lines, not one per row."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from .conftest import one_client
from .terminal import TMUX, Terminal, practitioner_env

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")

FORMS = 150
"""Enough forms for several progress lines (one every 50), few enough to keep the test short."""


def paper_forms(path: Path, count: int) -> Path:
    """A WHO-5 of A1's for each of ``count`` days from 1 January 2025."""
    first = date(2025, 1, 1)
    rows = [f'A1,who5,{first + timedelta(days=n)},"3,3,3,3,{n % 6}"' for n in range(count)]
    path.write_text("\n".join(["client_code,scale,observed_on,answers", *rows]) + "\n")
    return path


def unwrapped(screen: str) -> str:
    """The terminal's lines run together: a long line wraps at the window's edge."""
    return screen.replace("\n", "")


def forms_in(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT COUNT(*) FROM administration").fetchone()[0]


@pytest.mark.parametrize(
    ("language", "progress", "done", "more"),
    [
        ("en", "storing the forms:", f"all {FORMS} rows are valid",
         f"… and {FORMS - 10} more rows with the same kind of problem"),
        ("nl", "formulieren opslaan:", f"alle {FORMS} rijen zijn geldig",
         f"… en nog {FORMS - 10} regels met hetzelfde soort probleem"),
    ],
)  # fmt: skip
def test_a_long_import_shows_how_far_it_is_and_an_import_again_is_told_in_a_few_lines(
    tmp_path, practice_copy, language, progress, done, more
):
    practice = practice_copy(tmp_path, one_client)
    source = paper_forms(tmp_path / "paper.csv", FORMS)
    shown = Terminal(practitioner_env(tmp_path, language), 100, 30)
    try:
        shown.start("--db", str(practice), "import-csv", str(source))
        shown.wait_for(progress)  # while the forms are stored
        assert shown.exit_status() == 0
        screen = unwrapped(shown.everything())
        assert done in screen and progress not in screen, screen  # the line is cleared
        assert forms_in(practice) == FORMS
        shown.start("--db", str(practice), "import-csv", str(source))
        assert shown.exit_status() == 2
        screen = unwrapped(shown.everything())
        assert more in screen, screen
        assert screen.count(str(source)) == 11  # ten rows named, then the count
        assert forms_in(practice) == FORMS
    finally:
        shown.close()
