"""Importing paper records: every row checked first, each bad row named, all or nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from hecht.schema.db.database import unit_of_work
from hecht.schema.exchange.csv_import import CsvImportError, RowProblem, import_paper_records
from hecht.schema.services import trajectories
from hecht.schema.services.destroy import destroy_client
from hecht.schema.tables import Administration
from tests.schema.conftest import Practice

GOOD = 'client_code,scale,observed_on,answers,mode\nA1,who5,2026-10-01,"3,3,2,2,1",paper\n'
OPTIONAL = "scale_version, mode"
COLUMNS = f"client_code, scale, observed_on, answers, {OPTIONAL}"
WHO5 = {"scale": "who5", "version": "1"}
"""The scale a refused answer was typed for, which the command line words it with."""
ALLOWED_DAYS = {"earliest": "1950-01-01", "latest": "2026-11-25"}
"""The plausible days of the actor's clock (24 November 2026): from 1950 up to tomorrow."""


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
    assert [found(problem) for problem in report.problems] == [
        (3, "observed_on", 3, "not_a_date", {"value": "2026-02-30"}),
        (4, "client_code", 1, "no_client", {"given": "ZZ"}),
        (5, "answers", 4, "answer_count", {**WHO5, "item": "", "given": "4"}),
        (6, "mode", 5, "mode_unknown", {"value": "fax"}),
        (7, "observed_on", 3, "in_future", {"value": "2027-10-01", **ALLOWED_DAYS}),
    ]
    assert report.written == 0
    assert administrations(engine) == 0


def test_a_file_imported_again_is_refused_row_by_row_and_adds_nothing(
    engine, actor, library, client
):
    assert run(engine, actor, library, GOOD).written == 1
    again = run(engine, actor, library, GOOD)
    day = {"code": "A1", "scale": "who5", "day": "2026-10-01"}
    assert [found(problem) for problem in again.problems] == [(2, "", 0, "already_stored", day)]
    assert again.written == 0 and administrations(engine) == 1


def test_a_row_twice_in_a_file_is_refused_naming_the_first_and_nothing_is_written(
    engine, actor, library, client
):
    twice = GOOD + GOOD.splitlines(keepends=True)[1]
    assert problems_of(engine, actor, library, twice) == [(3, "", 0, "repeated", {"first": "2"})]


def test_a_row_for_a_destroyed_dossier_is_refused_as_destroyed(engine, actor, library, client):
    with unit_of_work(engine) as session:
        destroy_client(session=session, actor=actor, code="A1")
    assert problems_of(engine, actor, library, GOOD) == [
        (2, "client_code", 1, "destroyed", {"given": "A1"})
    ]


def found(problem: RowProblem) -> tuple[int, str, int, str, dict[str, str]]:
    """A problem as the command line gets it to word: line, column name and position, kind and
    the values its sentence needs."""
    return problem.line, problem.column, problem.position, problem.kind, problem.values


def problems_of(engine, actor, library, text) -> list[tuple[int, str, int, str, dict[str, str]]]:
    report = run(engine, actor, library, text)
    assert report.written == 0
    assert administrations(engine) == 0
    return [found(problem) for problem in report.problems]


def header_refusal(engine, actor, library, text) -> list[tuple[int, str, int, str, dict[str, str]]]:
    with pytest.raises(CsvImportError) as caught:
        run(engine, actor, library, text)
    assert administrations(engine) == 0
    return [found(problem) for problem in caught.value.problems]


def test_a_header_without_the_required_columns_is_refused(engine, actor, library, client):
    text = "client_code,scale,observed_on\nA1,who5,2026-10-01\n"
    columns = {"required": "client_code, scale, observed_on, answers", "optional": OPTIONAL}
    assert header_refusal(engine, actor, library, text) == [
        (1, "", 0, "columns_missing", {"missing": "answers", **columns})
    ]


def test_a_duplicated_column_is_refused_with_its_name_and_positions(engine, actor, library, client):
    text = 'client_code,scale,observed_on,answers,client_code\nA1,who5,2026-10-01,"3,3,2,2,1",B2\n'
    assert header_refusal(engine, actor, library, text) == [
        (1, "client_code", 5, "column_twice", {"name": "client_code", "first": "1"})
    ]


def test_a_column_repeated_thousands_of_times_is_named_once_where_it_comes_again(
    engine, actor, library, client
):
    # a stray quote can turn a row of answers into a header of thousands of "1" columns
    text = "client_code,scale,observed_on,answers" + ",1" * 5_000 + "\nA1,who5,2026-10-01,3\n"
    problems = header_refusal(engine, actor, library, text)
    assert [(kind, position) for _, _, position, kind, _ in problems] == [
        ("column_unknown", 5),
        ("column_twice", 6),
    ]


def test_every_unknown_column_is_refused_with_its_name_and_position(engine, actor, library, client):
    text = (
        'client_code,scale,notes,observed_on,answers,Mode\nA1,who5,x,2026-10-01,"3,3,2,2,1",paper\n'
    )
    assert header_refusal(engine, actor, library, text)[:2] == [
        (1, "notes", 3, "column_unknown", {"name": "notes", "columns": COLUMNS}),
        (1, "Mode", 6, "column_unknown", {"name": "Mode", "columns": COLUMNS}),
    ]


def test_a_column_without_a_name_is_refused_with_its_position(engine, actor, library, client):
    text = 'client_code,scale,,observed_on,answers\nA1,who5,x,2026-10-01,"3,3,2,2,1"\n'
    assert header_refusal(engine, actor, library, text) == [
        (1, "", 3, "column_unknown", {"name": "", "columns": COLUMNS})
    ]


def test_values_beyond_the_header_are_refused_not_ignored(engine, actor, library, client):
    text = GOOD + 'A1,who5,2026-10-01,"3,3,2,2,1",paper,B2\n'
    assert problems_of(engine, actor, library, text) == [
        (3, "", 0, "value_count", {"given": "6", "columns": "5"})
    ]


@pytest.mark.parametrize("day", ["0001-01-01", "1800-06-01", "1949-12-31"])
def test_an_implausible_date_is_refused_with_the_allowed_range(engine, actor, library, client, day):
    text = GOOD + f'A1,who5,{day},"3,3,2,2,1",paper\n'
    assert problems_of(engine, actor, library, text) == [
        (3, "observed_on", 3, "too_early", {"value": day, **ALLOWED_DAYS})
    ]


def test_the_earliest_plausible_date_is_accepted(engine, actor, library, client):
    report = run(engine, actor, library, GOOD.replace("2026-10-01", "1950-01-01"), dry_run=True)
    assert report.problems == []


def test_an_oversized_field_is_refused_with_its_line_and_column(engine, actor, library, client):
    huge = "1," * 65_536  # 128 KB: past the csv reader's own limit
    text = GOOD + f'A1,who5,2026-10-01,"{huge}",paper\nA1,{"x" * 41},2026-10-01,"1",paper\n'
    assert problems_of(engine, actor, library, text) == [
        (3, "answers", 4, "too_long", {"length": "131072", "limit": "4000"}),
        (4, "scale", 2, "too_long", {"length": "41", "limit": "40"}),
    ]


def test_a_control_character_in_a_field_is_refused(engine, actor, library, client):
    text = GOOD + 'A1\x00,who5,2026-10-01,"3,3,2,2,1",paper\n'
    assert problems_of(engine, actor, library, text) == [
        (3, "client_code", 1, "control_character", {})
    ]


@pytest.mark.parametrize(
    ("after", "kind", "values"),
    [
        ('A1,who5,2026-10-02,"3,3,2,2,1"\n', "open_quote", {"last": "4"}),
        ("A1,who5,2026-10-02,3\n", "unclosed_quote", {"last": "4"}),
        ("", "unclosed_quote", {"last": "3"}),
    ],
)
def test_a_quote_left_open_is_named_where_it_opens(
    engine, actor, library, client, after, kind, values
):
    """It ran the row on over the lines after it: "8 values, but the header has 5 columns" on
    the line where the quote closed, or a control character (the line break) at the end."""
    text = GOOD + 'A1,who5,2026-10-01,"3,3,2,2,1,paper\n' + after
    assert problems_of(engine, actor, library, text) == [(3, "answers", 4, kind, values)]


def test_answer_codes_in_unicode_digits_are_refused(engine, actor, library, client):
    text = GOOD + 'A1,who5,2026-10-01,"3,\u0663,2,2,1",paper\n'
    assert problems_of(engine, actor, library, text) == [
        (3, "answers", 4, "answer_not_a_number", {**WHO5, "item": "2", "given": "\u0663"})
    ]


def test_a_form_without_any_answer_is_refused_and_one_with_some_is_kept(
    engine, actor, library, client
):
    """A row of empty places was stored as a completed WHO-5 with every item missing."""
    text = GOOD.replace('"3,3,2,2,1"', '" , ,,,"') + 'A1,who5,2026-10-02,"3,,2,2,",paper\n'
    assert problems_of(engine, actor, library, text) == [
        (2, "answers", 4, "answer_nothing", {**WHO5, "item": "", "given": ""})
    ]
    assert run(engine, actor, library, text.replace('" , ,,,"', '"3,3,2,2,1"')).written == 2


@pytest.mark.parametrize("day", ["20261001", "2026-W40-1", "2026-10-1"])
def test_a_date_must_be_written_yyyy_mm_dd(engine, actor, library, client, day):
    text = GOOD + f'A1,who5,{day},"3,3,2,2,1",paper\n'
    assert problems_of(engine, actor, library, text) == [
        (3, "observed_on", 3, "not_a_date", {"value": day})
    ]


def test_a_numeric_line_scale_imports_its_values_and_refuses_one_off_the_line(
    engine, actor, library, client
):
    bad = 'A1,fobs,2026-10-02,"40,101",paper\nA1,fobs,2026-10-03,"40,7.5",paper\n'
    report = run(engine, actor, library, "client_code,scale,observed_on,answers,mode\n" + bad)
    fobs = {"scale": "fobs", "version": "1", "item": "2"}
    assert [found(problem) for problem in report.problems] == [
        (2, "answers", 4, "answer_out_of_range", {**fobs, "given": "101"}),
        (3, "answers", 4, "answer_out_of_range", {**fobs, "given": "7.5"}),
    ]
    assert administrations(engine) == 0
    good = 'client_code,scale,observed_on,answers,mode\nA1,fobs,2026-10-02,"40,58",paper\n'
    assert run(engine, actor, library, good).written == 1
    with unit_of_work(engine) as session:
        (point,) = trajectories.client_trajectory(session=session, actor=actor, code="A1")
    assert (point.scale_id, point.total) == ("fobs", 49)


@pytest.mark.parametrize(("separator", "shown"), [(";", ";"), ("\t", "tab")])
def test_a_file_separated_by_semicolons_or_tabs_is_told_so(
    engine, actor, library, client, separator, shown
):
    """Excel with Dutch settings writes CSV with semicolons: the whole header was one unknown
    column, and every required column was said to be missing."""
    text = GOOD.replace(",", separator, 4).replace(",paper", f"{separator}paper")
    [(line, _, position, kind, values)] = header_refusal(engine, actor, library, text)
    assert (line, position, kind, values) == (1, 1, "separator", {"separator": shown})
