"""A visit's battery: the phase's scales, then at intake and closing those for the referral."""

from __future__ import annotations

import msgspec

from hecht.scales.library import load_library
from hecht.scales.perinatal import Phase
from hecht.tui.config import ByReason, Config, Protocols
from hecht.tui.views.visit_plan import Moment, Step, VisitKind, battery, left_out

LIBRARY = load_library()


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


def test_after_the_birth_fear_of_childbirth_no_longer_asks_the_fear_of_the_approaching_birth():
    protocols = Protocols(intake=["who5"])
    after = Moment({"MOM": "mother", "DAD": "partner"}, Phase.POSTPARTUM)
    steps = battery(
        protocols, VisitKind.INTAKE, LIBRARY, "MOM", ["MOM", "DAD"], ["fear_of_childbirth"], after
    )
    assert "fobs" not in {step.scale_id for step in steps}
    partner = [step.scale_id for step in steps if step.client_code == "DAD"]
    assert partner == ["epds", "who5", "csi4"]


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


def doubts_about_parenthood(moment: Moment, attendees=("MOM", "DAD")) -> list[Step]:
    """The intake of a couple referred for doubts about the parent role (no own battery)."""
    protocols = Protocols(intake=[])
    return battery(
        protocols, VisitKind.INTAKE, LIBRARY, "MOM", list(attendees), ["parent_role"], moment
    )


def test_in_pregnancy_the_mother_gets_the_maas_and_her_partner_the_paas():
    moment = Moment({"MOM": "mother", "DAD": "partner"}, Phase.PREGNANT)
    steps = doubts_about_parenthood(moment)
    assert [step.scale_id for step in steps if step.client_code == "MOM"] == [
        "epds", "who5", "csi4", "maas",
    ]  # fmt: skip
    assert [step.scale_id for step in steps if step.client_code == "DAD"] == [
        "epds", "who5", "csi4", "paas",
    ]  # fmt: skip


def test_after_the_birth_the_antenatal_scales_give_way_to_the_prfq_for_both_parents():
    moment = Moment({"MOM": "mother", "DAD": "partner"}, Phase.POSTPARTUM)
    steps = doubts_about_parenthood(moment)
    for code in ("MOM", "DAD"):
        assert [step.scale_id for step in steps if step.client_code == code] == [
            "epds", "who5", "csi4", "prfq",
        ]  # fmt: skip


def test_what_is_not_recorded_excludes_nothing():
    """No role recorded, no due or birth date: every suggested scale stays, for the
    psychologist to leave out what does not fit (Escape on a scale stores nothing)."""
    steps = doubts_about_parenthood(Moment({"MOM": None, "DAD": "partner"}, None))
    mine = [step.scale_id for step in steps if step.client_code == "MOM"]
    partners = [step.scale_id for step in steps if step.client_code == "DAD"]
    assert mine == ["epds", "who5", "csi4", "maas", "paas", "prfq"]
    assert partners == ["epds", "who5", "csi4", "paas", "prfq"]


def test_a_scale_for_one_parent_in_the_phase_battery_follows_the_same_rule():
    protocols = Protocols(intake=["maas", "paas", "who5"])
    steps = battery(
        protocols, VisitKind.INTAKE, LIBRARY, "DAD", ["DAD"], [],
        Moment({"DAD": "partner"}, Phase.PREGNANT),
    )  # fmt: skip
    assert steps == [Step("paas", "DAD"), Step("who5", "DAD")]


def test_every_built_in_scale_written_for_one_parent_or_phase_says_which():
    definitions = [entry.definition for entry in LIBRARY.latest()]
    written_for = {
        definition.id: (definition.parent, definition.phase)
        for definition in definitions
        if definition.parent or definition.phase
    }
    assert written_for == {
        "fobs": (None, "pregnant"),  # about the approaching birth, asked of either parent
        "maas": ("mother", "pregnant"),
        "paas": ("partner", "pregnant"),
        "prfq": (None, "postpartum"),
    }


def test_a_scale_entered_on_its_own_for_another_parent_or_phase_is_said_not_refused():
    from datetime import date

    from hecht.tui.i18n import Messages
    from hecht.tui.views.visit_plan import moment_on

    maas, prfq, who5 = (LIBRARY.get(scale) for scale in ("maas", "prfq", "who5"))
    after_birth = Moment({"K1": "mother"}, Phase.POSTPARTUM)
    english, dutch = Messages("en"), Messages("nl")
    assert after_birth.caution(maas, "K1", "Mira", english) == (
        "MAAS is written for use in pregnancy; by the episode's dates Mira is now after the "
        "birth. Enter it only for a form filled in back then."
    )
    partner = Moment({"K2": "partner"}, Phase.PREGNANT)
    assert partner.caution(maas, "K2", "Bram", dutch).startswith(
        "MAAS is geschreven voor de moeder; Bram staat geregistreerd als partner."
    )
    assert after_birth.caution(prfq, "K1", "Mira", english) == ""
    assert after_birth.caution(who5, "K1", "Mira", english) == ""
    # no role and no dates recorded: nothing is known to be wrong, so nothing is said
    assert moment_on(date(2026, 12, 5), {"K3": None}, None).caution(maas, "K3", "K3", english) == ""


def test_a_scale_id_no_scale_has_is_named_with_the_setting_that_names_it():
    protocols = Protocols(
        intake=["who5", "epsd"], by_reason=ByReason(stillbirth=["pgs33", "pgs34"])
    )
    reasons = ["stillbirth"]
    assert left_out(protocols, VisitKind.INTAKE, LIBRARY, reasons) == [
        ("intake", "epsd"),
        ("by_reason.stillbirth", "pgs34"),
    ]
    assert left_out(protocols, VisitKind.VISIT, LIBRARY, reasons) == []  # intake and closing only
    steps = battery(protocols, VisitKind.INTAKE, LIBRARY, "MOM", ["MOM"], reasons)
    assert [step.scale_id for step in steps] == ["who5", "pgs33"]
