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
from hecht.schema.db.plain import of_session
from hecht.schema.services.caseload import CaseloadRow
from hecht.schema.services.signals import SignalKind, SignalThresholds, signals_for
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
    client = CaseloadRow(
        client_id=1, code="A", name=None, couple_id=None, partner_id=None, partner_code=None,
        episode_lineage_id=episode, episode_started=SEPT, week=None, last_visit=None, visits=4,
        open_alerts=0, drafts=0,
    )  # fmt: skip
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


def test_every_reliable_change_path_gives_the_same_verdict_for_the_same_pairs():
    """scales.change.compare (reports, trajectories), courses.judge and the SQL that judges the
    stored courses (signals) must agree on every pair, the boundaries included."""
    import sqlite3

    from hecht.scales.change import ChangeDirection, compare
    from hecht.scales.library import load_library
    from hecht.schema.courses import rules_of
    from hecht.schema.db.plain import PlainConnection

    library = load_library(None)
    facts = library_facts(library)
    rules = rules_of(facts)
    assert {"who5", "epds", "phq9", "gad7", "core10"} <= set(rules)
    pairs = []
    for scale_id in rules:
        limit = facts[scale_id].reliable_difference  # criterion x Sdiff: reliable from here on
        assert limit is not None
        edges = (limit, limit * (1 - 1e-7), limit * (1 + 1e-7))
        for pre in (0.0, 7.5, 12.0, 40.0):
            for difference in (*(k / 2 for k in range(-60, 61)), *edges, *(-e for e in edges)):
                pairs.append((scale_id, pre, pre + difference))
    connection = sqlite3.connect(":memory:")
    connection.executescript(
        """CREATE TABLE courserule (scale_id TEXT, sign REAL, step REAL);
        CREATE TABLE scoresummary (id INTEGER PRIMARY KEY, scale_id TEXT, valid_count INTEGER,
            first_total REAL, last_total REAL, course INTEGER, client_id INTEGER,
            episode_lineage_id INTEGER, last_completed_at TEXT);
        CREATE TABLE episodecourse (client_id INTEGER, episode_lineage_id INTEGER,
            judged INTEGER, improved INTEGER, deteriorated INTEGER, last_completed_at TEXT);"""
    )
    connection.executemany(
        "INSERT INTO scoresummary (id, scale_id, valid_count, first_total, last_total, client_id)"
        " VALUES (?, ?, 2, ?, ?, 1)",
        [(number, *pair) for number, pair in enumerate(pairs)],
    )
    ensure_rules(PlainConnection(connection, "sqlite"), facts)
    in_sql = dict(connection.execute("SELECT id, course FROM scoresummary"))
    verdict = {ChangeDirection.IMPROVED: 1, ChangeDirection.DETERIORATED: -1}
    disagreements = []
    for number, (scale_id, pre, post) in enumerate(pairs):
        result = compare(library.get(scale_id), pre, post)
        compared = verdict.get(result.direction, 0) if result.reliable else 0
        judged = judge(rules[scale_id], pre, post, 2)
        if not compared == judged == in_sql[number]:
            disagreements.append((scale_id, pre, post, compared, judged, in_sql[number]))
    assert not disagreements, disagreements[:10]
