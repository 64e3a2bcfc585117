"""Provides episodes of care: open one for a client or couple, correct it, close it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, or_

from hecht.schema.context import Actor
from hecht.schema.errors import ConflictError, InvalidInputError, no_record
from hecht.schema.inputs import NewEpisode
from hecht.schema.readmodels import EpisodeRead, read_of
from hecht.schema.services.clients import client_row, couple_of
from hecht.schema.tables import Client, Couple, Episode, EpisodeStatus
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import (
    current_rows,
    current_version,
    for_change,
    hold_write_lock,
    refuse_unchangeable,
    start_lineage,
    supersede,
    versions_of,
)

MAX_WEEKS_TO_DUE_DATE = 45
"""A due date further away than this cannot belong to a pregnancy that has begun."""
EARLIEST_BIRTH_BEFORE_DUE = timedelta(weeks=24)
"""A birth more than 24 weeks before the due date (before 16 weeks' gestation) is refused."""
LATEST_BIRTH_AFTER_DUE = timedelta(weeks=6)


def episode_read(episode: Episode) -> EpisodeRead:
    """Return the read model of an episode row."""
    assert episode.id is not None and episode.lineage_id is not None
    return read_of(
        EpisodeRead,
        episode,
        status=episode.episode_status,
        referral_reasons=list(episode.referral_reasons),
    )


def check_dates(today: date, due_date: date | None, birth_date: date | None) -> None:
    """Refuse impossible due and birth dates, naming the field (``reason`` says which rule)."""
    if due_date is not None and due_date > today + timedelta(weeks=MAX_WEEKS_TO_DUE_DATE):
        raise InvalidInputError(
            f"due_date: {due_date} is more than {MAX_WEEKS_TO_DUE_DATE} weeks away; check the year",
            field="due_date",
            reason="due_too_far",
            details={"given": due_date, "limit": MAX_WEEKS_TO_DUE_DATE},
        )
    if birth_date is not None and birth_date > today + timedelta(days=1):
        raise InvalidInputError(
            f"birth_date: {birth_date} lies in the future",
            field="birth_date",
            reason="birth_in_future",
            details={"given": birth_date},
        )
    if due_date is not None and birth_date is not None:
        dates = {"given": birth_date, "due": due_date}
        if birth_date < due_date - EARLIEST_BIRTH_BEFORE_DUE:
            raise InvalidInputError(
                f"birth_date: {birth_date} is more than 24 weeks before the due date "
                f"{due_date}; check both dates",
                field="birth_date",
                reason="birth_too_early",
                details={**dates, "limit": EARLIEST_BIRTH_BEFORE_DUE.days // 7},
            )
        if birth_date > due_date + LATEST_BIRTH_AFTER_DUE:
            raise InvalidInputError(
                f"birth_date: {birth_date} is more than 6 weeks after the due date "
                f"{due_date}; check both dates",
                field="birth_date",
                reason="birth_too_late",
                details={**dates, "limit": LATEST_BIRTH_AFTER_DUE.days // 7},
            )


EARLIEST_DAY_IN_CARE = date(1950, 1, 1)
"""No visit or scale before 1950 is plausible (the oldest scales here are from the 1960s): an
earlier day is a typing error (1900 for 2026), refused wherever a day in care is taken."""


def check_day_in_care(
    session: Session, day: date, today: date, episode_lineage_id: int | None, field: str
) -> None:
    """The one rule for the day something was done in care (a visit held, a form filled in):
    not before ``EARLIEST_DAY_IN_CARE``, not after tomorrow (``today`` is the clock's, which
    may lag the user's by a day), and within its episode, when it belongs to one: not before
    the episode began, nor after it ended.

    Raises:
        InvalidInputError: naming ``field``; ``reason`` is ``day_too_early``,
            ``day_in_future``, ``before_episode`` or ``after_episode``, ``details`` the day and
            the limit.
    """
    if day < EARLIEST_DAY_IN_CARE:
        raise InvalidInputError(
            f"{field}: {day} is before {EARLIEST_DAY_IN_CARE}",
            field=field, reason="day_too_early",
            details={"given": day, "limit": EARLIEST_DAY_IN_CARE},
        )  # fmt: skip
    if day > today + timedelta(days=1):
        raise InvalidInputError(
            f"{field}: {day} is more than a day in the future",
            field=field, reason="day_in_future", details={"given": day},
        )  # fmt: skip
    if episode_lineage_id is None:
        return
    episode = current_version(session, Episode, episode_lineage_id)
    if day < episode.started_on:
        raise InvalidInputError(
            f"{field}: {day} is before the episode began ({episode.started_on})",
            field=field, reason="before_episode",
            details={"given": day, "limit": episode.started_on},
        )  # fmt: skip
    if episode.ended_on is not None and day > episode.ended_on:
        raise InvalidInputError(
            f"{field}: {day} is after the episode ended ({episode.ended_on}); "
            "reopen the episode first",
            field=field, reason="after_episode",
            details={"given": day, "limit": episode.ended_on},
        )  # fmt: skip


def episode_clients(session: Session, episode: Episode) -> list[Client]:
    """Return the client, or both partners, an episode is for."""
    if episode.client_id is not None:
        client = session.get(Client, episode.client_id)
        return [client] if client is not None else []
    couple = session.get(Couple, episode.couple_id)
    assert couple is not None
    clients = [
        session.get(Client, couple.first_client_id),
        session.get(Client, couple.second_client_id),
    ]
    return [client for client in clients if client is not None]


def _audit(session: Session, actor: Actor, episode: Episode, kind: AuditKind) -> None:
    for client in episode_clients(session, episode):
        audit.record_client(
            session, actor, kind, client, detail_of("episode", episode=episode.lineage_id)
        )


def new_episode_row(new: NewEpisode, client_id: int | None, actor: Actor, now: datetime) -> Episode:
    """The unsaved first version of an episode, recorded ``now``: the one place its columns come
    from the input.

    The demo's bulk build (``hecht.schema.demo.bulk``) stores the same row without a session.
    """
    return Episode(
        client_id=client_id,
        couple_id=new.couple_id,
        due_date=new.due_date,
        birth_date=new.birth_date,
        referral_reasons=[reason.value for reason in new.referral_reasons],
        referral_text=new.referral_text,
        referrer=new.referrer,
        started_on=new.started_on,
        recorded_at=now,
        recorded_by_id=actor.user_id,
    )


def refuse_second_open_episode(
    session: Session, client: Client, besides: int | None = None
) -> None:
    """Refuse a new (or reopened) episode for a client already in an open one, their own or
    their couple's; ``besides`` is the episode being reopened.

    The caseload, the signals and a visit's battery follow a client's one open episode: a
    second would hide the first one's visits and signals (a decline no longer shown).

    A destroyed dossier's care is over: its couple's episode does not count for it.

    Raises:
        ConflictError: naming the client and since when the open episode runs.
    """
    assert client.id is not None
    if client.destroyed_at is not None:
        return
    hold_write_lock(session)  # two opening at once: the second waits, then sees the first's
    couple = couple_of(session, client.id)
    owner = col(Episode.client_id) == client.id
    if couple is not None:
        owner = or_(owner, col(Episode.couple_id) == couple.id)
    active = col(Episode.episode_status) == EpisodeStatus.ACTIVE.value
    running = [
        episode
        for episode in current_rows(session, Episode, owner, active)
        if episode.lineage_id != besides
    ]
    if running:
        since = min(episode.started_on for episode in running)
        raise ConflictError(
            f"client '{client.code}' is already in an open episode (since {since}): close it first",
            field="client_code",
            reason="open_episode",
            details={"given": client.code, "since": since},
        )


def open_episode(*, session: Session, actor: Actor, new: NewEpisode) -> EpisodeRead:
    """Open an episode for one client or for a couple (exactly one of the two)."""
    if (new.client_code is None) == (new.couple_id is None):
        raise InvalidInputError(
            "an episode is for one client or for one couple: give client_code or couple_id",
            field="client_code",
        )
    now = actor.now()
    check_dates(now.date(), new.due_date, new.birth_date)
    client_id = None
    if new.client_code is not None:
        client = client_row(session, new.client_code)
        client_id, members = client.id, [client]
    else:
        couple = session.get(Couple, new.couple_id)
        if couple is None:
            raise no_record("couple", new.couple_id, "couple_id")
        ids = (couple.first_client_id, couple.second_client_id)
        members = [member for n in ids if (member := session.get(Client, n)) is not None]
    for member in members:
        refuse_second_open_episode(session, member)
    episode = new_episode_row(new, client_id, actor, now)
    start_lineage(session, episode)
    _audit(session, actor, episode, AuditKind.CREATE)
    return episode_read(episode)


def correct_episode(
    *,
    session: Session,
    actor: Actor,
    lineage_id: int,
    changes: dict[str, Any],
    reason: str,
    expected_version: int | None = None,
) -> EpisodeRead:
    """Store a corrected version of an episode (dates, reasons, status), with the reason.

    ``expected_version`` is the version the user saw (``EpisodeRead.version``); None builds on
    whatever is current.

    Raises:
        StaleVersionError: the episode has a newer version than ``expected_version``; it says
            who changed what and when.
        InvalidInputError: a field that cannot be changed, or impossible dates.
        ConflictError: no reason was given.
    """
    refuse_unchangeable(
        changes,
        {
            "due_date",
            "birth_date",
            "referral_reasons",
            "referral_text",
            "referrer",
            "episode_status",
            "started_on",
            "ended_on",
        },
    )
    old = for_change(session, Episode, lineage_id)
    reopened = changes.get("episode_status") == EpisodeStatus.ACTIVE.value
    if reopened and old.episode_status != EpisodeStatus.ACTIVE.value:
        for member in episode_clients(session, old):
            refuse_second_open_episode(session, member, besides=lineage_id)
    due = changes.get("due_date", old.due_date)
    birth = changes.get("birth_date", old.birth_date)
    check_dates(actor.now().date(), due, birth)
    new = supersede(
        session, old, actor=actor, reason=reason, changes=changes, expected_version=expected_version
    )
    _audit(session, actor, new, AuditKind.CHANGE)
    return episode_read(new)


def close_episode(
    *,
    session: Session,
    actor: Actor,
    lineage_id: int,
    ended_on: date,
    reason: str = "closed",
    expected_version: int | None = None,
) -> EpisodeRead:
    """Close an episode on a date (a correction: see ``correct_episode``)."""
    return correct_episode(
        session=session,
        actor=actor,
        lineage_id=lineage_id,
        changes={"episode_status": EpisodeStatus.CLOSED.value, "ended_on": ended_on},
        reason=reason,
        expected_version=expected_version,
    )


def episodes_for_client(*, session: Session, actor: Actor, code: str) -> list[EpisodeRead]:
    """Return a client's episodes, their own and their couple's (an audited read)."""
    client = client_row(session, code)
    assert client.id is not None
    couple = couple_of(session, client.id)
    condition = col(Episode.client_id) == client.id
    if couple is not None:
        condition = or_(condition, col(Episode.couple_id) == couple.id)
    episodes = current_rows(session, Episode, condition)
    audit.record_client(session, actor, AuditKind.READ, client, detail_of("episodes"))
    return [episode_read(episode) for episode in sorted(episodes, key=lambda e: e.started_on)]


def episode_history(*, session: Session, actor: Actor, lineage_id: int) -> list[EpisodeRead]:
    """Return every version of an episode, oldest first (an audited read)."""
    versions = versions_of(session, Episode, lineage_id)
    _audit(session, actor, versions[-1], AuditKind.READ)
    return [episode_read(version) for version in versions]


def episode_running_on(session: Session, client_id: int, on: date) -> int | None:
    """Return the lineage of the client's (or couple's) episode running on a date, if any."""
    return running_on(episodes_of(session, client_id), on)


def episodes_of(session: Session, client_id: int) -> list[Episode]:
    """The current versions of the client's own and couple's episodes (an import of many forms
    reads them once per client)."""
    couple = couple_of(session, client_id)
    owner = col(Episode.client_id) == client_id
    if couple is not None:
        owner = or_(owner, col(Episode.couple_id) == couple.id)
    return list(current_rows(session, Episode, owner))


def running_on(episodes: list[Episode], on: date) -> int | None:
    """The lineage of the latest begun of these episodes that runs on a date, if any."""
    running = [
        episode
        for episode in episodes
        if episode.started_on <= on and (episode.ended_on is None or on <= episode.ended_on)
    ]
    return max(running, key=lambda e: e.started_on).lineage_id if running else None
