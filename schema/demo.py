"""Provides a synthetic demo practice: two years of perinatal care, built through the services."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from hecht.scales.answers import item_score
from hecht.scales.library import ScaleLibrary
from hecht.scales.model import Direction, Item, ScaleDefinition
from hecht.schema.context import Actor
from hecht.schema.database import unit_of_work
from hecht.schema.inputs import NewAdministration, NewClient, NewEpisode, NewVisit
from hecht.schema.readmodels import AlertRead
from hecht.schema.services import administrations, alerts, clients, episodes, visits
from hecht.schema.services.alerts import AlertAction
from hecht.schema.tables import EntryMode, ReferralReason, VisitMode

EPISODES = 114
"""As many dossiers as the study in the practice analysed by hand."""
DAYS_BACK = 730
COUPLE_SHARE = 1 / 3
ACCESS_POINT = "demo:generator"
PRACTITIONER = "Demo-psycholoog"

EVERY_VISIT = ("who5", "csi4")
BATTERY = ("rses", "epds", "gad7")
"""Measured at intake and at the last visit only."""
OFFSETS = {"who5": 0.0, "csi4": 0.0, "rses": 0.15, "epds": 0.12, "gad7": 0.08}
"""How much healthier each scale reads than the latent level: calibrates totals to the clinic."""
ADMINISTRATION_NOISE, ITEM_NOISE, MISSING_SHARE = 0.04, 0.12, 0.015

REASON_WEIGHTS = {
    ReferralReason.FEAR_OF_CHILDBIRTH: 26,
    ReferralReason.FEAR_OF_PARENTHOOD: 12,
    ReferralReason.TRAUMATIC_BIRTH: 12,
    ReferralReason.STILLBIRTH: 2,
    ReferralReason.LOSS_OR_GRIEF: 8,
    ReferralReason.PARENT_ROLE: 12,
    ReferralReason.RELATIONSHIP_PROBLEMS: 18,
    ReferralReason.OTHER: 6,
}
POSTNATAL_SHARE = {
    ReferralReason.FEAR_OF_CHILDBIRTH: 0.05,
    ReferralReason.FEAR_OF_PARENTHOOD: 0.15,
    ReferralReason.TRAUMATIC_BIRTH: 1.0,
    ReferralReason.STILLBIRTH: 1.0,
    ReferralReason.LOSS_OR_GRIEF: 0.4,
    ReferralReason.PARENT_ROLE: 0.85,
    ReferralReason.RELATIONSHIP_PROBLEMS: 0.5,
    ReferralReason.OTHER: 0.5,
}
REFERRAL_TEXT = {
    ReferralReason.FEAR_OF_CHILDBIRTH: "Veel angst voor de komende bevalling.",
    ReferralReason.FEAR_OF_PARENTHOOD: "Zorgen en twijfels over het ouderschap.",
    ReferralReason.TRAUMATIC_BIRTH: "Bevalling als traumatisch ervaren.",
    ReferralReason.STILLBIRTH: "Kindje stil geboren; begeleiding bij rouw gevraagd.",
    ReferralReason.LOSS_OR_GRIEF: "Verlies tijdens een eerdere zwangerschap.",
    ReferralReason.PARENT_ROLE: "Worstelt met de nieuwe rol als ouder.",
    ReferralReason.RELATIONSHIP_PROBLEMS: "Spanningen in de relatie sinds de zwangerschap.",
    ReferralReason.OTHER: "Somberheid en spanning rond de zwangerschap.",
}
REFERRERS = {"verloskundige": 60, "huisarts": 20, "gynaecoloog": 12, "kraamverzorgende": 8}

FEMALE = ("Anna", "Sanne", "Lotte", "Fleur", "Eva", "Lisa", "Iris", "Femke", "Noor", "Marloes")
FEMALE += ("Inge", "Esther", "Naomi", "Yara", "Sophie", "Laura", "Maaike", "Anouk", "Romy")
MALE = ("Daan", "Bram", "Thijs", "Jeroen", "Ruben", "Sander", "Tim", "Joost", "Niels", "Mark")
MALE += ("Luuk", "Stijn", "Wouter", "Koen", "Jesse", "Milan")
SURNAMES = ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer")
SURNAMES += ("Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker")
SURNAMES += ("Brouwer", "de Wit", "Dijkstra", "Kok", "Verhoeven", "van den Berg", "Willems")

THEMES = {
    ReferralReason.FEAR_OF_CHILDBIRTH: ("bevallingsangst", "controle", "geboorteplan"),
    ReferralReason.FEAR_OF_PARENTHOOD: ("ouderschap", "verwachtingen", "zelfbeeld"),
    ReferralReason.TRAUMATIC_BIRTH: ("bevallingservaring", "herbeleving", "veiligheid"),
    ReferralReason.STILLBIRTH: ("rouw", "verlies", "herinneringen"),
    ReferralReason.LOSS_OR_GRIEF: ("rouw", "verlies", "nieuwe zwangerschap"),
    ReferralReason.PARENT_ROLE: ("ouderrol", "hechting", "draagkracht"),
    ReferralReason.RELATIONSHIP_PROBLEMS: ("relatie", "communicatie", "taakverdeling"),
    ReferralReason.OTHER: ("spanning", "slaap", "zelfzorg"),
}
GENERAL_THEMES = ("steunsysteem", "slaap", "zelfzorg", "hechting", "spanning")
SENTENCES = {
    "bevallingsangst": "Angst rond de bevalling in kaart gebracht; psycho-educatie gegeven.",
    "controle": "Besproken wat helpt om grip te houden als de spanning oploopt.",
    "geboorteplan": "Wensen voor de bevalling op een rij gezet voor de verloskundige.",
    "ouderschap": "Verwachtingen van het ouderschap verkend.",
    "verwachtingen": "Hoge eisen aan zichzelf besproken en bijgesteld.",
    "zelfbeeld": "Kritische gedachten over zichzelf onderzocht en milder verwoord.",
    "bevallingservaring": "Het verhaal van de bevalling stap voor stap doorgenomen.",
    "herbeleving": "Herbelevingen en triggers besproken; stabilisatie geoefend.",
    "veiligheid": "Besproken wat een gevoel van veiligheid geeft, thuis en bij controles.",
    "rouw": "Ruimte gegeven aan verdriet; rouw komt in golven.",
    "verlies": "Stilgestaan bij het verlies en wat het betekent.",
    "herinneringen": "Manieren gezocht om herinneringen een plek te geven.",
    "nieuwe zwangerschap": "Hoop en angst rond de nieuwe zwangerschap naast elkaar gezet.",
    "ouderrol": "De eigen invulling van de ouderrol besproken.",
    "hechting": "Contact met de baby besproken aan de hand van recente voorbeelden.",
    "draagkracht": "Balans tussen draagkracht en draaglast in kaart gebracht.",
    "relatie": "Besproken hoe de relatie op dit moment wordt ervaren.",
    "communicatie": "Geoefend met luisteren en samenvatten voordat er gereageerd wordt.",
    "taakverdeling": "Afspraken over taakverdeling en nachtelijke zorg besproken.",
    "spanning": "Spanningsklachten besproken; ademhalingsoefening meegegeven.",
    "slaap": "Slaap en rustmomenten besproken.",
    "zelfzorg": "Kleine momenten van zelfzorg afgesproken.",
    "steunsysteem": "Nagegaan wie in de omgeving steun kan bieden.",
}
INTAKE_NOTE = "Intake: hulpvraag verkend en doelen opgesteld."
CLOSING_NOTE = "Afsluiting: doelen geëvalueerd en terugvalpreventie besproken."
ACKNOWLEDGEMENTS = (
    (AlertAction.DISCUSSED, "Besproken; geen plannen, belt bij toename van de gedachten.", 30),
    (AlertAction.NO_RISK_ON_ASSESSMENT, "Doorgevraagd: passieve gedachten, geen acuut risico.", 30),
    (AlertAction.SAFETY_PLAN, "Veiligheidsplan opgesteld, samen met de partner.", 20),
    (AlertAction.GP_INFORMED, "Met toestemming de huisarts geïnformeerd.", 10),
    (AlertAction.MIDWIFE_INFORMED, "Verloskundige geïnformeerd; extra controle gepland.", 8),
    (AlertAction.CRISIS_SERVICE, "Crisisdienst geconsulteerd; dezelfde dag beoordeeld.", 2),
)
CLOSE_REASONS = {
    "improve": "behandeling afgerond",
    "flat": "afgerond in overleg",
    "worse": "verwezen naar specialistische ggz",
}
COURSE_KINDS = {"improve": 70, "flat": 18, "worse": 12}
T = TypeVar("T")
HOURS = (8, 9, 10, 11, 13, 14, 15)
"""Session slots (UTC): one client or couple an hour."""


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


@dataclass
class AdministrationPlan:
    """One scale to fill in: how healthy the answers read, and what happens to it."""

    person: Person
    scale_id: str
    mode: EntryMode
    health: float
    missing: bool = False
    critical: bool = False
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
    starts = sorted(today - timedelta(days=rng.randint(42, DAYS_BACK)) for _ in range(count))
    couples = set(rng.sample(range(count), round(count * COUPLE_SHARE)))
    reasons = list(ReferralReason)[:count]  # each reason once, where there are enough episodes
    forced = dict(zip(rng.sample(range(count), len(reasons)), reasons, strict=True))
    busy: set[datetime] = set()
    plans: list[EpisodePlan] = []
    for number, start in enumerate(starts):
        reasons = _reasons(rng, number in couples, forced.get(number))
        first_code = 1 + sum(len(plan.people) for plan in plans)
        people, kind = _people(rng, first_code, number in couples, reasons)
        plans.append(_plan_episode(rng, number, start, people, reasons, kind, today, busy))
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
    people = [_person(rng, first_code, mother, year, language, _courses(rng, kind, troubled))]
    if couple:
        year = min(2002, max(1983, year + rng.randint(-2, 4)))
        partner_female = rng.random() < 0.12
        courses = _courses(rng, kind, troubled, partner=True)
        people.append(_person(rng, first_code + 1, partner_female, year, language, courses))
    return people, kind


def _person(
    rng: random.Random,
    number: int,
    female: bool,
    year: int,
    language: str,
    courses: tuple[Course, Course],
) -> Person:
    name = f"{rng.choice(FEMALE if female else MALE)} {rng.choice(SURNAMES)}"
    return Person(f"C{number:03d}", name, year, language, *courses)


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


def _plan_episode(
    rng: random.Random,
    number: int,
    start: date,
    people: list[Person],
    reasons: list[ReferralReason],
    kind: str,
    today: date,
    busy: set[datetime],
) -> EpisodePlan:
    """Plan one episode: dates around the pregnancy, the visits so far, and its closing."""
    planned = round(rng.triangular(3, 15, 4))
    days = _visit_days(rng, start, planned)
    last_day = today - timedelta(days=1)
    if days[2] > last_day:  # every episode has had at least three visits
        shift = timedelta(weeks=math.ceil((days[2] - last_day).days / 7))
        start, days = start - shift, [day - shift for day in days]
    opened = _at(start, 7, 30 + rng.randint(0, 25))
    due, birth, known = _birth(rng, start, reasons[0], last_day)
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
    mode = _pick(rng, modes)
    pool = [theme for reason in episode.reasons for theme in THEMES[reason]]
    themes = list(dict.fromkeys(rng.sample(pool, min(2, len(pool))) + [rng.choice(GENERAL_THEMES)]))
    themes = themes[: rng.randint(1, 3)]
    opening = [INTAKE_NOTE] if first else [CLOSING_NOTE] if last else []
    note = " ".join(opening + [SENTENCES[theme] for theme in themes])
    visit = VisitPlan(at, people, mode, note, themes)
    progress = index / max(planned - 1, 1)
    scales = EVERY_VISIT + (BATTERY if first or last else ())
    spoken = mode in (VisitMode.VIDEO, VisitMode.PHONE)
    for scale_id in scales:
        for position, person in enumerate(people):
            interview = spoken or (scale_id == "who5" and position == 0)
            entry = EntryMode.INTERVIEW if interview else EntryMode.PAPER
            visit.administrations.append(
                _plan_administration(rng, person, scale_id, entry, progress)
            )
    visit.administrations.sort(key=lambda plan: plan.mode != EntryMode.INTERVIEW)
    return visit


def _plan_administration(
    rng: random.Random, person: Person, scale_id: str, mode: EntryMode, progress: float
) -> AdministrationPlan:
    """Fix how healthy the answers read; low levels sometimes bring a critical answer."""
    course = person.relationship if scale_id == "csi4" else person.wellbeing
    level = course.level(progress)
    health = _clamp(level + OFFSETS[scale_id] + rng.gauss(0, ADMINISTRATION_NOISE))
    plan = AdministrationPlan(person, scale_id, mode, health, rng.random() < MISSING_SHARE)
    plan.critical = rng.random() < (0.2 if level < 0.33 else 0.02)
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
        administration.critical = False


def _mark_alerts(rng: random.Random, plans: list[EpisodePlan], critical: list[str]) -> None:
    """Keep enough critical answers to show; acknowledge all but the latest three to five."""
    pairs = [(v, a) for v, a in _administrations(plans) if a.scale_id in critical]
    for _, administration in pairs:
        administration.critical = administration.critical and not administration.draft
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


# Storing: the plan replayed through the services, one unit of work per event.

Step = Callable[[Session], None]


class DemoBuilder:
    """Replays the plan in time order, with the clock at each event's simulated moment."""

    def __init__(
        self, engine: Engine, library: ScaleLibrary, rng: random.Random, actor: Actor
    ) -> None:
        self.engine, self.library, self.rng, self.actor = engine, library, rng, actor
        self.clock: SimulatedClock = actor.clock  # type: ignore[assignment]
        self.report = DemoReport()
        self.episode_ids: dict[int, int] = {}

    def run(self, plans: list[EpisodePlan]) -> DemoReport:
        """Store every planned event, oldest first, each in its own unit of work."""
        events: list[tuple[datetime, int, Step]] = []
        for plan in plans:
            events.append((plan.opened_at, len(events), partial(self.open_episode, plan)))
            for visit in plan.visits:
                events.append((visit.at, len(events), partial(self.visit, plan, visit)))
            if plan.birth_known_at is not None:
                events.append((plan.birth_known_at, len(events), partial(self.birth, plan)))
            if plan.closed_at is not None:
                events.append((plan.closed_at, len(events), partial(self.close, plan)))
        for moment, _, step in sorted(events, key=lambda event: event[:2]):
            self.clock.move_to(moment)
            with unit_of_work(self.engine) as session:
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
    return DemoBuilder(engine, library, rng, actor).run(plans)
