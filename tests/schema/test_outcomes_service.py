"""Practice outcomes from stored totals: pairs per episode, subgroups, and missing data counted.

Three episodes with WHO-5 baseline and latest totals (percent): A 40 → 72, B 48 → 60,
C 72 → 40. Changes +32, +12, −32: mean change 4, SD of the changes √((28² + 8² + 36²) / 2) =
√1072 = 32.7414, d_z = 4 / 32.7414 = 0.1222. With reliable change 23.6 and cutoff 52: A
recovered (reliable, from below to above 52), B unchanged, C deteriorated.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from hecht.schema.services.outcomes import practice_outcomes

BASE, LATER = date(2026, 9, 1), date(2026, 11, 20)


def seed(practice):
    mother = practice.client("A", role="mother")
    partner = practice.client("B", role="partner")
    unknown = practice.client("C")
    a = practice.episode(
        mother, BASE, due_date=date(2027, 1, 10), referral_reasons=["fear_of_childbirth"]
    )
    b = practice.episode(
        partner, BASE, birth_date=date(2026, 8, 1), referral_reasons=["traumatic_birth"]
    )
    c = practice.episode(unknown, BASE, referral_reasons=["traumatic_birth", "parent_role"])
    for code, episode, pre, post in (
        ("A", a, "2,2,2,2,2", "4,4,3,3,4"),
        ("B", b, "3,3,2,2,2", "3,3,3,3,3"),
        ("C", c, "4,4,3,3,4", "2,2,2,2,2"),
    ):
        practice.scale(code, "who5", pre, BASE, episode)
        practice.scale(code, "who5", post, LATER, episode)
    practice.scale("A", "epds", "0,0,0,0,0,0,0,0,0,0", BASE, a)  # a baseline, no follow-up
    practice.scale("B", "csi4", "5,4,,4", BASE, b)  # a missing item: invalid total


def group(report, split, value):
    [found] = [g for g in report.groups if (g.split, g.value) == (split, value)]
    return {scale.scale_id: scale for scale in found.scales}, found


def test_pre_post_statistics_of_all_episodes_match_the_hand_worked_numbers(practice):
    seed(practice)
    report = practice_outcomes(
        session=practice.session, actor=practice.actor, library=practice.library
    )
    assert report.groups[0] is report.overall()
    scales, overall = group(report, "all", "all")
    assert overall.episodes == 3
    who5 = scales["who5"].outcome
    assert who5.n == 3
    assert (who5.mean_pre, who5.mean_post, who5.mean_change) == pytest.approx((160 / 3, 172 / 3, 4))
    assert who5.sd_change == pytest.approx(math.sqrt(1072))
    assert who5.d_z == pytest.approx(4 / math.sqrt(1072))
    assert dict(who5.categories) == {
        "recovered": 1,
        "improved": 0,
        "unchanged": 1,
        "deteriorated": 1,
    }


def test_unpaired_and_invalid_administrations_are_counted_not_dropped_silently(practice):
    seed(practice)
    report = practice_outcomes(
        session=practice.session, actor=practice.actor, library=practice.library
    )
    scales, _ = group(report, "all", "all")
    assert (scales["epds"].outcome.n, scales["epds"].baseline_only) == (0, 1)
    assert (scales["csi4"].outcome.n, scales["csi4"].invalid) == (0, 1)


def test_subgroups_split_by_reason_start_and_role(practice):
    seed(practice)
    report = practice_outcomes(
        session=practice.session, actor=practice.actor, library=practice.library
    )
    traumatic, found = group(report, "referral_reason", "traumatic_birth")
    assert found.episodes == 2
    assert traumatic["who5"].outcome.mean_change == pytest.approx((12 - 32) / 2)
    prenatal, _ = group(report, "start", "prenatal")
    postnatal, _ = group(report, "start", "postnatal")
    assert (prenatal["who5"].outcome.n, postnatal["who5"].outcome.n) == (2, 1)
    mothers, _ = group(report, "role", "mother")
    partners, _ = group(report, "role", "partner")
    unknown, _ = group(report, "role", "unknown")
    assert mothers["who5"].outcome.mean_change == 32
    assert partners["who5"].outcome.mean_change == 12
    assert unknown["who5"].outcome.mean_change == -32


def test_an_empty_practice_has_an_overall_group_without_scales(practice):
    report = practice_outcomes(
        session=practice.session, actor=practice.actor, library=practice.library
    )
    assert report.episodes == 0
    assert (report.overall().split, report.overall().scales) == ("all", [])


def test_each_group_counts_its_episodes_the_closed_ones_its_clients_and_those_with_a_pair(
    practice,
):
    """A couple's episode holds two clients, each with a pair of their own; the headers say
    so, so that a scale's n (pairs) is never read against a smaller number of episodes."""
    from hecht.schema.services.episodes import close_episode

    seed(practice)  # A, B and C: three episodes of one client each, all with a WHO-5 pair
    practice.client("M", role="mother")
    practice.client("P", role="partner")
    both = practice.couple("M", "P", BASE)
    practice.scale("M", "who5", "2,2,2,2,2", BASE, both)
    practice.scale("M", "who5", "3,3,3,3,3", LATER, both)
    practice.scale("P", "who5", "3,3,3,3,3", BASE, both)  # a baseline only
    close_episode(session=practice.session, actor=practice.actor, lineage_id=both, ended_on=LATER)
    report = practice_outcomes(
        session=practice.session, actor=practice.actor, library=practice.library
    )
    scales, overall = group(report, "all", "all")
    assert (overall.episodes, overall.closed, overall.clients, overall.paired) == (4, 1, 5, 4)
    assert scales["who5"].outcome.n == overall.paired
    _, mothers = group(report, "role", "mother")  # A, and M in the couple's episode
    assert (mothers.episodes, mothers.closed, mothers.clients, mothers.paired) == (2, 1, 2, 2)
    _, partners = group(report, "role", "partner")  # B, and P with a baseline only
    assert (partners.episodes, partners.closed, partners.clients, partners.paired) == (2, 1, 2, 1)
