"""A visit's battery: the phase's scales, then at intake and closing those for the referral."""

from __future__ import annotations

import msgspec

from hecht.scales.library import load_library
from hecht.tui.config import ByReason, Config, Protocols
from hecht.tui.views.visit_plan import Step, VisitKind, battery


def test_fear_of_childbirth_adds_fobs_epds_who5_and_csi4_for_both_partners_person_by_person():
    protocols = Protocols(intake=["who5", "csi4"])
    steps = battery(
        protocols, VisitKind.INTAKE, load_library(), "MOM", ["MOM", "DAD"], ["fear_of_childbirth"]
    )
    assert steps == [
        Step("who5", "MOM"),
        Step("csi4", "MOM"),
        Step("fobs", "MOM"),
        Step("epds", "MOM"),  # who5 and csi4 were asked of MOM in the intake battery already
        Step("csi4", "DAD"),
        Step("fobs", "DAD"),
        Step("epds", "DAD"),
        Step("who5", "DAD"),
    ]


def test_an_ordinary_visit_keeps_its_own_battery_whatever_the_referral():
    protocols = Protocols(visit=["who5"])
    steps = battery(
        protocols, VisitKind.VISIT, load_library(), "MOM", ["MOM"], ["fear_of_childbirth"]
    )
    assert steps == [Step("who5", "MOM")]


def test_a_reason_without_suggestions_and_unknown_scale_ids_add_nothing():
    suggested = ByReason(other=["nosuchscale"], stillbirth=[])
    protocols = Protocols(closing=["who5"], by_reason=suggested)
    steps = battery(
        protocols, VisitKind.CLOSING, load_library(), "K1", ["K1"], ["other", "stillbirth"]
    )
    assert steps == [Step("who5", "K1")]


def test_the_default_config_suggests_a_battery_for_every_reason_but_other():
    suggested = msgspec.structs.asdict(Config().protocols.by_reason)
    assert suggested["fear_of_childbirth"] == ["fobs", "epds", "who5", "csi4"]
    assert suggested["other"] == []
    library = load_library()
    for scale_ids in suggested.values():
        assert all(library.get(scale_id) for scale_id in scale_ids)
