"""Provides the demo practice's plan: every random choice made before anything is stored."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from hecht.scales.answers import item_score
from hecht.scales.library import ScaleLibrary
from hecht.scales.model import Direction, Item, ScaleDefinition
from hecht.schema.demo.content import (
    ACKNOWLEDGEMENTS,
    ADMINISTRATION_NOISE,
    BATTERY,
    CLOSING_NOTE,
    COUPLE_SHARE,
    COURSE_KINDS,
    DAYS_BACK,
    EVERY_VISIT,
    FEMALE,
    GENERAL_THEMES,
    HOURS,
    INTAKE_NOTE,
    ITEM_NOISE,
    MALE,
    MISSING_SHARE,
    OFFSETS,
    POSTNATAL_SHARE,
    REASON_WEIGHTS,
    REFERRERS,
    SENTENCES,
    SURNAMES,
    THEMES,
    VISIT_COUNTS,
)
from hecht.schema.tables import AlertAction, EntryMode, ParentRole, ReferralReason, VisitMode

T = TypeVar("T")
Schedule = tuple[datetime, list[date]]
"""When an episode opens, and the days of all its planned visits."""


@dataclass(frozen=True)
class Course:
    """A latent level from 0 (unwell) to 1 (well) that moves by ``change`` over an episode."""

    start: float
    change: float

    def level(self, progress: float) -> float:
        """Return the level at a point of the episode (0 = intake, 1 = last planned visit)."""
        bend = (1 - math.exp(-3 * progress)) / (1 - math.exp(-3))
        return _clamp(self.start + self.change * bend)


@dataclass(frozen=True)
class Person:
    """A client as the demo invents them, with the course of wellbeing and relationship."""

    code: str
    name: str
    birth_year: int
    language: str
    wellbeing: Course
    relationship: Course
    role: ParentRole


@dataclass
class AdministrationPlan:
    """One scale to fill in: how healthy the answers read, and what happens to it."""

    person: Person
    scale_id: str
    mode: EntryMode
    health: float
    missing: bool = False
    critical: bool = False
    """Whether the answer to a critical item (if the scale has one) is to raise its alert."""
    draft: bool = False
    acknowledgement: tuple[AlertAction, str] | None = None


@dataclass
class VisitPlan:
    """A session: when, who came, how, the note and what was measured."""

    at: datetime
    attendees: list[Person]
    mode: VisitMode
    note: str
    themes: list[str]
    administrations: list[AdministrationPlan] = field(default_factory=list)


@dataclass
class EpisodePlan:
    """One referral: its people, dates, visits and how it ends (if it has ended)."""

    number: int
    people: list[Person]
    reasons: list[ReferralReason]
    referrer: str
    opened_at: datetime
    due_date: date
    birth_date: date | None
    birth_known_at: datetime | None
    kind: str
    visits: list[VisitPlan] = field(default_factory=list)
    closed_at: datetime | None = None


class SimulatedClock:
    """The actor's clock: set to each planned event, moved on by seconds, never backwards."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def move_to(self, moment: datetime) -> None:
        """Jump to a planned moment, unless work already ran past it."""
        self.now = max(self.now, moment)

    def advance(self, seconds: int) -> None:
        """Let the time one action takes pass."""
        self.now += timedelta(seconds=seconds)


def _clamp(value: float, low: float = 0.02, high: float = 0.98) -> float:
    return min(high, max(low, value))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _weekday(day: date) -> date:
    """Move a Saturday or Sunday to the Monday after: the practice works on weekdays."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _pick(rng: random.Random, weights: dict[T, int]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# Planning: every random choice is made here, from one Random, before anything is stored.


def plan_practice(
    rng: random.Random, library: ScaleLibrary, today: date, count: int
) -> list[EpisodePlan]:
    """Invent ``count`` episodes started in the two years before ``today``, oldest first."""
    schedules = sorted((_schedule(rng, today) for _ in range(count)), key=lambda s: s[0])
    couples = set(rng.sample(range(count), round(count * COUPLE_SHARE)))
    required = list(ReferralReason)[:count]  # each reason at least once, given enough episodes
    forced = dict(zip(rng.sample(range(count), len(required)), required, strict=True))
    busy: set[datetime] = set()
    plans: list[EpisodePlan] = []
    for number, schedule in enumerate(schedules):
        reasons = _reasons(rng, number in couples, forced.get(number))
        first_code = 1 + sum(len(plan.people) for plan in plans)
        people, kind = _people(rng, first_code, number in couples, reasons)
        plans.append(_plan_episode(rng, number, schedule, people, reasons, kind, today, busy))
    critical = [s for s in EVERY_VISIT + BATTERY if library.get(s).interpretation.critical]
    _mark_drafts(rng, plans, critical)
    _mark_alerts(rng, plans, critical)
    return plans


def _reasons(
    rng: random.Random, couple: bool, forced: ReferralReason | None
) -> list[ReferralReason]:
    """Draw the referral reasons: couples come more often for their relationship."""
    weights = dict(REASON_WEIGHTS)
    if couple:
        weights[ReferralReason.RELATIONSHIP_PROBLEMS] *= 3
    reasons = [forced or _pick(rng, weights)]
    if rng.random() < 0.3:
        reasons.append(_pick(rng, {r: w for r, w in weights.items() if r not in reasons}))
    return reasons


def _people(
    rng: random.Random, first_code: int, couple: bool, reasons: list[ReferralReason]
) -> tuple[list[Person], str]:
    """Invent the client (mostly a mother) or the couple, and how their care will go."""
    kind = _pick(rng, COURSE_KINDS)
    troubled = ReferralReason.RELATIONSHIP_PROBLEMS in reasons
    language = "en" if rng.random() < 0.12 else "nl"
    year = rng.randint(1983, 2002)
    mother = rng.random() < (1.0 if couple else 0.9)
    courses = _courses(rng, kind, troubled)
    role = ParentRole.MOTHER if mother else ParentRole.PARTNER
    people = [_person(rng, first_code, mother, year, language, courses, role)]
    if couple:
        year = min(2002, max(1983, year + rng.randint(-2, 4)))
        partner_female = rng.random() < 0.12
        courses = _courses(rng, kind, troubled, partner=True)
        second = _person(
            rng, first_code + 1, partner_female, year, language, courses, ParentRole.PARTNER
        )
        people.append(second)
    return people, kind


def _person(
    rng: random.Random,
    number: int,
    female: bool,
    year: int,
    language: str,
    courses: tuple[Course, Course],
    role: ParentRole,
) -> Person:
    name = f"{rng.choice(FEMALE if female else MALE)} {rng.choice(SURNAMES)}"
    return Person(f"C{number:03d}", name, year, language, *courses, role)


def _courses(
    rng: random.Random, kind: str, troubled: bool, partner: bool = False
) -> tuple[Course, Course]:
    """Draw wellbeing and relationship courses: most improve, some stay flat, a few worsen."""
    change = {"improve": (0.25, 0.07), "flat": (0.0, 0.03), "worse": (-0.15, 0.05)}[kind]
    scale = 0.7 if partner else 1.0
    start = rng.gauss(0.52 if partner else 0.40, 0.08)
    wellbeing = Course(_clamp(start, 0.15, 0.75), scale * rng.gauss(*change))
    if troubled:
        relation = Course(_clamp(rng.gauss(0.42, 0.08)), 0.9 * rng.gauss(*change))
    else:
        relation = Course(_clamp(rng.gauss(0.72, 0.08)), rng.gauss(0.02, 0.03))
    return wellbeing, relation


def _schedule(rng: random.Random, today: date) -> Schedule:
    """Draw when an episode opens and its planned visit days; three lie before today."""
    start = today - timedelta(days=rng.randint(1, DAYS_BACK))
    planned = _pick(rng, VISIT_COUNTS)
    days = _visit_days(rng, start, planned)
    last_day = today - timedelta(days=1)
    if days[2] > last_day:  # every episode has had at least three visits
        shift = timedelta(weeks=math.ceil((days[2] - last_day).days / 7))
        start, days = start - shift, [day - shift for day in days]
    return _at(start, 7, 30 + rng.randint(0, 25)), days


def _plan_episode(
    rng: random.Random,
    number: int,
    schedule: Schedule,
    people: list[Person],
    reasons: list[ReferralReason],
    kind: str,
    today: date,
    busy: set[datetime],
) -> EpisodePlan:
    """Plan one episode: dates around the pregnancy, the visits so far, and its closing."""
    opened, days = schedule
    planned, last_day = len(days), today - timedelta(days=1)
    due, birth, known = _birth(rng, opened.date(), reasons[0], last_day)
    referrer = _pick(rng, REFERRERS)
    episode = EpisodePlan(number, people, reasons, referrer, opened, due, birth, known, kind)
    happened = [day for day in days if day <= last_day]
    for index, day in enumerate(happened):
        episode.visits.append(_plan_visit(rng, episode, index, planned, _slot(rng, day, busy)))
    if len(happened) == planned:
        closing = _weekday(happened[-1] + timedelta(days=rng.randint(0, 14)))
        if closing <= last_day:
            episode.closed_at = _at(closing, 16, 30 + rng.randint(0, 25))
    return episode


def _visit_days(rng: random.Random, start: date, planned: int) -> list[date]:
    """Space the visits weekly at first, up to monthly towards the end."""
    day = start + timedelta(days=rng.randint(3, 14))
    days: list[date] = []
    for index in range(planned):
        days.append(_weekday(day))
        progress = index / max(planned - 1, 1)
        day = days[-1] + timedelta(days=rng.randint(7, 14 + round(21 * progress)))
    return days


def _slot(rng: random.Random, day: date, busy: set[datetime]) -> datetime:
    """Book a free session hour on a day (any hour when the day is full)."""
    free = [_at(day, hour) for hour in HOURS if _at(day, hour) not in busy]
    chosen = rng.choice(free or [_at(day, hour) for hour in HOURS])
    busy.add(chosen)
    return chosen


def _birth(
    rng: random.Random, start: date, reason: ReferralReason, last_day: date
) -> tuple[date, date | None, datetime | None]:
    """Return the due date, the birth date and when the practice hears of the birth."""
    if rng.random() < POSTNATAL_SHARE[reason]:
        birth = start - timedelta(days=rng.randint(7, 26 * 7))
        due = birth - timedelta(days=rng.randint(-21, 14))
        return due, birth, None
    due = start + timedelta(days=rng.randint(8 * 7, 30 * 7))
    birth = due + timedelta(days=rng.randint(-21, 14))
    known = _at(birth + timedelta(days=rng.randint(1, 5)), 7, rng.randint(0, 20))
    return (due, birth, known) if known.date() <= last_day else (due, None, None)


def _plan_visit(
    rng: random.Random, episode: EpisodePlan, index: int, planned: int, at: datetime
) -> VisitPlan:
    """Plan who comes, how, what is talked about and what is measured."""
    first, last = index == 0, index == planned - 1
    people = episode.people
    if len(people) == 2 and not (first or last):
        people = rng.choices([people, people[:1], people[1:]], weights=[80, 15, 5])[0]
    born = episode.birth_date is not None and episode.birth_date <= at.date()
    modes = {VisitMode.IN_PERSON: 70, VisitMode.VIDEO: 15, VisitMode.PHONE: 5}
    modes[VisitMode.HOME] = 10 if born else 0
    visit = VisitPlan(at, people, _pick(rng, modes), *_plan_note(rng, episode, first, last))
    progress = index / max(planned - 1, 1)
    spoken = visit.mode in (VisitMode.VIDEO, VisitMode.PHONE)
    for position, person in enumerate(people):
        for scale_id in _scales(person is episode.people[0], first or last):
            interview = spoken or (scale_id == "who5" and position == 0)
            mode = EntryMode.INTERVIEW if interview else EntryMode.PAPER
            plan = _plan_administration(rng, person, scale_id, mode, progress)
            visit.administrations.append(plan)
    visit.administrations.sort(key=lambda plan: plan.mode != EntryMode.INTERVIEW)
    return visit


def _scales(referred: bool, intake_or_last: bool) -> tuple[str, ...]:
    """Return what one attendee fills in: the client referred more than a partner."""
    if referred:
        return EVERY_VISIT + (BATTERY if intake_or_last else ())
    return EVERY_VISIT if intake_or_last else ("csi4",)


def _plan_note(
    rng: random.Random, episode: EpisodePlan, first: bool, last: bool
) -> tuple[str, list[str]]:
    """Write a short generic note from one to three themes of the referral."""
    pool = [theme for reason in episode.reasons for theme in THEMES[reason]]
    themes = rng.sample(pool, min(2, len(pool))) + [rng.choice(GENERAL_THEMES)]
    themes = list(dict.fromkeys(themes))[: rng.randint(1, 3)]
    opening = [INTAKE_NOTE] if first else [CLOSING_NOTE] if last else []
    return " ".join(opening + [SENTENCES[theme] for theme in themes]), themes


def _plan_administration(
    rng: random.Random, person: Person, scale_id: str, mode: EntryMode, progress: float
) -> AdministrationPlan:
    """Fix how healthy the answers read; low levels sometimes bring a critical answer."""
    course = person.relationship if scale_id == "csi4" else person.wellbeing
    level = course.level(progress)
    health = _clamp(level + OFFSETS[scale_id] + rng.gauss(0, ADMINISTRATION_NOISE))
    plan = AdministrationPlan(person, scale_id, mode, health, rng.random() < MISSING_SHARE)
    plan.critical = rng.random() < (0.25 if level < 0.35 else 0.04)
    return plan


def _administrations(plans: list[EpisodePlan]) -> list[tuple[VisitPlan, AdministrationPlan]]:
    pairs = [(v, a) for plan in plans for v in plan.visits for a in v.administrations]
    return sorted(pairs, key=lambda pair: pair[0].at)


def _mark_drafts(rng: random.Random, plans: list[EpisodePlan], critical: list[str]) -> None:
    """Leave a few paper forms half-typed, in the latest visits of ongoing episodes."""
    lasts = [(plan.closed_at is not None, plan.visits[-1]) for plan in plans if plan.visits]
    lasts.sort(key=lambda pair: (pair[0], -pair[1].at.timestamp()))
    candidates = [
        administration
        for _, visit in lasts[:12]
        for administration in visit.administrations
        if administration.mode == EntryMode.PAPER and administration.scale_id not in critical
    ]
    for administration in rng.sample(candidates, min(len(candidates), rng.randint(3, 5))):
        administration.draft = True


def _mark_alerts(rng: random.Random, plans: list[EpisodePlan], critical: list[str]) -> None:
    """Keep enough critical answers to show; acknowledge all but the latest three to five."""
    pairs = [(v, a) for v, a in _administrations(plans) if a.scale_id in critical]
    raised = [a for _, a in pairs if a.critical]
    quiet = [a for _, a in pairs if not a.critical and not a.draft]
    for administration in rng.sample(quiet, max(0, min(len(quiet), 8 - len(raised)))):
        administration.critical = True
    raised = [a for _, a in pairs if a.critical]
    left_open = rng.randint(3, 5)
    actions = {(action, note): weight for action, note, weight in ACKNOWLEDGEMENTS}
    for administration in raised[: max(0, len(raised) - left_open)]:
        administration.acknowledgement = _pick(rng, actions)


# Answers: from the latent health to a valid code of each item.


def _code_near(definition: ScaleDefinition, item: Item, target: float) -> int:
    """Return the item's code whose score (reverse keying applied) is nearest the target."""
    options = definition.option_set(item).options
    assert options is not None, "the demo only administers scales with answer options"
    return min(options, key=lambda o: abs(item_score(definition, item, o.code) - target)).code


def _code_for_health(definition: ScaleDefinition, item: Item, health: float) -> int:
    """Map a health level (0 unwell, 1 well) onto the item's scores in the scale's direction."""
    low, high = definition.option_set(item).score_bounds
    better = definition.scoring.direction == Direction.HIGHER_IS_BETTER
    return _code_near(definition, item, low + (high - low) * (health if better else 1 - health))


def _critical_targets(definition: ScaleDefinition) -> dict[str, float]:
    """Return the score each critical item gets when a rule is to fire (others score 0)."""
    targets: dict[str, float] = {}
    for rule in definition.interpretation.critical:
        for position, item_id in enumerate(rule.items):
            targets[item_id] = rule.at_least if position == 0 else 0
    return targets


def answers_for(
    rng: random.Random, definition: ScaleDefinition, plan: AdministrationPlan
) -> list[tuple[str, str | None]]:
    """Return (item, typed code or None) in item order, with the plan's noise and critical item."""
    targets = _critical_targets(definition)
    ordinary = [item.id for item in definition.items if item.id not in targets]
    missing = rng.choice(ordinary) if plan.missing and ordinary else None
    answers: list[tuple[str, str | None]] = []
    for item in definition.items:
        if item.id == missing:
            answers.append((item.id, None))
        elif item.id in targets:
            target = targets[item.id] if plan.critical else 0
            answers.append((item.id, str(_code_near(definition, item, target))))
        else:
            health = _clamp(plan.health + rng.gauss(0, ITEM_NOISE), 0.0, 1.0)
            answers.append((item.id, str(_code_for_health(definition, item, health))))
    return answers
