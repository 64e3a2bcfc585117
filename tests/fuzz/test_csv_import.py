"""Fuzzing ``hecht import-csv``: mutated paper-record files are imported whole or refused whole.

Every case is a CSV text built from good rows and then edited: columns duplicated, renamed,
added or dropped, values swapped between columns, dates far off, Unicode digits, huge fields,
quotes, control characters and arbitrary text. The import either writes every row or nothing,
and every refusal is a problem with a line number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import select

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.exchange.csv_import import CsvImportError, import_paper_records
from hecht.schema.tables import Administration
from tests.schema.conftest import Practice

pytestmark = pytest.mark.fuzz

LIBRARY = load_library(None)
ACTOR = Actor(
    user_id=None,
    access_point="test:fuzz",
    clock=lambda: datetime(2026, 11, 24, 10, 30, tzinfo=UTC),
)
CASES = 2_000

HEADER = ["client_code", "scale", "observed_on", "answers", "scale_version", "mode"]
ROWS = [
    ["A1", "who5", "2026-10-01", '"3,3,2,2,1"', "1", "paper"],
    ["A1", "phq9", "2026-10-08", '"0,1,2,3,0,1,2,3,0,"', "", "interview"],
    ["B2", "core10", "2026-09-15", '"1,2,2,1,1,0,1,1,1,1"', "", ""],
    ["B2", "epds", "2026-11-20", '"0,1,2,3,0,1,2,3,0,1"', "", "self"],
]

NOISE = [
    "client_code",
    "answers",
    "notes",
    "\ufeffclient_code",
    "0001-01-01",
    "1800-06-01",
    "1949-12-31",
    "2099-01-01",
    "20261001",
    "\u0663",
    "\uff13",
    '"3,\u0663,2,2,1"',
    "x" * 140_000,
    '"' + "1," * 70_000 + '"',
    '"',
    '""',
    ",",
    "\n",
    "\r\n",
    "\x00",
    "\t",
    "ZZ",
    "who5",
    "99",
    "-",
    "",
]

EDIT = st.tuples(
    st.sampled_from(["cell", "insert", "drop_column", "copy_column", "drop_line", "raw"]),
    st.integers(0, 1_000),
    st.integers(0, 1_000),
    st.one_of(st.sampled_from(NOISE), st.text(max_size=10)),
)


def csv_text(edits: list[tuple[str, int, int, str]]) -> str:
    """Good rows with the edits applied, as CSV text."""
    table = [list(HEADER)] + [list(row) for row in ROWS]
    raw: list[tuple[int, str]] = []
    for kind, first, second, value in edits:
        line = table[first % len(table)]
        if kind == "cell" and line:
            line[second % len(line)] = value
        elif kind == "insert":
            line.insert(second % (len(line) + 1), value)
        elif kind == "drop_column":
            for row in table:
                if row:
                    del row[second % len(row)]
        elif kind == "copy_column" and table[0]:
            column = second % len(table[0])
            for row in table:
                if len(row) > column:
                    row.append(row[column])
        elif kind == "drop_line" and len(table) > 1:
            del table[first % len(table)]
        elif kind == "raw":
            raw.append((second, value))
    text = "".join(",".join(row) + "\n" for row in table)
    for at, value in raw:  # text edits that may break the quoting itself
        position = at % (len(text) + 1)
        text = text[:position] + value + text[position:]
    return text


@dataclass
class FuzzedPractice:
    """One SQLite database with clients A1 and B2 in care, shared by every case and put back as
    it was after a case that wrote: a practice that grew with every import would make the later
    cases slower and slower, until one ran past the time limit."""

    engine: Engine
    folder: Path
    files: dict[Path, bytes]

    def put_back(self) -> None:
        """The database (and its anchored head) as before the first case."""
        self.engine.dispose()
        for path in self.folder.iterdir():
            if path not in self.files:
                path.unlink()
        for path, content in self.files.items():
            path.write_bytes(content)


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzedPractice]:
    folder = tmp_path_factory.mktemp("fuzz")
    engine = open_database(f"sqlite:///{folder / 'hecht.db'}")
    with unit_of_work(engine) as session:
        built = Practice(session, ACTOR)
        for code in ("A1", "B2"):
            built.episode(built.client(code), date(2026, 9, 1))
    engine.dispose()
    files = {path: path.read_bytes() for path in folder.iterdir()}
    yield FuzzedPractice(engine, folder, files)
    engine.dispose()


def administrations(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(func.count()).select_from(Administration)).one()


def import_case(
    practice: FuzzedPractice, case: tuple[list[tuple[str, int, int, str]], bool]
) -> None:
    try:
        check_import(practice.engine, case)
    finally:
        if administrations(practice.engine) > 0:
            practice.put_back()


def check_import(engine: Engine, case: tuple[list[tuple[str, int, int, str]], bool]) -> None:
    edits, dry_run = case
    text = csv_text(edits)
    before = administrations(engine)
    try:
        with unit_of_work(engine) as session:
            report = import_paper_records(
                session=session, actor=ACTOR, library=LIBRARY, text=text, dry_run=dry_run
            )
    except CsvImportError as error:
        assert error.problems and all(problem.line >= 1 for problem in error.problems)
        assert all(str(problem).startswith("line ") for problem in error.problems)
        assert administrations(engine) == before
        return
    after = administrations(engine)
    assert after == before + report.written
    if report.problems:
        assert report.written == 0
        for problem in report.problems:
            assert problem.line >= 2, f"a row problem must name a data line: {problem}"
            assert str(problem).startswith(f"line {problem.line}")
            assert len(str(problem)) < 1_000
    elif not dry_run:
        assert report.written == report.checked


def test_mutated_csv_files_are_imported_whole_or_refused_with_line_numbers(fuzz, practice):
    cases = st.tuples(st.lists(EDIT, max_size=4), st.integers(0, 4).map(lambda n: n > 0))
    fuzz(cases, lambda case: import_case(practice, case), CASES)


@pytest.mark.long
def test_long_run_of_mutated_csv_files(fuzz, engine, long_examples):
    cases = st.tuples(st.lists(EDIT, max_size=6), st.booleans())
    fuzz(cases, lambda case: import_case(engine, case), long_examples)
