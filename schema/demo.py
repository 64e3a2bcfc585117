"""Provides a synthetic demo practice: two years of perinatal care, built through the services."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from itertools import groupby
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session

from hecht.scales.library import ScaleLibrary
from hecht.schema.context import Actor
from hecht.schema.database import unit_of_work
from hecht.schema.demo_content import (
    ACCESS_POINT,
    CLOSE_REASONS,
    EPISODES,
    PRACTITIONER,
    REFERRAL_TEXT,
)
from hecht.schema.demo_plan import (
    AdministrationPlan,
    EpisodePlan,
    SimulatedClock,
    VisitPlan,
    answers_for,
    plan_practice,
)
from hecht.schema.inputs import NewAdministration, NewClient, NewEpisode, NewVisit
from hecht.schema.readmodels import AlertRead
from hecht.schema.services import administrations, alerts, clients, episodes, visits
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


# Storing: the plan replayed through the services, one unit of work per simulated day.

Step = Callable[[Session], None]


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


class DemoBuilder:
    """Replays the plan in time order, with the clock at each event's simulated moment."""

    def __init__(
        self,
        engine: Engine,
        library: ScaleLibrary,
        rng: random.Random,
        actor: Actor,
        clock: SimulatedClock,
    ) -> None:
        self.engine, self.library, self.rng = engine, library, rng
        self.actor, self.clock = actor, clock
        self.report = DemoReport()
        self.episode_ids: dict[int, int] = {}

    def run(self, plans: list[EpisodePlan]) -> DemoReport:
        """Store every planned event, oldest first, a day's events in one unit of work.

        A unit per day, not per event, halves the commits (each an fsync); a unit for the whole
        build would be slower, as the session's own bookkeeping grows with every row it holds.
        """
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
            with unit_of_work(self.engine) as session:
                hold_rows(session)
                for moment, _, step in day:
                    self.clock.move_to(moment)
                    step(session)
        return self.report

    def open_episode(self, plan: EpisodePlan, session: Session) -> None:
        """Register the client or couple and open their episode (birth known if postnatal)."""
        for person in plan.people:
            new = NewClient(
                code=person.code,
                name=person.name,
                birth_year=person.birth_year,
                language=person.language,
                role=person.role,
            )
            clients.create_client(session=session, actor=self.actor, new=new)
            self.clock.advance(self.rng.randint(20, 60))
            self.report.clients += 1
        couple_id = None
        if len(plan.people) == 2:
            first, second = (person.code for person in plan.people)
            couple = clients.create_couple(
                session=session, actor=self.actor, first_code=first, second_code=second
            )
            couple_id = couple.id
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
        episode = episodes.open_episode(session=session, actor=self.actor, new=new_episode)
        self.episode_ids[plan.number] = episode.lineage_id
        self.report.episodes += 1

    def birth(self, plan: EpisodePlan, session: Session) -> None:
        """Record the birth date the midwife passed on."""
        episodes.correct_episode(
            session=session,
            actor=self.actor,
            lineage_id=self.episode_ids[plan.number],
            changes={"birth_date": plan.birth_date},
            reason="geboortedatum doorgegeven door de verloskundige",
        )

    def close(self, plan: EpisodePlan, session: Session) -> None:
        """Close a finished episode on the planned day."""
        assert plan.closed_at is not None
        episodes.close_episode(
            session=session,
            actor=self.actor,
            lineage_id=self.episode_ids[plan.number],
            ended_on=plan.closed_at.date(),
            reason=CLOSE_REASONS[plan.kind],
        )

    def visit(self, plan: EpisodePlan, visit: VisitPlan, session: Session) -> None:
        """Record the visit, the scales asked in the session, then the paper forms typed in."""
        new = NewVisit(
            episode_lineage_id=self.episode_ids[plan.number],
            visit_date=visit.at.date(),
            attendee_codes=[person.code for person in visit.attendees],
            mode=visit.mode,
            note=visit.note,
            themes=visit.themes,
        )
        stored = visits.record_visit(session=session, actor=self.actor, new=new)
        self.report.visits += 1
        for administration in visit.administrations:
            if administration.mode == EntryMode.PAPER:
                self.clock.move_to(visit.at + timedelta(minutes=50))
            self.clock.advance(self.rng.randint(10, 40))
            new_administration = NewAdministration(
                client_code=administration.person.code,
                scale_id=administration.scale_id,
                episode_lineage_id=new.episode_lineage_id,
                visit_lineage_id=stored.lineage_id,
                mode=administration.mode,
                observed_on=visit.at.date(),
            )
            self.administer(session, new_administration, administration)

    def administer(
        self, session: Session, new: NewAdministration, plan: AdministrationPlan
    ) -> None:
        """Start and answer one scale, complete it unless it stays a draft, handle its alerts."""
        started = administrations.start_administration(
            session=session, actor=self.actor, library=self.library, new=new
        )
        answers = answers_for(self.rng, self.library.get(plan.scale_id), plan)
        if plan.draft:
            answers = answers[: self.rng.randint(1, len(answers) - 1)]
        pace = (8, 20) if plan.mode == EntryMode.INTERVIEW else (2, 5)
        raised: list[AlertRead] = []
        for item_id, code in answers:
            self.clock.advance(self.rng.randint(*pace))
            raised += administrations.record_answer(
                session=session,
                actor=self.actor,
                library=self.library,
                administration_id=started.id,
                item_id=item_id,
                code=code,
                missing_reason=None if code else "niet ingevuld",
            )
        if plan.draft:
            self.report.drafts += 1
            return
        administrations.complete_administration(
            session=session, actor=self.actor, library=self.library, administration_id=started.id
        )
        self.report.administrations += 1
        self.acknowledge(session, raised, plan.acknowledgement)

    def acknowledge(
        self,
        session: Session,
        raised: list[AlertRead],
        acknowledgement: tuple[AlertAction, str] | None,
    ) -> None:
        """Acknowledge the alerts a few minutes after they were raised, or leave them open."""
        for alert in raised:
            if acknowledgement is None:
                self.report.open_alerts += 1
                continue
            self.clock.advance(self.rng.randint(120, 600))
            action, note = acknowledgement
            alerts.acknowledge_alert(
                session=session, actor=self.actor, alert_id=alert.id, action=action, note=note
            )


def build_demo_practice(
    *,
    engine: Engine,
    library: ScaleLibrary,
    seed: int = 1,
    today: date | None = None,
    episode_count: int = EPISODES,
) -> DemoReport:
    """Fill an empty database with a synthetic practice, the same for the same seed and day.

    Everything goes through the services, with the clock set to each simulated moment, so the
    demo takes the paths real use takes (versions, scores, alerts, the audit chain).

    Args:
        engine: an empty database with the current schema (from ``open_database``).
        library: the scale library; the demo uses WHO-5, CSI-4, RSES, EPDS and GAD-7.
        seed: the seed of the one random generator every choice comes from.
        today: the day the practice is seen from; the two years before it are filled.
        episode_count: how many episodes to invent (fewer for quick tests).

    Returns:
        The counts of what was stored.
    """
    rng = random.Random(seed)
    plans = plan_practice(rng, library, today or date.today(), episode_count)
    clock = SimulatedClock(min(plan.opened_at for plan in plans) - timedelta(days=1))
    with unit_of_work(engine) as session:
        setup = Actor(user_id=None, access_point=ACCESS_POINT, clock=clock)
        user_id = clients.add_practitioner(session=session, actor=setup, name=PRACTITIONER)
    actor = Actor(user_id=user_id, access_point=ACCESS_POINT, clock=clock)
    return DemoBuilder(engine, library, rng, actor, clock).run(plans)
