"""Provides the screens' one door to storage: each call is one unit of work through the services.

Screens call these methods from worker threads only; they get read models back, never live ORM
objects. Storage modules are imported on first use, so the first frame never waits for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from hecht.scales.facts import ScaleFacts
    from hecht.scales.library import ScaleLibrary
    from hecht.schema.context import Actor
    from hecht.schema.readmodels import (
        AdministrationRead,
        AlertRead,
        ClientRead,
        EpisodeRead,
        ScoreRead,
        VisitRead,
    )
    from hecht.schema.services.caseload import CaseloadRow
    from hecht.schema.services.outcomes import OutcomesReport
    from hecht.schema.services.signals import SignalThresholds
    from hecht.schema.services.supervision import CaseSummary
    from hecht.schema.services.trajectories import ChangeSummary, TrajectoryPoint, TrajectoryView

T = TypeVar("T")


@dataclass(frozen=True)
class Dossier:
    """Everything the dossier screen shows of one client."""

    client: ClientRead
    partner_code: str | None
    couple_id: int | None
    episodes: list[EpisodeRead]
    visits: list[VisitRead]
    points: list[TrajectoryPoint]
    open_alerts: list[AlertRead]
    drafts: list[AdministrationRead]


class Backend:
    """The database, the acting user and the scale library, behind one set of calls."""

    def __init__(
        self,
        url: str,
        library: ScaleLibrary | Callable[[], ScaleLibrary],
        access_point: str,
        clock: Callable[[], datetime],
        practitioner: str | None = None,
        facts: Callable[[], Mapping[str, ScaleFacts] | None] | None = None,
    ) -> None:
        self.url = url
        self.practitioner = practitioner
        self._facts = facts
        self._library = library
        self.access_point = access_point
        self.clock = clock
        self.user_id: int | None = None
        self._engine: Engine | None = None
        self._lock = threading.RLock()

    @property
    def library(self) -> ScaleLibrary:
        """The scale library, loaded on first use (off the first frame)."""
        with self._lock:
            if callable(self._library):
                self._library = self._library()
            return self._library

    def open(self) -> None:
        """Connect and bring the schema up to date (backing up an older database first).

        Safe to call from several workers: the first call opens, the others wait for it.
        """
        from hecht.schema.database import open_database

        with self._lock:
            if self._engine is not None:
                return
            self._engine = open_database(self.url)
        if self.practitioner:
            from hecht.schema.services.clients import practitioner_named

            name = self.practitioner
            self.user_id = self._run(
                lambda s: practitioner_named(session=s, actor=self.actor, name=name)
            )

    def close(self) -> None:
        """Release the connections."""
        if self._engine is not None:
            self._engine.dispose()

    @property
    def actor(self) -> Actor:
        """The user acting now, as the audit log records them."""
        from hecht.schema.context import Actor

        return Actor(user_id=self.user_id, access_point=self.access_point, clock=self.clock)

    def _run(self, work: Callable[[Session], T]) -> T:
        from hecht.schema.database import unit_of_work

        self.open()
        assert self._engine is not None
        with unit_of_work(self._engine) as session:
            return work(session)

    def caseload(self, thresholds: SignalThresholds | None = None) -> list[CaseloadRow]:
        """The clients in active care, each with its signals (None: the default thresholds)."""
        from hecht.schema.services.caseload import caseload

        if self._engine is None and self._facts is not None:
            rows = self._quick_caseload(thresholds)
            if rows is not None:
                return rows
        library = self.library  # read before the unit of work takes the database's write lock
        return self._run(
            lambda s: caseload(session=s, actor=self.actor, library=library, thresholds=thresholds)
        )

    def _quick_caseload(self, thresholds: SignalThresholds | None) -> list[CaseloadRow] | None:
        """The first caseload, read before storage proper is opened (``hecht.schema.quick``).

        Tried once, while storage is not open yet; None when it does not qualify (no cached
        scale facts, not a current SQLite file, ...): then the normal read follows.
        """
        from hecht.schema.quick import quick_caseload

        facts, self._facts = self._facts() if self._facts else None, None
        if facts is None:
            return None
        try:
            return quick_caseload(
                self.url, facts=facts, access_point=self.access_point, clock=self.clock,
                practitioner=self.practitioner, thresholds=thresholds,
            )  # fmt: skip
        except Exception:  # noqa: BLE001 - the normal read follows, runs the same code, and reports
            return None

    def supervision(self, thresholds: SignalThresholds | None = None) -> list[CaseSummary]:
        """The supervision packet: a summary per client, signalled first, codes without names."""
        from hecht.schema.services.supervision import supervision_packet

        return self._run(
            lambda s: supervision_packet(
                session=s, actor=self.actor, library=self.library, thresholds=thresholds
            )
        )

    def outcomes(self) -> OutcomesReport:
        """The practice's pre–post outcomes, overall and per subgroup."""
        from hecht.schema.services.outcomes import practice_outcomes

        return self._run(
            lambda s: practice_outcomes(session=s, actor=self.actor, library=self.library)
        )

    def new_client(self, data: dict[str, Any]) -> ClientRead:
        """Register a client from form data (validated by the service's input model)."""
        from hecht.schema.inputs import NewClient, validated
        from hecht.schema.services.clients import create_client

        new = validated(NewClient, data)
        return self._run(lambda s: create_client(session=s, actor=self.actor, new=new))

    def new_episode(self, data: dict[str, Any]) -> EpisodeRead:
        """Open an episode from form data (validated by the service's input model)."""
        from hecht.schema.inputs import NewEpisode, validated
        from hecht.schema.services.episodes import open_episode

        new = validated(NewEpisode, data)
        return self._run(lambda s: open_episode(session=s, actor=self.actor, new=new))

    def new_couple(self, first_code: str, second_code: str) -> Any:
        """Pair two registered clients as a couple."""
        from hecht.schema.services.clients import create_couple

        return self._run(
            lambda s: create_couple(
                session=s, actor=self.actor, first_code=first_code, second_code=second_code
            )
        )

    def current_episode(self, code: str) -> int | None:
        """The lineage of the client's newest active episode, if any."""
        from hecht.schema.services.episodes import episodes_for_client

        found = self._run(lambda s: episodes_for_client(session=s, actor=self.actor, code=code))
        active = [episode for episode in found if episode.status == "active"]
        return active[-1].lineage_id if active else None

    def dossier(self, code: str) -> Dossier:
        """Everything about one client, read in one unit of work."""
        from hecht.schema.services import administrations, alerts, clients, episodes, visits
        from hecht.schema.services.trajectories import client_trajectory

        def read(session: Session) -> Dossier:
            actor = self.actor
            client = clients.get_client(session=session, actor=actor, code=code)
            partner = clients.partner_of(session, client.id)
            couple = clients.couple_of(session, client.id)
            found = episodes.episodes_for_client(session=session, actor=actor, code=code)
            seen = [
                visit
                for episode in found
                for visit in visits.visits_in_episode(
                    session=session, actor=actor, episode_lineage_id=episode.lineage_id
                )
            ]
            return Dossier(
                client=client,
                partner_code=None if partner is None else partner.code,
                couple_id=None if couple is None else couple.id,
                episodes=found,
                visits=seen,
                points=client_trajectory(session=session, actor=actor, code=code),
                open_alerts=alerts.open_alerts(session=session, actor=actor, code=code),
                drafts=administrations.open_drafts(session=session, actor=actor, code=code),
            )

        return self._run(read)

    def trajectory(self, code: str) -> TrajectoryView:
        """A client's scores with their partner's, visit numbers and episode dates, for charts."""
        from hecht.schema.services.trajectories import trajectory_view

        return self._run(lambda s: trajectory_view(session=s, actor=self.actor, code=code))

    def start(self, code: str, scale_id: str, **context: Any) -> AdministrationRead:
        """Start a draft administration of a scale for a client."""
        from hecht.schema.inputs import NewAdministration
        from hecht.schema.services.administrations import start_administration

        new = NewAdministration(client_code=code, scale_id=scale_id, **context)
        return self._run(
            lambda s: start_administration(
                session=s, actor=self.actor, library=self.library, new=new
            )
        )

    def answer(
        self,
        administration_id: int,
        item_id: str,
        code: str | None,
        missing_reason: str | None = None,
    ) -> list[AlertRead]:
        """Commit one answer of a draft (None: missing, with its reason); return raised alerts."""
        from hecht.schema.services.administrations import record_answer

        return self._run(
            lambda s: record_answer(
                session=s, actor=self.actor, library=self.library,
                administration_id=administration_id, item_id=item_id, code=code,
                missing_reason=missing_reason,
            )
        )  # fmt: skip

    def preview(self, administration_id: int) -> ScoreRead:
        """Score a draft as it stands, for the review."""
        from hecht.schema.services.administrations import draft_score

        return self._run(
            lambda s: draft_score(
                session=s, library=self.library, administration_id=administration_id
            )
        )

    def change(self, administration_id: int, total: float | None) -> ChangeSummary:
        """A draft's total against the client's earlier totals of the scale."""
        from hecht.schema.services.trajectories import change_summary

        return self._run(
            lambda s: change_summary(
                session=s, library=self.library, administration_id=administration_id, total=total
            )
        )

    def complete(self, administration_id: int) -> AdministrationRead:
        """Complete a draft and store its score."""
        from hecht.schema.services.administrations import complete_administration

        return self._run(
            lambda s: complete_administration(
                session=s,
                actor=self.actor,
                library=self.library,
                administration_id=administration_id,
            )
        )

    def acknowledge(self, alert_id: int, action: str, note: str) -> AlertRead:
        """Acknowledge an alert with the action taken."""
        from hecht.schema.services.alerts import acknowledge_alert
        from hecht.schema.tables import AlertAction

        return self._run(
            lambda s: acknowledge_alert(
                session=s,
                actor=self.actor,
                alert_id=alert_id,
                action=AlertAction(action),
                note=note,
            )
        )

    def record_visit(
        self, episode_lineage_id: int, visit_date: Any, attendee_codes: list[str]
    ) -> VisitRead:
        """Record a visit (the note follows when the session is written up)."""
        from hecht.schema.inputs import NewVisit, validated
        from hecht.schema.services.visits import record_visit

        new = validated(
            NewVisit,
            {
                "episode_lineage_id": episode_lineage_id,
                "visit_date": visit_date,
                "attendee_codes": attendee_codes,
            },
        )
        return self._run(lambda s: record_visit(session=s, actor=self.actor, new=new))

    def write_note(self, visit_lineage_id: int, note: str, themes: list[str]) -> VisitRead:
        """Add the session note and themes to a visit (a new version of it)."""
        from hecht.schema.services.visits import correct_visit

        return self._run(
            lambda s: correct_visit(
                session=s,
                actor=self.actor,
                lineage_id=visit_lineage_id,
                changes={"note": note or None, "themes": themes},
                reason="session note written",
            )
        )

    def drafts(self, code: str) -> list[AdministrationRead]:
        """A client's unfinished drafts, to offer for resumption (only that dossier is read)."""
        from hecht.schema.services.administrations import open_drafts

        return self._run(lambda s: open_drafts(session=s, actor=self.actor, code=code))

    def change_client(self, code: str, data: dict[str, Any]) -> ClientRead:
        """Correct a client's details from form data (validated by the service's input model)."""
        from hecht.schema.inputs import ClientChanges, validated
        from hecht.schema.services.clients import change_client

        changes = validated(ClientChanges, data)
        return self._run(
            lambda s: change_client(session=s, actor=self.actor, code=code, changes=changes)
        )

    def correct_episode(self, lineage_id: int, changes: dict[str, Any], reason: str) -> EpisodeRead:
        """Store a corrected version of an episode, with why it changed."""
        from hecht.schema.services.episodes import correct_episode

        return self._run(
            lambda s: correct_episode(
                session=s, actor=self.actor, lineage_id=lineage_id, changes=changes, reason=reason
            )
        )

    def history(self, kind: str, lineage_id: int) -> RecordHistory:
        """Every version of one record (an episode, visit or administration), oldest first."""
        from importlib import import_module

        from hecht.schema.services.clients import practitioner_names

        module, function = HISTORIES[kind]
        versions_of = getattr(import_module(f"hecht.schema.services.{module}"), function)

        def read(session: Session) -> RecordHistory:
            versions = versions_of(session=session, actor=self.actor, lineage_id=lineage_id)
            ids = {v.recorded_by_id for v in versions if v.recorded_by_id is not None}
            return RecordHistory(kind, versions, practitioner_names(session=session, ids=ids))

        return self._run(read)

    def open_demo(self) -> None:
        """Switch to the demo practice, building it the first time, as ``hecht --demo`` does."""
        from hecht.schema.engine import database_url
        from hecht.tui.commands.demo import build_demo_file, demo_database_path

        path = demo_database_path()
        if not path.exists():
            build_demo_file(path)
        with self._lock:
            old, self._engine = self._engine, None
            self.url, self.user_id = database_url(str(path)), None
        if old is not None:
            old.dispose()
        self.open()


def signal_thresholds(config: Any) -> SignalThresholds | None:
    """The config file's ``[signals]`` thresholds (None without settings: the defaults)."""
    if config is None:
        return None
    from hecht.schema.thresholds import SignalThresholds

    return SignalThresholds(config.signals.not_on_track_visits, config.signals.overdue_weeks)


HISTORIES = {
    "episode": ("episodes", "episode_history"),
    "visit": ("visits", "visit_history"),
    "administration": ("administrations", "administration_history"),
}
"""Where each kind of record's versions are read."""


@dataclass(frozen=True)
class RecordHistory:
    """The versions of one record, oldest first, and the names of the users who recorded them."""

    kind: str
    versions: list[Any]
    names: dict[int, str]
