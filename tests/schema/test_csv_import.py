"""Importing paper records: every row checked first, each bad row named, all or nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from hecht.schema.db.database import unit_of_work
from hecht.schema.exchange.csv_import import CsvImportError, import_paper_records
from hecht.schema.services import trajectories
from hecht.schema.tables import Administration
from tests.schema.conftest import Practice

GOOD = 'client_code,scale,observed_on,answers,mode\nA1,who5,2026-10-01,"3,3,2,2,1",paper\n'


@pytest.fixture
def client(engine, actor, library):
    with unit_of_work(engine) as session:
        practice = Practice(session, actor, library)
        practice.episode(practice.client("A1"), date(2026, 9, 1))


def run(engine, actor, library, text, dry_run=False):
    with unit_of_work(engine) as session:
        return import_paper_records(
            session=session, actor=actor, library=library, text=text, dry_run=dry_run
        )


def administrations(engine) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(func.count()).select_from(Administration)).one()


def test_valid_rows_become_completed_scored_administrations_in_their_episode(
    engine, actor, library, client
):
    report = run(engine, actor, library, GOOD)
    assert (report.checked, report.written, report.problems) == (1, 1, [])
    with unit_of_work(engine) as session:
        (point,) = trajectories.client_trajectory(session=session, actor=actor, code="A1")
    assert (point.total, point.observed_at.date(), point.episode_lineage_id) == (
        44,
        date(2026, 10, 1),
        1,
    )


def test_a_dry_run_checks_but_writes_nothing(engine, actor, library, client):
    report = run(engine, actor, library, GOOD, dry_run=True)
    assert (report.checked, report.written) == (1, 0)
    assert administrations(engine) == 0


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(
    engine, actor, library, client
):
    text = GOOD + (
        'A1,who5,2026-02-30,"1,1,1,1,1",paper\n'
        'ZZ,who5,2026-10-01,"1,1,1,1,1",paper\n'
        'A1,who5,2026-10-01,"1,1,1,1",paper\n'
        'A1,who5,2026-10-01,"1,1,1,1,1",fax\n'
        'A1,who5,2027-10-01,"1,1,1,1,1",paper\n'
    )
    report = run(engine, actor, library, text)
    assert [str(problem) for problem in report.problems] == [
        "line 3, column observed_on (3): '2026-02-30' is not a date (YYYY-MM-DD)",
        "line 4, column client_code (1): there is no client with code 'ZZ'",
        "line 5, column answers (4): expected 5 answers, got 4",
        "line 6, column mode (5): 'fax' is not interview, paper or self",
        "line 7, column observed_on (3): 2027-10-01 lies in the future; "
        "allowed: 1950-01-01 to 2026-11-25",
    ]
    assert report.written == 0
    assert administrations(engine) == 0


def test_a_header_without_the_required_columns_is_refused(engine, actor, library, client):
    with pytest.raises(CsvImportError, match="the header lacks answers"):
        run(engine, actor, library, "client_code,scale,observed_on\nA1,who5,2026-10-01\n")


def problems_of(engine, actor, library, text) -> list[str]:
    report = run(engine, actor, library, text)
    assert report.written == 0
    assert administrations(engine) == 0
    return [str(problem) for problem in report.problems]


def header_refusal(engine, actor, library, text) -> list[str]:
    with pytest.raises(CsvImportError) as caught:
        run(engine, actor, library, text)
    assert administrations(engine) == 0
    return [str(problem) for problem in caught.value.problems]


def test_a_duplicated_column_is_refused_with_its_name_and_positions(engine, actor, library, client):
    text = 'client_code,scale,observed_on,answers,client_code\nA1,who5,2026-10-01,"3,3,2,2,1",B2\n'
    assert header_refusal(engine, actor, library, text) == [
        "line 1, column client_code (5): 'client_code' appears twice (also column 1): keep one"
    ]


def test_every_unknown_column_is_refused_with_its_name_and_position(engine, actor, library, client):
    text = (
        'client_code,scale,notes,observed_on,answers,Mode\nA1,who5,x,2026-10-01,"3,3,2,2,1",paper\n'
    )
    problems = header_refusal(engine, actor, library, text)
    assert problems[0].startswith("line 1, column notes (3): unknown column 'notes'; the columns")
    assert problems[1].startswith("line 1, column Mode (6): unknown column 'Mode'")


def test_values_beyond_the_header_are_refused_not_ignored(engine, actor, library, client):
    text = GOOD + 'A1,who5,2026-10-01,"3,3,2,2,1",paper,B2\n'
    assert problems_of(engine, actor, library, text) == [
        "line 3: 6 values, but the header has 5 columns"
    ]


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("0001-01-01", "is too early"),
        ("1800-06-01", "is too early"),
        ("1949-12-31", "is too early"),
    ],
)
def test_an_implausible_date_is_refused_with_the_allowed_range(
    engine, actor, library, client, day, why
):
    text = GOOD + f'A1,who5,{day},"3,3,2,2,1",paper\n'
    assert problems_of(engine, actor, library, text) == [
        f"line 3, column observed_on (3): {day} {why}; allowed: 1950-01-01 to 2026-11-25"
    ]


def test_the_earliest_plausible_date_is_accepted(engine, actor, library, client):
    report = run(engine, actor, library, GOOD.replace("2026-10-01", "1950-01-01"), dry_run=True)
    assert report.problems == []


def test_an_oversized_field_is_refused_with_its_line_and_column(engine, actor, library, client):
    huge = "1," * 65_536  # 128 KB: past the csv reader's own limit
    text = GOOD + f'A1,who5,2026-10-01,"{huge}",paper\nA1,{"x" * 41},2026-10-01,"1",paper\n'
    assert problems_of(engine, actor, library, text) == [
        "line 3, column answers (4): 131072 characters; at most 4000",
        "line 4, column scale (2): 41 characters; at most 40",
    ]


def test_a_control_character_in_a_field_is_refused(engine, actor, library, client):
    text = GOOD + 'A1\x00,who5,2026-10-01,"3,3,2,2,1",paper\n'
    assert problems_of(engine, actor, library, text) == [
        "line 3, column client_code (1): contains a control character "
        "(such as a NUL byte or a tab): remove it"
    ]


def test_answer_codes_in_unicode_digits_are_refused(engine, actor, library, client):
    text = GOOD + 'A1,who5,2026-10-01,"3,\u0663,2,2,1",paper\n'
    (problem,) = problems_of(engine, actor, library, text)
    assert problem.startswith("line 3, column answers (4): item 2: '\u0663' is not an answer")


@pytest.mark.parametrize("day", ["20261001", "2026-W40-1", "2026-10-1"])
def test_a_date_must_be_written_yyyy_mm_dd(engine, actor, library, client, day):
    text = GOOD + f'A1,who5,{day},"3,3,2,2,1",paper\n'
    assert problems_of(engine, actor, library, text) == [
        f"line 3, column observed_on (3): '{day}' is not a date (YYYY-MM-DD)"
    ]


def test_a_numeric_line_scale_imports_its_values_and_refuses_one_off_the_line(
    engine, actor, library, client
):
    bad = 'A1,fobs,2026-10-02,"40,101",paper\nA1,fobs,2026-10-03,"40,7.5",paper\n'
    report = run(engine, actor, library, "client_code,scale,observed_on,answers,mode\n" + bad)
    allowed = "allowed: 0 to 100 in steps of 1"
    assert [str(problem) for problem in report.problems] == [
        f"line 2, column answers (4): item 2: '101' is not an answer; {allowed}",
        f"line 3, column answers (4): item 2: '7.5' is not an answer; {allowed}",
    ]
    assert administrations(engine) == 0
    good = 'client_code,scale,observed_on,answers,mode\nA1,fobs,2026-10-02,"40,58",paper\n'
    assert run(engine, actor, library, good).written == 1
    with unit_of_work(engine) as session:
        (point,) = trajectories.client_trajectory(session=session, actor=actor, code="A1")
    assert (point.scale_id, point.total) == ("fobs", 49)
