"""Importing paper records: every row checked first, each bad row named, all or nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from hecht.schema.csv_import import CsvImportError, import_paper_records
from hecht.schema.database import unit_of_work
from hecht.schema.inputs import NewClient, NewEpisode
from hecht.schema.services import clients, episodes, trajectories
from hecht.schema.tables import Administration

GOOD = 'client_code,scale,observed_on,answers,mode\nA1,who5,2026-10-01,"3,3,2,2,1",paper\n'


@pytest.fixture
def client(engine, actor):
    with unit_of_work(engine) as session:
        clients.create_client(session=session, actor=actor, new=NewClient(code="A1"))
        episodes.open_episode(
            session=session,
            actor=actor,
            new=NewEpisode(client_code="A1", started_on=date(2026, 9, 1)),
        )


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
        "line 3: observed_on '2026-02-30' is not a date (YYYY-MM-DD)",
        "line 4: there is no client with code 'ZZ'",
        "line 5: answers: expected 5 answers, got 4",
        "line 6: mode 'fax' is not interview, paper or self",
        "line 7: observed_on 2027-10-01 lies in the future",
    ]
    assert report.written == 0
    assert administrations(engine) == 0


def test_a_header_without_the_required_columns_is_refused(engine, actor, library, client):
    with pytest.raises(CsvImportError, match="the header lacks answers"):
        run(engine, actor, library, "client_code,scale,observed_on\nA1,who5,2026-10-01\n")
