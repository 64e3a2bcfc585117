"""Provides the backend's calls for a dossier's records: read them, their versions, correct them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from hecht.tui.backend.calls import BackendCalls

if TYPE_CHECKING:
    from sqlmodel import Session

    from hecht.schema.context import Actor
    from hecht.schema.readmodels import (
        AdministrationRead,
        AlertRead,
        ClientRead,
        EpisodeRead,
        VisitRead,
    )
    from hecht.schema.services.trajectories import TrajectoryPoint, TrajectoryView

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

    @property
    def current(self) -> Any:
        """The newest version: the record as it stands."""
        return self.versions[-1]


@dataclass(frozen=True)
class Dossier:
    """Everything the dossier screen shows of one client."""

    client: ClientRead
    partner: ClientRead | None
    couple_id: int | None
    episodes: list[EpisodeRead]
    visits: list[VisitRead]
    points: list[TrajectoryPoint]
    alerts: list[AlertRead]
    """Every alert of the client, open and acknowledged, oldest first."""
    drafts: list[AdministrationRead]
    codes: dict[int, str] = field(default_factory=dict)
    """The codes of the client and partner by id (a visit names its attendees by id)."""

    @property
    def open_alerts(self) -> list[AlertRead]:
        """The alerts not yet acknowledged."""
        return [alert for alert in self.alerts if alert.acknowledged_at is None]

    @property
    def partner_code(self) -> str | None:
        """The partner's code, in a couple."""
        return None if self.partner is None else self.partner.code


class Retraction(Protocol):
    """A service's retraction of one kind of record (``retract_visit`` and the like)."""

    def __call__(
        self,
        *,
        session: Session,
        actor: Actor,
        lineage_id: int,
        reason: str,
        expected_version: int | None = None,
    ) -> None: ...


class RecordCalls(BackendCalls):
    """The dossier's units of work (mixed into ``Backend``, which provides the connection)."""

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
            codes = {client.id: client.code}
            if partner is not None:
                codes[partner.id] = partner.code
            return Dossier(
                client=client,
                partner=partner,
                couple_id=None if couple is None else couple.id,
                episodes=found,
                visits=seen,
                points=client_trajectory(session=session, actor=actor, code=code),
                alerts=alerts.client_alerts(session=session, actor=actor, code=code),
                drafts=administrations.open_drafts(session=session, actor=actor, code=code),
                codes=codes,
            )

        return self._run(read)

    def trajectory(self, code: str) -> TrajectoryView:
        """A client's scores with their partner's, visit numbers and episode dates, for charts."""
        from hecht.schema.services.trajectories import trajectory_view

        return self._run(lambda s: trajectory_view(session=s, actor=self.actor, code=code))

    def history(self, kind: str, lineage_id: int) -> RecordHistory:
        """Every version of one record (an episode, visit or administration), oldest first."""
        from importlib import import_module

        from hecht.schema.services.clients import practitioner_names

        module, function = HISTORIES[kind]
        versions_of = getattr(import_module(f"hecht.schema.services.{module}"), function)

        def read(session: Session) -> RecordHistory:
            versions = versions_of(session=session, actor=self.actor, lineage_id=lineage_id)
            ids = {v.recorded_by_id for v in versions if v.recorded_by_id is not None}
            ids |= {v.entered_by_id for v in versions if getattr(v, "entered_by_id", None)}
            return RecordHistory(kind, versions, practitioner_names(session=session, ids=ids))

        return self._run(read)

    def correct_administration(
        self,
        lineage_id: int,
        answers: dict[str, str | None],
        reason: str,
        expected_version: int | None = None,
    ) -> AdministrationRead:
        """Store a corrected version of a completed administration: the answers given replace
        the stored ones, the score is computed again, the reason is kept."""
        from hecht.schema.services.administrations import correct_administration

        library = self.library
        return self._run(
            lambda s: correct_administration(
                session=s, actor=self.actor, library=library, lineage_id=lineage_id,
                answers=answers, reason=reason, expected_version=expected_version,
            ),
            writes=True,
        )  # fmt: skip

    def retract_visit(self, lineage_id: int, reason: str, expected_version: int | None) -> None:
        """Retract a visit entered in error, once it holds no scales: its history stays."""
        from hecht.schema.services.visits import retract_visit

        self._retract(retract_visit, lineage_id, reason, expected_version)

    def retract_administration(
        self, lineage_id: int, reason: str, expected_version: int | None = None
    ) -> None:
        """Retract an administration entered in error: it leaves the lists, its history stays."""
        from hecht.schema.services.administrations import retract_administration

        self._retract(retract_administration, lineage_id, reason, expected_version)

    def _retract(
        self,
        retract: Retraction,
        lineage_id: int,
        reason: str,
        expected_version: int | None,
    ) -> None:
        """Run a service's retraction of one record (same keywords for every kind) and commit."""
        self._run(
            lambda s: retract(
                session=s, actor=self.actor, lineage_id=lineage_id, reason=reason,
                expected_version=expected_version,
            ),
            writes=True,
        )  # fmt: skip
