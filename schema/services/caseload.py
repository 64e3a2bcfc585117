"""Provides the caseload: one row per client in an active episode, with what to look at first.

The rows are read in plain SQL (``hecht.schema.db.plain``) with a few grouped queries over plain
columns, never ORM objects, so the caseload stays fast for a practice's whole history, and the
TUI can read its first caseload before SQLAlchemy is even imported (``hecht.schema.db.quick``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from hecht.scales.facts import WATCHED_DOMAINS, ScaleFacts, library_facts
from hecht.scales.perinatal import PerinatalWeek, perinatal_week
from hecht.schema.context import Actor
from hecht.schema.db.plain import (
    PlainConnection,
    as_date,
    collector_paused,
    current_rows_from,
    of_session,
    placeholders,
)
from hecht.schema.services.signals import (
    Signal,
    SignalThresholds,
    signals_for,
)
from hecht.schema.trail.chain import AuditKind, EventFacts, append_event
from hecht.schema.trail.details import detail_of

if TYPE_CHECKING:
    from sqlmodel import Session

    from hecht.scales.library import ScaleLibrary


class LatestScore(NamedTuple):
    """A scale's latest total and the one before it (a tuple: a caseload makes thousands)."""

    scale_id: str
    total: float | None
    band: str | None
    previous: float | None


@dataclass(slots=True)
class CaseloadRow:
    """One client in active care (slotted, not frozen: a frozen dataclass costs three times as
    much to make, and a practice's caseload makes ten thousand; nothing changes a row but the
    caseload filling in its partner's code and its signals). The row is also what the signals
    read of the client (``hecht.schema.services.signals.InCare``)."""

    client_id: int
    code: str
    name: str | None
    couple_id: int | None
    partner_id: int | None
    partner_code: str | None
    episode_lineage_id: int | None
    episode_started: date | None
    week: PerinatalWeek | None
    """Where today falls in the pregnancy or after the birth; the screens word it."""
    last_visit: date | None
    visits: int
    open_alerts: int
    drafts: int
    latest: Mapping[str, LatestScore] = field(default_factory=dict)
    signals: Sequence[Signal] = ()
    """Set whole, never filled in: ten thousand rows make no empty list each."""


class _ActiveEpisode(NamedTuple):
    """The columns of an active episode that the caseload shows or passes to the signals; the
    due and birth dates as stored (text in SQLite), read only for each distinct pair."""

    lineage_id: int
    started_on: date
    dates: tuple[Any, Any]


def _couples(plain: PlainConnection) -> dict[int, tuple[int, int]]:
    """Return each couple's two clients."""
    rows = plain.rows("SELECT id, first_client_id, second_client_id FROM couple")
    return {couple: (first, second) for couple, first, second in rows}


def _active_episodes(
    plain: PlainConnection, couples: dict[int, tuple[int, int]]
) -> dict[int, _ActiveEpisode]:
    """Return each client's active episode (their own, or their couple's); the newest start wins
    (the later registered of two started on one day)."""
    rows = plain.rows(
        "SELECT t.lineage_id, t.client_id, t.couple_id, t.due_date, t.birth_date, t.started_on "
        f"FROM {current_rows_from('episode')} "
        "WHERE t.status <> 'retracted' AND t.episode_status = 'active'"
    )  # unsorted: a client has one active episode as a rule, and sorting costs more than that
    by_client: dict[int, _ActiveEpisode] = {}
    days: dict[Any, date] = {}  # a practice starts many episodes on one day: convert it once
    for lineage, client_id, couple_id, due, birth, started in rows:
        day = days.get(started)
        if day is None:
            day = days[started] = as_date(started)
        episode = _ActiveEpisode(lineage, day, (due, birth))
        for member in (client_id,) if client_id is not None else couples.get(couple_id, ()):
            held = by_client.get(member)
            if held is None or (day, lineage) > (held.started_on, held.lineage_id):
                by_client[member] = episode
    return by_client


NO_EPISODE_YET = """NOT EXISTS (SELECT 1 FROM episode e WHERE e.client_id = client.id)
    AND NOT EXISTS (SELECT 1 FROM couple p JOIN episode e ON e.couple_id = p.id
        WHERE p.first_client_id = client.id OR p.second_client_id = client.id)"""
"""A client with no episode of their own or their couple's, open or closed: a new client."""


def _visit_stats(plain: PlainConnection) -> dict[int, tuple[date | None, int]]:
    rows = plain.rows(
        "SELECT t.episode_lineage_id, max(t.visit_date), count(*) "
        f"FROM {current_rows_from('visit')} "
        "WHERE t.status <> 'retracted' GROUP BY t.episode_lineage_id"
    )
    return {episode: (as_date(last), int(count)) for episode, last, count in rows}


def _counts(plain: PlainConnection, table: str, where: str) -> dict[int, int]:
    rows = plain.rows(f"SELECT client_id, count(*) FROM {table} WHERE {where} GROUP BY client_id")
    return {client: int(count) for client, count in rows}


def _latest_scores(
    plain: PlainConnection, facts: Mapping[str, ScaleFacts], in_care: Mapping[int, Any]
) -> dict[int, dict[str, LatestScore]]:
    """Each client's newest valid total of the watched scales, and the one before it.

    Read from the score summaries (one row per client, episode and scale) in the order of their
    index (``ix_scoresummary_latest``): grouped by client and scale, oldest first, so the
    newest episode's row simply stays, and its previous total is the trend's reference.
    """
    watched = sorted(
        fact.id for fact in facts.values() if fact.domain in WATCHED_DOMAINS and fact.total
    )
    if not watched:
        return {}
    rows = plain.rows(
        "SELECT client_id, scale_id, last_total, last_band, previous_total FROM scoresummary "
        f"WHERE scale_id IN ({placeholders(watched)}) AND valid_count > 0 "
        "ORDER BY client_id, scale_id, last_at, id",
        watched,
    )
    found: dict[int, dict[str, LatestScore]] = {}
    client: int | None = None
    latest: dict[str, LatestScore] | None = None
    for client_id, scale_id, total, band, previous in rows:
        if client_id != client:  # a client's rows come together
            client, latest = client_id, None
            if client_id in in_care:
                latest = found[client_id] = {}
        if latest is not None:
            latest[scale_id] = LatestScore(scale_id, total, band, previous)
    return found


def caseload(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    thresholds: SignalThresholds | None = None,
) -> list[CaseloadRow]:
    """Return one row per client in care, ordered by code, with signals (an audited listing).

    In care: in an active episode, or registered without any episode yet (a new client).
    """
    return caseload_rows(
        plain=of_session(session), actor=actor, facts=library_facts(library), thresholds=thresholds
    )


def caseload_rows(
    *,
    plain: PlainConnection,
    actor: Actor,
    facts: Mapping[str, ScaleFacts],
    thresholds: SignalThresholds | None = None,
) -> list[CaseloadRow]:
    """``caseload`` on a plain connection, with the scales' facts instead of the library."""
    with collector_paused():
        rows = _caseload_rows(plain, actor, facts, thresholds)
    append_event(plain, actor, EventFacts(event=AuditKind.SEARCH, detail=detail_of("caseload")))
    return rows


def _caseload_rows(
    plain: PlainConnection,
    actor: Actor,
    facts: Mapping[str, ScaleFacts],
    thresholds: SignalThresholds | None,
) -> list[CaseloadRow]:
    couples = _couples(plain)
    episodes = _active_episodes(plain, couples)
    new_clients = {row[0] for row in plain.rows(f"SELECT id FROM client WHERE {NO_EPISODE_YET}")}
    partners: dict[int, tuple[int, int]] = {}
    for couple, (first, second) in couples.items():
        partners[first] = (couple, second)
        partners[second] = (couple, first)
    visits = _visit_stats(plain)
    alerts = _counts(plain, "alert", "acknowledged_at IS NULL")
    drafts = _counts(plain, "administration", "status = 'draft'")
    today = actor.now().date()
    weeks: dict[tuple[Any, Any], PerinatalWeek | None] = {}  # many share a due date
    rows: list[CaseloadRow] = []
    by_id: dict[int, CaseloadRow] = {}
    for client_id, code, name in plain.rows(  # sorted as shown: the sort below then costs
        "SELECT id, code, name FROM client WHERE destroyed_at IS NULL ORDER BY code"
    ):  # little (PostgreSQL's collation may sort otherwise: the sort below decides)
        episode = episodes.get(client_id)
        if episode is None:
            if client_id not in new_clients:
                continue
            lineage, started, week, last_visit, count = None, None, None, None, 0
        else:
            lineage, started, dates = episode
            if dates not in weeks:
                due, birth = as_date(dates[0]), as_date(dates[1])
                weeks[dates] = perinatal_week(today, due_date=due, birth_date=birth)
            week = weeks[dates]
            last_visit, count = visits.get(lineage, (None, 0))
        couple_id, partner_id = partners.get(client_id, (None, None))
        row = CaseloadRow(
            client_id, code, name, couple_id, partner_id, None, lineage, started, week,
            last_visit, count, alerts.get(client_id, 0), drafts.get(client_id, 0),
        )  # fmt: skip
        rows.append(row)
        by_id[client_id] = row
    for row in rows:
        if row.partner_id is not None and (partner := by_id.get(row.partner_id)) is not None:
            row.partner_code = partner.code  # a partner out of care (or destroyed) is not named
    for client_id, latest in _latest_scores(plain, facts, by_id).items():
        by_id[client_id].latest = latest
    signalled = signals_for(
        plain=plain, facts=facts, clients=rows, today=today, thresholds=thresholds
    )
    for client_id, signals in signalled.items():
        by_id[client_id].signals = signals
    rows.sort(key=attrgetter("code"))
    return rows
