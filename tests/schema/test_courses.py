"""Stored courses: judged by the scale library's rules, summed per episode, always current.

WHO-5's reliable change is 23.6 points: 40 → 72 (+32) is reliably better, 72 → 40 reliably
worse, 40 → 60 (+20) neither. EPDS turns around: lower is better.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from hecht.scales.facts import library_facts
from hecht.scales.library import LibraryEntry, ScaleLibrary
from hecht.scales.model import Change
from hecht.schema.courses import ensure_rules, judge
from hecht.schema.plain import of_session
from hecht.schema.services.signals import ClientInCare, SignalKind, SignalThresholds, signals_for
from hecht.schema.summaries import rebuild_summaries
from hecht.schema.tables import EpisodeCourse, ScoreSummary

SEPT, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 20)
WHO5_40, WHO5_60, WHO5_72 = "2,2,2,2,2", "3,3,3,3,3", "4,4,3,3,4"


def courses(session) -> dict[str, int | None]:
    return {s.scale_id: s.course for s in session.exec(select(ScoreSummary))}


def sums(session) -> list[tuple]:
    rows = session.exec(select(EpisodeCourse)).all()
    return sorted((r.client_id, r.judged, r.improved, r.deteriorated) for r in rows)


def with_who5_reliable_change(library: ScaleLibrary, points: float) -> ScaleLibrary:
    """The built-in library, but WHO-5 judged with another published reliable change."""
    changed = ScaleLibrary(dict(library.entries), list(library.refused))
    key = ("who5", "1")
    entry = changed.entries[key]
    definition = entry.definition.model_copy(update={"change": Change(reliable_change=points)})
    changed.entries[key] = LibraryEntry(definition, entry.origin, entry.path)
    return changed


def read_signals(practice, library, episode):
    client = ClientInCare(1, episode, SEPT, visits=4, open_alerts=0, drafts=0)
    found = signals_for(
        plain=of_session(practice.session), facts=library_facts(library), clients=[client],
        today=NOV, thresholds=SignalThresholds(),
    )  # fmt: skip
    return [signal.kind for signal in found.get(1, [])]


def test_a_rule_judges_towards_better_in_either_direction():
    assert judge((1.0, 23.6), 40, 72, 2) == 1
    assert judge((1.0, 23.6), 72, 40, 2) == -1
    assert judge((1.0, 23.6), 40, 60, 3) == 0
    assert judge((-1.0, 4.0), 15, 9, 2) == 1  # EPDS: lower is better
    assert judge((1.0, 23.6), 40, 72, 1) is None  # one valid total shows no change
    assert judge(None, 40, 72, 2) is None  # a scale without a rule is not judged


def test_courses_are_judged_once_the_librarys_rules_are_stored(practice):
    episode = practice.episode(practice.client("A"), SEPT)
    for answers, day in [(WHO5_40, SEPT), (WHO5_72, NOV)]:
        practice.scale("A", "who5", answers, day, episode)
    practice.scale("A", "csi4", "5,4,4,4", SEPT, episode)
    practice.scale("A", "csi4", "3,3,2,2", NOV, episode)
    assert courses(practice.session) == {"who5": None, "csi4": None}  # no rules stored yet
    ensure_rules(of_session(practice.session), library_facts(practice.library))
    assert courses(practice.session) == {"who5": 1, "csi4": None}  # CSI-4 has no parameters
    assert sums(practice.session) == [(1, 1, 1, 0)]


def test_a_new_score_is_judged_by_the_stored_rule_and_summed_at_once(practice):
    episode = practice.episode(practice.client("A"), SEPT)
    ensure_rules(of_session(practice.session), library_facts(practice.library))
    practice.scale("A", "who5", WHO5_72, SEPT, episode)
    assert sums(practice.session) == [(1, 0, 0, 0)]
    practice.scale("A", "who5", WHO5_40, NOV, episode)
    assert courses(practice.session) == {"who5": -1}
    assert sums(practice.session) == [(1, 1, 0, 1)]
    before = (courses(practice.session), sums(practice.session))
    rebuild_summaries(practice.session)
    assert (courses(practice.session), sums(practice.session)) == before


def test_when_the_rules_change_the_next_read_judges_every_course_again(practice):
    episode = practice.episode(practice.client("A"), SEPT)
    practice.scale("A", "who5", WHO5_40, SEPT, episode)
    practice.scale("A", "who5", WHO5_60, NOV, episode)  # +20: short of 23.6
    assert read_signals(practice, practice.library, episode) == [SignalKind.NOT_ON_TRACK]
    lenient = with_who5_reliable_change(practice.library, 10)
    assert read_signals(practice, lenient, episode) == []  # +20 is reliable by 10
    assert courses(practice.session) == {"who5": 1}
    assert read_signals(practice, practice.library, episode) == [SignalKind.NOT_ON_TRACK]
    assert courses(practice.session) == {"who5": 0}
