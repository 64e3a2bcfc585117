"""Provides a synthetic demo practice: two years of perinatal care, replayed day by day."""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from itertools import groupby
from typing import Any, Protocol

from sqlalchemy import Engine

from hecht.scales.library import ScaleLibrary
from hecht.schema.context import Actor
from hecht.schema.db.database import unit_of_work
from hecht.schema.demo.bulk import BulkStore
from hecht.schema.demo.content import (
    ACCESS_POINT,
    CLOSE_REASONS,
    EPISODES,
    PRACTITIONER,
    REFERRAL_TEXT,
)
from hecht.schema.demo.plan import (
    AdministrationPlan,
    EpisodePlan,
    SimulatedClock,
    VisitPlan,
    answers_for,
    plan_practice,
)
from hecht.schema.demo.replay import ServiceStore
from hecht.schema.inputs import (
    GivenAnswer,
    NewAdministration,
    NewClient,
    NewEpisode,
    NewVisit,
)
from hecht.schema.tables import AlertAction, EntryMode


@dataclass
class DemoReport:
    """What the demo stored: administrations counts completed ones, drafts the unfinished."""

    clients: int = 0
    couples: int = 0
    episodes: int = 0
    visits: int = 0
    administrations: int = 0
    drafts: int = 0
    open_alerts: int = 0


class Store(Protocol):
    """Where the replay stores each step: through the services (``demo_services``), or as the
    rows they would store, written at once (``demo_bulk``)."""

    def day(self) -> AbstractContextManager[None]: ...
    def add_practitioner(self, actor: Actor, name: str) -> int: ...
    def create_client(self, actor: Actor, new: NewClient) -> None: ...
    def create_couple(self, actor: Actor, first_code: str, second_code: str) -> int: ...
    def open_episode(self, actor: Actor, new: NewEpisode) -> int: ...
    def correct_episode(
        self, actor: Actor, lineage_id: int, changes: dict[str, Any], reason: str
    ) -> None: ...
    def close_episode(self, actor: Actor, lineage_id: int, ended_on: date, reason: str) -> None: ...
    def record_visit(self, actor: Actor, new: NewVisit) -> int: ...
    def start_administration(self, actor: Actor, new: NewAdministration) -> int: ...
    def record_answer(
        self, actor: Actor, administration_id: int, answer: GivenAnswer
    ) -> list[int]: ...
    def complete_administration(self, actor: Actor, administration_id: int) -> None: ...
    def acknowledge_alert(
        self, actor: Actor, alert_id: int, action: AlertAction, note: str
    ) -> None: ...


Step = Callable[[], None]


class DemoBuilder:
    """Replays the plan in time order, with the clock at each event's simulated moment.

    Every random draw that depends on storing (how long an action takes, which answers) is made
    here, in the same order whichever store is given, so both stores get the same steps.
    """

    def __init__(
        self, store: Store, library: ScaleLibrary, rng: random.Random, clock: SimulatedClock
    ) -> None:
        self.store, self.library, self.rng, self.clock = store, library, rng, clock
        self.report = DemoReport()
        self.episode_ids: dict[int, int] = {}
        with store.day():
            setup = Actor(user_id=None, access_point=ACCESS_POINT, clock=clock)
            user_id = store.add_practitioner(setup, PRACTITIONER)
        self.actor = Actor(user_id=user_id, access_point=ACCESS_POINT, clock=clock)

    def run(self, plans: list[EpisodePlan]) -> DemoReport:
        """Store every planned event, oldest first, a day's events together."""
        events: list[tuple[datetime, int, Step]] = []
        for plan in plans:
            events.append((plan.opened_at, len(events), partial(self.open_episode, plan)))
            for visit in plan.visits:
                events.append((visit.at, len(events), partial(self.visit, plan, visit)))
            if plan.birth_known_at is not None:
                events.append((plan.birth_known_at, len(events), partial(self.birth, plan)))
            if plan.closed_at is not None:
                events.append((plan.closed_at, len(events), partial(self.close, plan)))
        ordered = sorted(events, key=lambda entry: entry[:2])
        for _, day in groupby(ordered, key=lambda entry: entry[0].date()):
            with self.store.day():
                for moment, _, step in day:
                    self.clock.move_to(moment)
                    step()
        return self.report

    def open_episode(self, plan: EpisodePlan) -> None:
        """Register the client or couple and open their episode (birth known if postnatal)."""
        for person in plan.people:
            new = NewClient(
                code=person.code,
                name=person.name,
                birth_year=person.birth_year,
                language=person.language,
                role=person.role,
            )
            self.store.create_client(self.actor, new)
            self.clock.advance(self.rng.randint(20, 60))
            self.report.clients += 1
        couple_id = None
        if len(plan.people) == 2:
            first, second = (person.code for person in plan.people)
            couple_id = self.store.create_couple(self.actor, first, second)
            self.report.couples += 1
        postnatal = plan.birth_known_at is None and plan.birth_date is not None
        new_episode = NewEpisode(
            client_code=None if couple_id else plan.people[0].code,
            couple_id=couple_id,
            due_date=plan.due_date,
            birth_date=plan.birth_date if postnatal else None,
            referral_reasons=plan.reasons,
            referral_text=REFERRAL_TEXT[plan.reasons[0]],
            referrer=plan.referrer,
            started_on=plan.opened_at.date(),
        )
        self.episode_ids[plan.number] = self.store.open_episode(self.actor, new_episode)
        self.report.episodes += 1

    def birth(self, plan: EpisodePlan) -> None:
        """Record the birth date the midwife passed on."""
        self.store.correct_episode(
            self.actor,
            self.episode_ids[plan.number],
            {"birth_date": plan.birth_date},
            "geboortedatum doorgegeven door de verloskundige",
        )

    def close(self, plan: EpisodePlan) -> None:
        """Close a finished episode on the planned day."""
        assert plan.closed_at is not None
        lineage_id, reason = self.episode_ids[plan.number], CLOSE_REASONS[plan.kind]
        self.store.close_episode(self.actor, lineage_id, plan.closed_at.date(), reason)

    def visit(self, plan: EpisodePlan, visit: VisitPlan) -> None:
        """Record the visit, the scales asked in the session, then the paper forms typed in."""
        new = NewVisit(
            episode_lineage_id=self.episode_ids[plan.number],
            visit_date=visit.at.date(),
            attendee_codes=[person.code for person in visit.attendees],
            mode=visit.mode,
            note=visit.note,
            themes=visit.themes,
        )
        visit_lineage_id = self.store.record_visit(self.actor, new)
        self.report.visits += 1
        for administration in visit.administrations:
            if administration.mode == EntryMode.PAPER:
                self.clock.move_to(visit.at + timedelta(minutes=50))
            self.clock.advance(self.rng.randint(10, 40))
            new_administration = NewAdministration(
                client_code=administration.person.code,
                scale_id=administration.scale_id,
                episode_lineage_id=new.episode_lineage_id,
                visit_lineage_id=visit_lineage_id,
                mode=administration.mode,
                observed_on=visit.at.date(),
            )
            self.administer(new_administration, administration)

    def administer(self, new: NewAdministration, plan: AdministrationPlan) -> None:
        """Start and answer one scale, complete it unless it stays a draft, handle its alerts."""
        started = self.store.start_administration(self.actor, new)
        answers = answers_for(self.rng, self.library.get(plan.scale_id), plan)
        if plan.draft:
            answers = answers[: self.rng.randint(1, len(answers) - 1)]
        pace = (8, 20) if plan.mode == EntryMode.INTERVIEW else (2, 5)
        raised: list[int] = []
        for item_id, code in answers:
            self.clock.advance(self.rng.randint(*pace))
            missing_reason = None if code else "niet ingevuld"
            answer = GivenAnswer(item_id, code, missing_reason)
            raised += self.store.record_answer(self.actor, started, answer)
        if plan.draft:
            self.report.drafts += 1
            return
        self.store.complete_administration(self.actor, started)
        self.report.administrations += 1
        self.acknowledge(raised, plan.acknowledgement)

    def acknowledge(
        self, raised: list[int], acknowledgement: tuple[AlertAction, str] | None
    ) -> None:
        """Acknowledge the alerts a few minutes after they were raised, or leave them open."""
        for alert_id in raised:
            if acknowledgement is None:
                self.report.open_alerts += 1
                continue
            self.clock.advance(self.rng.randint(120, 600))
            action, note = acknowledgement
            self.store.acknowledge_alert(self.actor, alert_id, action, note)


def holds_clients(engine: Engine) -> bool:
    """Whether the database holds any client already: the demo fills empty databases only."""
    from sqlalchemy import func, select

    from hecht.schema.tables import Client

    with engine.connect() as connection:
        return bool(connection.execute(select(func.count()).select_from(Client)).scalar())


def build_demo_practice(
    *,
    engine: Engine,
    library: ScaleLibrary,
    seed: int = 1,
    today: date | None = None,
    episode_count: int = EPISODES,
    through_services: bool = False,
) -> DemoReport:
    """Fill an empty database with a synthetic practice, the same for the same seed and day.

    The plan is replayed in time order with the clock at each simulated moment, so the demo
    holds what real use stores (versions, scores, alerts, the audit chain). By default the rows
    the services would store are made in memory and written in one transaction, in about a
    second; ``through_services`` calls the services instead, a unit of work per simulated day
    (a minute for the whole demo), which is what the bulk build is checked against.

    Args:
        engine: an empty database with the current schema (from ``open_database``).
        library: the scale library; the demo uses WHO-5, CSI-4, RSES, EPDS and GAD-7.
        seed: the seed of the one random generator every choice comes from.
        today: the day the practice is seen from; the two years before it are filled.
        episode_count: how many episodes to invent (fewer for quick tests).
        through_services: store each step through the services.

    Returns:
        The counts of what was stored.
    """
    rng = random.Random(seed)
    plans = plan_practice(rng, library, today or date.today(), episode_count)
    clock = SimulatedClock(min(plan.opened_at for plan in plans) - timedelta(days=1))
    if through_services:
        return DemoBuilder(ServiceStore(engine, library), library, rng, clock).run(plans)
    with unit_of_work(engine) as session:
        store = BulkStore(session, library)
        report = DemoBuilder(store, library, rng, clock).run(plans)
        store.write()
    return report
