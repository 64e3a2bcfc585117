"""Provides the screens' one door to storage: each call is one unit of work through the services.

Screens call these methods from worker threads only; they get read models back, never live ORM
objects. Storage modules are imported on first use, so the first frame never waits for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from hecht.scales.facts import ScaleFacts
    from hecht.scales.library import ScaleLibrary
    from hecht.schema.context import Actor
    from hecht.schema.readmodels import (
        ClientRead,
        EpisodeRead,
    )
    from hecht.schema.services.caseload import CaseloadRow
    from hecht.schema.services.outcomes import OutcomesReport
    from hecht.schema.services.signals import SignalThresholds
    from hecht.schema.services.supervision import CaseSummary
    from hecht.tui.config import Config

from hecht.tui.backend.entry import EntryCalls
from hecht.tui.backend.records import Dossier, RecordCalls, RecordHistory

__all__ = ["Backend", "Dossier", "RecordHistory", "signal_thresholds"]

T = TypeVar("T")


class Backend(EntryCalls, RecordCalls):
    """The database, the acting user and the scale library, behind one set of calls.

    Each call is one unit of work; the calls of item entry and of the dossier's records live in
    their own modules (``backend_entry``, ``backend_records``).
    """

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
        self.generation = 0
        """Counts the units of work that stored something, so screens know when to read again."""

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
        from hecht.schema.db.database import open_database

        with self._lock:
            if self._engine is not None:
                return
            engine = self._engine = open_database(self.url)
        if self.practitioner:
            try:
                self.act_as(self.practitioner)
            except Exception as error:
                with self._lock:  # not open: the next call meets the same refusal, says why
                    self._engine = None
                engine.dispose()
                raise _unusable(error, self.url) from None

    def act_as(self, name: str) -> None:
        """From now on act as this practitioner (registered the first time): every audit row
        and every record stored names them."""
        from hecht.schema.services.clients import practitioner_named

        self.user_id = self._run(
            lambda s: practitioner_named(session=s, actor=self.actor, name=name)
        )
        self.practitioner = name

    def close(self) -> None:
        """End the session: write its end to the audit log, then release the connections.

        Nothing is written when storage was never opened (the session ended within its first
        moments, before anything but the caseload was read).
        """
        if self._engine is None:
            return
        from hecht.schema.trail import audit
        from hecht.schema.trail.audit import AuditKind
        from hecht.schema.trail.details import detail_of

        try:
            self._run(
                lambda s: audit.record(
                    session=s,
                    actor=self.actor,
                    event=AuditKind.SESSION_END,
                    detail=detail_of("tui_session"),
                )
            )
        except Exception:  # noqa: BLE001 - the session ends anyway; a database gone cannot log it
            pass
        finally:
            self._engine.dispose()

    @property
    def actor(self) -> Actor:
        """The user acting now, as the audit log records them."""
        from hecht.schema.context import Actor

        return Actor(user_id=self.user_id, access_point=self.access_point, clock=self.clock)

    def _run(self, work: Callable[[Session], T], *, writes: bool = False) -> T:
        """Run one unit of work; ``writes`` marks one that stores something."""
        from hecht.schema.db.database import unit_of_work

        self.open()
        assert self._engine is not None
        with unit_of_work(self._engine) as session:
            result = work(session)
        if writes:
            with self._lock:
                self.generation += 1
        return result

    @property
    def shared(self) -> bool:
        """Whether others may change the database meanwhile (a practice's PostgreSQL)."""
        return not self.url.startswith("sqlite")

    def may_have_changed(self, seen_generation: int) -> bool:
        """Whether what a screen read at ``seen_generation`` may be out of date now."""
        return self.shared or self.generation != seen_generation

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
        """The first caseload, read before storage proper is opened (``hecht.schema.db.quick``).

        Tried once, while storage is not open yet; None when it does not qualify (no cached
        scale facts, not a current SQLite file, ...): then the normal read follows.
        """
        from hecht.schema.db.quick import quick_caseload

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
        return self._run(lambda s: create_client(session=s, actor=self.actor, new=new), writes=True)

    def new_episode(self, data: dict[str, Any]) -> EpisodeRead:
        """Open an episode from form data (validated by the service's input model)."""
        from hecht.schema.inputs import NewEpisode, validated
        from hecht.schema.services.episodes import open_episode

        new = validated(NewEpisode, data)
        return self._run(lambda s: open_episode(session=s, actor=self.actor, new=new), writes=True)

    def new_couple(self, first_code: str, second_code: str) -> Any:
        """Pair two registered clients as a couple."""
        from hecht.schema.services.clients import create_couple

        return self._run(
            lambda s: create_couple(
                session=s, actor=self.actor, first_code=first_code, second_code=second_code
            ),
            writes=True,
        )

    def current_care(self, code: str) -> tuple[str | None, EpisodeRead | None]:
        """The client's parent role (None: not recorded) and newest active episode, if any."""
        from hecht.schema.services.clients import get_client
        from hecht.schema.services.episodes import episodes_for_client

        def read(session: Session) -> tuple[str | None, EpisodeRead | None]:
            client = get_client(session=session, actor=self.actor, code=code)
            found = episodes_for_client(session=session, actor=self.actor, code=code)
            active = [episode for episode in found if episode.status == "active"]
            return client.role, active[-1] if active else None

        return self._run(read)

    def change_client(
        self, code: str, data: dict[str, Any], expected_version: int | None = None
    ) -> ClientRead:
        """Correct a client's details from form data (validated by the service's input model);
        refused when they changed since the version the user saw."""
        from hecht.schema.inputs import ClientChanges, validated
        from hecht.schema.services.clients import change_client

        changes = validated(ClientChanges, data)
        return self._run(
            lambda s: change_client(
                session=s,
                actor=self.actor,
                code=code,
                changes=changes,
                expected_version=expected_version,
            ),
            writes=True,
        )

    def correct_episode(
        self,
        lineage_id: int,
        changes: dict[str, Any],
        reason: str,
        expected_version: int | None = None,
    ) -> EpisodeRead:
        """Store a corrected version of an episode, with why it changed; refused when it changed
        since the version the user saw."""
        from hecht.schema.services.episodes import correct_episode

        return self._run(
            lambda s: correct_episode(
                session=s,
                actor=self.actor,
                lineage_id=lineage_id,
                changes=changes,
                reason=reason,
                expected_version=expected_version,
            ),
            writes=True,
        )

    def open_demo(self) -> None:
        """Switch to the demo practice, building it the first time, as ``hecht --demo`` does."""
        from hecht.schema.db.engine import database_url
        from hecht.schema.demo.file import build_demo_file, demo_database_path

        path = demo_database_path()
        if not path.exists():
            build_demo_file(path)
        with self._lock:
            old, self._engine = self._engine, None
            self.url, self.user_id = database_url(str(path)), None
        if old is not None:
            old.dispose()
        self.open()


def signal_thresholds(config: Config) -> SignalThresholds:
    """The config file's ``[signals]`` thresholds (the defaults where the file sets none)."""
    from hecht.schema.thresholds import SignalThresholds

    return SignalThresholds(config.signals.not_on_track_visits, config.signals.overdue_weeks)


def _unusable(error: Exception, url: str) -> Exception:
    """The first write of a session (registering its practitioner) refused by a read-only, full
    or held database: a refusal to open it, with the reason; any other error as it is."""
    from hecht.schema.db.engine import describe_url
    from hecht.schema.db.failures import storage_fault
    from hecht.schema.errors import DatabaseOpenError

    failure = storage_fault(error)
    if failure is None:
        return error
    where = describe_url(url)
    message = f"cannot open the database {where}: {failure.value}"
    return DatabaseOpenError(message, "unusable", database=where, failure=failure.value)
