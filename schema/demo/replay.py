"""Provides the demo's replay through the services: a unit of work per day, as real use stores it.

Slow (a minute for the whole demo): the demo is built in bulk (``hecht.schema.demo.bulk``), and
the tests check that the bulk build stores exactly what this one does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session

from hecht.scales.library import ScaleLibrary
from hecht.schema.context import Actor
from hecht.schema.db.database import unit_of_work
from hecht.schema.inputs import (
    GivenAnswer,
    NewAdministration,
    NewClient,
    NewEpisode,
    NewVisit,
)
from hecht.schema.services import administrations, alerts, clients, episodes, visits
from hecht.schema.tables import AlertAction


def hold_rows(session: Session) -> None:
    """Keep every row the session stores or loads referenced until its unit of work ends.

    A session holds its rows weakly, so a row the services read again by id (the administration
    at every answer, the client at every audit event) is dropped between calls and selected
    again; held, ``session.get`` finds it in the session without a query.
    """
    held: list[Any] = []

    def hold(_session: Session, row: Any) -> None:
        held.append(row)

    event.listen(session, "pending_to_persistent", hold)
    event.listen(session, "loaded_as_persistent", hold)


class ServiceStore:
    """Stores each step of the demo by calling the service a person's action calls."""

    def __init__(self, engine: Engine, library: ScaleLibrary) -> None:
        self.engine, self.library = engine, library
        self.session: Session | None = None

    @contextmanager
    def day(self) -> Iterator[None]:
        """One simulated day's steps, committed together (a unit per step costs twice the fsyncs;
        one for the whole build is slower still, as the session's bookkeeping grows)."""
        with unit_of_work(self.engine) as session:
            hold_rows(session)
            self.session = session
            try:
                yield
            finally:
                self.session = None

    @property
    def _session(self) -> Session:
        assert self.session is not None, "a step is stored within a day"
        return self.session

    def add_practitioner(self, actor: Actor, name: str) -> int:
        """Register the practitioner; return their id."""
        return clients.add_practitioner(session=self._session, actor=actor, name=name)

    def create_client(self, actor: Actor, new: NewClient) -> None:
        """Register a client."""
        clients.create_client(session=self._session, actor=actor, new=new)

    def create_couple(self, actor: Actor, first_code: str, second_code: str) -> int:
        """Pair two clients; return the couple's id."""
        return clients.create_couple(
            session=self._session, actor=actor, first_code=first_code, second_code=second_code
        ).id

    def open_episode(self, actor: Actor, new: NewEpisode) -> int:
        """Open an episode; return its lineage."""
        return episodes.open_episode(session=self._session, actor=actor, new=new).lineage_id

    def correct_episode(
        self, actor: Actor, lineage_id: int, changes: dict[str, Any], reason: str
    ) -> None:
        """Store a corrected version of an episode."""
        episodes.correct_episode(
            session=self._session,
            actor=actor,
            lineage_id=lineage_id,
            changes=changes,
            reason=reason,
        )

    def close_episode(self, actor: Actor, lineage_id: int, ended_on: date, reason: str) -> None:
        """Close an episode on a day."""
        episodes.close_episode(
            session=self._session,
            actor=actor,
            lineage_id=lineage_id,
            ended_on=ended_on,
            reason=reason,
        )

    def record_visit(self, actor: Actor, new: NewVisit) -> int:
        """Record a visit; return its lineage."""
        return visits.record_visit(session=self._session, actor=actor, new=new).lineage_id

    def start_administration(self, actor: Actor, new: NewAdministration) -> int:
        """Start a draft; return its id."""
        return administrations.start_administration(
            session=self._session, actor=actor, library=self.library, new=new
        ).id

    def record_answer(self, actor: Actor, administration_id: int, answer: GivenAnswer) -> list[int]:
        """Store one answer (None: missing, for the reason given); return the alerts it raised."""
        raised = administrations.record_answer(
            session=self._session, actor=actor, library=self.library,
            administration_id=administration_id, item_id=answer.item_id, code=answer.code,
            missing_reason=answer.missing_reason,
        )  # fmt: skip
        return [alert.id for alert in raised]

    def complete_administration(self, actor: Actor, administration_id: int) -> None:
        """Complete a draft and store its score."""
        administrations.complete_administration(
            session=self._session, actor=actor, library=self.library,
            administration_id=administration_id,
        )  # fmt: skip

    def acknowledge_alert(
        self, actor: Actor, alert_id: int, action: AlertAction, note: str
    ) -> None:
        """Acknowledge an alert with the action taken."""
        alerts.acknowledge_alert(
            session=self._session, actor=actor, alert_id=alert_id, action=action, note=note
        )
