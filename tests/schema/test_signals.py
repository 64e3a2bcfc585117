"""Caseload signals: each one against a hand-worked history (today is 24 November 2026).

WHO-5 totals are raw × 4; its reliable change is 23.6 points (criterion 1.96, so Sdiff is
23.6 / 1.96 = 12.0408), so 40 → 72 (+32) is a reliable improvement and 48 → 60 (+12) is not.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hecht.scales.library import LibraryEntry, ScaleLibrary
from hecht.scales.model import Change
from hecht.schema.services import clients, episodes, signals
from hecht.schema.services.caseload import caseload
from hecht.schema.services.signals import SignalKind, SignalThresholds

SEPT, OCT20, NOV20 = date(2026, 9, 1), date(2026, 10, 20), date(2026, 11, 20)
WHO5_40, WHO5_48, WHO5_60, WHO5_72 = "2,2,2,2,2", "3,3,2,2,2", "3,3,3,3,3", "4,4,3,3,4"


def rows(practice, library=None, thresholds=None):
    found = caseload(
        session=practice.session,
        actor=practice.actor,
        library=library or practice.library,
        thresholds=thresholds,
    )
    return {row.code: row for row in found}


def kinds(row):
    return [signal.kind for signal in row.signals]


def solo(practice, code, totals, visits=1, started=SEPT):
    """A client with one episode, some visits and WHO-5 totals on the given days."""
    episode = practice.episode(practice.client(code), started)
    practice.visits(episode, [code], *[SEPT + timedelta(weeks=n) for n in range(visits)])
    for answers, day in totals:
        practice.scale(code, "who5", answers, day, episode)
    return episode


def test_a_reliable_improvement_raises_no_signal(practice):
    solo(practice, "UP", [(WHO5_40, SEPT), (WHO5_72, NOV20)], visits=5)
    assert kinds(rows(practice)["UP"]) == []


def test_reliable_deterioration_since_baseline_is_signalled_with_its_figures(practice):
    solo(practice, "DOWN", [(WHO5_72, SEPT), (WHO5_60, OCT20), (WHO5_40, NOV20)], visits=2)
    [signal] = rows(practice)["DOWN"].signals
    assert (signal.kind, signal.scale_id) == (SignalKind.DETERIORATED, "who5")
    assert (signal.detail["baseline"], signal.detail["latest"]) == (72, 40)
    assert signal.detail["rci"] == pytest.approx(-32 / (23.6 / 1.96))


@pytest.mark.parametrize("few", [signals.FEW, 0], ids=["episodes-looked-up", "all-read"])
def test_a_decline_in_a_closed_episode_is_no_signal_in_the_next(practice, monkeypatch, few):
    # a large practice reads every episode's course at once: the earlier episode is among them
    monkeypatch.setattr(signals, "FEW", few)
    first = solo(practice, "AGAIN", [(WHO5_72, SEPT), (WHO5_40, OCT20)])
    episodes.close_episode(
        session=practice.session, actor=practice.actor, lineage_id=first, ended_on=OCT20
    )
    practice.episode("AGAIN", NOV20)  # nothing completed yet: nothing to judge
    assert kinds(rows(practice)["AGAIN"]) == []


def test_no_reliable_improvement_after_four_visits_is_not_on_track(practice):
    solo(practice, "STUCK", [(WHO5_48, SEPT), (WHO5_60, NOV20)], visits=4)
    [signal] = rows(practice)["STUCK"].signals
    assert signal.kind is SignalKind.NOT_ON_TRACK
    assert signal.detail == {"visits": 4, "threshold": 4}


def test_not_on_track_waits_for_the_configured_number_of_visits(practice):
    solo(practice, "STUCK", [(WHO5_48, SEPT), (WHO5_60, NOV20)], visits=4)
    assert kinds(rows(practice, thresholds=SignalThresholds(not_on_track_visits=5))["STUCK"]) == []


def test_one_administration_cannot_show_change_so_no_change_signal(practice):
    solo(practice, "ONCE", [(WHO5_40, NOV20)], visits=6)
    assert kinds(rows(practice)["ONCE"]) == []


def test_no_administration_for_three_weeks_is_overdue(practice):
    solo(practice, "QUIET", [(WHO5_48, OCT20)])  # 35 days before today: 5 whole weeks
    [signal] = rows(practice)["QUIET"].signals
    assert signal.kind is SignalKind.OVERDUE
    assert signal.detail == {"weeks": 5, "threshold": 3, "never": False}
    assert kinds(rows(practice, thresholds=SignalThresholds(overdue_weeks=6))["QUIET"]) == []


def test_an_episode_without_any_administration_is_overdue_from_its_start(practice):
    practice.episode(practice.client("NEVER"), date(2026, 10, 1))  # 54 days: 7 weeks
    practice.episode(practice.client("FRESH"), date(2026, 11, 10))  # 14 days: 2 weeks
    found = rows(practice)
    assert [(s.kind, s.detail["weeks"], s.detail["never"]) for s in found["NEVER"].signals] == [
        (SignalKind.OVERDUE, 7, True)
    ]
    assert kinds(found["FRESH"]) == []


def test_open_alerts_and_drafts_are_signals_first_and_last(practice):
    episode = solo(practice, "RISK", [(WHO5_72, SEPT), (WHO5_40, NOV20)])
    practice.scale("RISK", "epds", "0,0,0,0,0,0,0,0,0,2", NOV20, episode)  # item 10: alert
    practice.draft("RISK", "who5", {}, episode=episode)
    row = rows(practice)["RISK"]
    assert kinds(row) == [SignalKind.OPEN_ALERT, SignalKind.DETERIORATED, SignalKind.DRAFT]
    assert row.signals[0].detail == {"count": 1}


def with_csi4_reliable_change(library: ScaleLibrary, points: float) -> ScaleLibrary:
    """The built-in library with CSI-4 given a (made-up, test-only) reliable change."""
    entries = dict(library.entries)
    for key, entry in library.entries.items():
        if key[0] == "csi4":
            change = Change(reliable_change=points)
            definition = entry.definition.model_copy(update={"change": change})
            entries[key] = LibraryEntry(definition, entry.origin, entry.path)
    return ScaleLibrary(entries=entries)


def couple_in_care(practice):
    episode = practice.couple(practice.client("P1"), practice.client("P2"), SEPT)
    practice.visits(episode, ["P1", "P2"], NOV20)
    assert practice.scale("P1", "csi4", "5,4,4,4", NOV20, episode) == 17
    assert practice.scale("P2", "csi4", "3,3,2,2", NOV20, episode) == 10


def test_partners_further_apart_than_the_reliable_difference_are_both_signalled(practice):
    couple_in_care(practice)
    found = rows(practice, library=with_csi4_reliable_change(practice.library, 5))
    [mine], [theirs] = found["P1"].signals, found["P2"].signals
    assert (mine.kind, mine.scale_id) == (SignalKind.PARTNER_DISCREPANCY, "csi4")
    assert mine.detail["partner"] == "P2"
    assert (mine.detail["own"], mine.detail["partner_total"], mine.detail["difference"]) == (
        17,
        10,
        7,
    )
    assert mine.detail["reliable_difference"] == pytest.approx(5)
    assert theirs.detail["difference"] == -7


def test_a_couple_not_yet_in_an_episode_leaves_the_other_couples_signals_intact(practice):
    # a couple registered without an episode has partners but no episode to compare them in
    couple_in_care(practice)
    clients.create_couple(
        session=practice.session,
        actor=practice.actor,
        first_code=practice.client("Q1"),
        second_code=practice.client("Q2"),
    )
    found = rows(practice, library=with_csi4_reliable_change(practice.library, 5))
    assert [s.kind for s in found["P1"].signals] == [SignalKind.PARTNER_DISCREPANCY]
    assert kinds(found["Q1"]) == kinds(found["Q2"]) == []


@pytest.mark.parametrize(("points", "signalled"), [(7, True), (7.001, False)])
def test_partners_the_chart_flags_are_the_partners_the_caseload_signals(
    practice, points, signalled
):
    # 17 and 10 at one visit: a difference of exactly the reliable difference counts, as a
    # reliable change of that size does; the chart and the caseload ask the one rule
    from hecht.scales.series import Observation, discrepancies

    couple_in_care(practice)
    library = with_csi4_reliable_change(practice.library, points)
    found = rows(practice, library=library)
    visit = [Observation(NOV20, 17, visit=1)], [Observation(NOV20, 10, visit=1)]
    (shown,) = discrepancies(library.get("csi4"), *visit)
    assert shown.flagged is signalled
    assert (kinds(found["P1"]) == [SignalKind.PARTNER_DISCREPANCY]) is signalled


def test_partners_within_the_reliable_difference_are_not_signalled(practice):
    couple_in_care(practice)
    found = rows(practice, library=with_csi4_reliable_change(practice.library, 8))
    assert kinds(found["P1"]) == kinds(found["P2"]) == []


def test_a_relationship_scale_without_change_parameters_never_calls_partners_discrepant(practice):
    couple_in_care(practice)  # built-in CSI-4 has no verified reliable change
    found = rows(practice)
    assert kinds(found["P1"]) == kinds(found["P2"]) == []


def test_clients_rank_by_their_most_urgent_signal():
    from hecht.schema.services.signals import Signal, urgency

    alert = [Signal(SignalKind.DRAFT), Signal(SignalKind.OPEN_ALERT)]
    stuck = [Signal(SignalKind.NOT_ON_TRACK)]
    assert urgency(alert) < urgency(stuck) < urgency([])
