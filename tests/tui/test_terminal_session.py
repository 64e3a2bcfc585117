"""A whole session in a real terminal, typed in bursts: no key is lost, nothing unsaved shows.

Each test starts the installed ``hecht`` in its own tmux server and types as a fast typist (or a
paste) does: every burst goes to the terminal in one write, with no pause between its keys, right
after the key that opens a form or a screen. The database is then read through the services.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hecht.schema.context import Actor
from hecht.schema.db.database import open_database
from hecht.schema.services import administrations, alerts, clients, episodes, visits
from hecht.schema.services.trajectories import client_trajectory
from hecht.tui.screens.caseload import NAME_WIDTH
from tests.conftest import in_practice_file as read
from tests.schema.conftest import Practice

from .conftest import LIBRARY
from .terminal import TMUX, Started, Terminal, eventually, field_shows, practitioner_env

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")

ACTOR = Actor(user_id=None, access_point="test")
TODAY = date.today()


def practice_file(url: str, *codes: str, couple: bool = False) -> None:
    """A practice file with these clients, each (or the couple) in an episode since today."""
    with Practice.at(url, ACTOR) as practice:
        for code in codes:
            practice.client(code)
        if couple:
            practice.couple(codes[0], codes[1], TODAY, due_date=date(2027, 3, 1))
        else:
            for code in codes:
                practice.episode(code, TODAY)


@pytest.fixture
def practice(practice_copy):
    """``practice(folder, *codes, couple=False)``: a copy of such a practice file in the folder."""

    def copy(folder: Path, *codes: str, couple: bool = False) -> Path:
        return practice_copy(folder, practice_file, *codes, couple=couple)

    return copy


def terminal(tmp_path: Path, language: str = "en", width: int = 120, height: int = 36) -> Terminal:
    return Terminal(practitioner_env(tmp_path, language), width, height)


@pytest.fixture
def opened(tmp_path):
    """A running ``hecht`` on a practice, closed after the test."""
    started = Started()

    def start(path: Path, **options) -> Terminal:
        return started.on(terminal(tmp_path, **options), path)

    yield start
    started.close_all()


def test_a_new_client_typed_in_one_burst_after_ctrl_n_is_stored_whole(tmp_path, practice, opened):
    path = practice(tmp_path, "K0")
    shown = opened(path)
    shown.wait_for("K0")
    for number in range(1, 6):
        shown.burst("C-n", f"K{number}", "Tab", f"Anna de Wit {number}", "Tab", "1990", "Enter")
    every = lambda s: clients.find_clients(session=s, actor=ACTOR)  # noqa: E731
    eventually(lambda: len(read(path, every)) == 6, "five clients registered")
    shown.wait_for("No signals for K5")  # the client just registered is highlighted
    found = read(path, every)
    assert {(c.code, c.name, c.birth_year) for c in found if c.code != "K0"} == {
        (f"K{n}", f"Anna de Wit {n}", 1990) for n in range(1, 6)
    }


def test_a_whole_visit_typed_ahead_stores_every_answer_and_the_note(tmp_path, practice, opened):
    path = practice(tmp_path, "MOM", "DAD", couple=True)
    shown = opened(path)
    shown.wait_for("MOM")
    # open the dossier, start a visit (the intake battery), and key in every scale at once
    intake = ["who5", "rses", "csi4", "epds", "gad7", "csi4"]  # MOM's, then DAD's csi4
    answers = {
        "who5": "43210",
        "rses": "0123012301",
        "csi4": "3333",
        "epds": "0000000003",  # item 10: 3 is "never", no alert
        "gad7": "0000000",
    }
    keys = ["MOM", "Enter", "v", "Enter"]
    for scale in intake:
        keys += [*answers[scale], "Enter"]  # one key per item, Enter confirms the review
    shown.burst(*keys)
    shown.wait_for("Session note")
    shown.burst("Slept badly; worried about the birth.", "Tab", "sleep, fear", "C-s")
    shown.wait_for("The note is saved")
    done = read(path, lambda s: client_trajectory(session=s, actor=ACTOR, code="MOM"))
    assert sorted(p.scale_id for p in done) == sorted(set(intake))
    partner = read(path, lambda s: client_trajectory(session=s, actor=ACTOR, code="DAD"))
    assert [p.scale_id for p in partner] == ["csi4"]
    (episode,) = read(
        path, lambda s: episodes.episodes_for_client(session=s, actor=ACTOR, code="MOM")
    )
    (visit,) = read(
        path,
        lambda s: visits.visits_in_episode(
            session=s, actor=ACTOR, episode_lineage_id=episode.lineage_id
        ),
    )
    note = "Slept badly; worried about the birth."
    assert (visit.note, visit.themes) == (note, ["sleep", "fear"])
    assert all(p.visit_lineage_id == visit.lineage_id for p in [*done, *partner])


NAME = "Ann [/b] de [B2] Wit [@click=app.quit]q[/]"
NOTE = "Said: [link=https://example.org]click[/link] and [/] then [bold]"


def test_brackets_in_a_name_and_a_note_are_shown_as_written_on_every_screen(
    tmp_path, practice, opened
):
    from hecht.schema.inputs import ClientChanges

    path = practice(tmp_path, "K1")
    with Practice.at(f"sqlite:///{path}", ACTOR) as built:
        clients.change_client(
            session=built.session, actor=ACTOR, code="K1", changes=ClientChanges(name=NAME)
        )
        built.visit(built.episode_of("K1"), ["K1"], TODAY, note=NOTE, themes=["[b]sleep"])
    shown = opened(path)
    # the caseload opens and shows the name as written (cut with an ellipsis to its column)
    shown.wait_for(NAME[: NAME_WIDTH - 1] + "…")
    shown.burst("K1", "Enter")
    shown.wait_for_all(["K1 · " + NAME, "Said: [link=https://example.org]click[/link]"])
    shown.burst("Enter")  # the visit, its note whole
    shown.wait_for_all([NOTE, "[b]sleep"])
    shown.burst("Escape")
    shown.wait_for("Visits and scales")
    shown.burst("Escape")
    shown.wait_for("No signals for K1")
    shown.burst("F6")  # supervision: codes only, and still no markup read
    shown.wait_for("clients in care")
    assert NAME not in shown.screen()
    shown.burst("Escape", "C-q")
    assert shown.exit_status() == 0


@pytest.mark.parametrize(
    "clients_typed",
    [pytest.param(5, id="ten-bursts"), pytest.param(25, id="fifty-bursts", marks=pytest.mark.long)],
)
def test_bursts_across_forms_screens_and_scales_lose_no_key(
    tmp_path, practice, opened, clients_typed
):
    """Each client is two bursts; the everyday suite types ten, the long group fifty."""
    path = practice(tmp_path, "K0")
    shown = opened(path)
    shown.wait_for("K0")
    bursts = 0
    for number in range(1, clients_typed + 1):
        code = f"T{number:02}"
        # register, open, start an episode (n, Ctrl+S keeps today's start), key in a WHO-5
        shown.burst("C-n", code, "Tab", f"Typist {number}", "Enter")
        shown.burst("Enter", "n", "C-s", "e", "who", "Enter", *"43210", "Enter", "Escape")
        bursts += 2
        shown.wait_for(f"No signals for {code}")
    assert bursts == 2 * clients_typed
    last_code = f"T{clients_typed:02}"
    last = lambda s: client_trajectory(session=s, actor=ACTOR, code=last_code)  # noqa: E731
    eventually(lambda: read(path, last) != [], "the last WHO-5 is completed")
    every = read(path, lambda s: clients.find_clients(session=s, actor=ACTOR))
    assert {c.code: c.name for c in every if c.code != "K0"} == {
        f"T{n:02}": f"Typist {n}" for n in range(1, clients_typed + 1)
    }
    for number in range(1, clients_typed + 1):
        of = lambda s, code=f"T{number:02}": client_trajectory(session=s, actor=ACTOR, code=code)  # noqa: E731
        points = read(path, of)
        assert [(p.scale_id, p.total) for p in points] == [("who5", (4 + 3 + 2 + 1 + 0) * 4)]


def first_start(tmp_path: Path) -> tuple[Path, Terminal]:
    """A terminal for a first start: a config folder that names nobody yet, and English."""
    config = tmp_path / "fresh-config"
    env = {"HECHT_CONFIG": str(config), "HECHT_CACHE": str(tmp_path / "c"), "HECHT_LANG": "en"}
    return config, Terminal(env)


def test_the_first_start_asks_the_practitioners_name_and_every_record_names_them(
    tmp_path, practice
):
    from sqlalchemy import text

    path = practice(tmp_path, "K0")
    config, shown = first_start(tmp_path)
    try:
        shown.start("--db", str(path))
        shown.wait_for("Welcome to Hecht")
        shown.burst("Escape")  # the name cannot be waved away
        shown.wait_for("Your name is needed")
        shown.burst("Anna de Vries", "Enter", "C-n", "K1", "Tab", "Mira", "Enter")
        eventually(
            lambda: len(read(path, lambda s: clients.find_clients(session=s, actor=ACTOR))) == 2,
            "K1 stored",
        )
    finally:
        shown.close()
    assert 'practitioner = "Anna de Vries"' in (config / "config.toml").read_text(encoding="utf-8")
    engine = open_database(f"sqlite:///{path}")
    with engine.connect() as connection:
        named = (
            connection.execute(
                text(
                    "SELECT p.name FROM auditevent a JOIN practitioner p ON p.id = a.user_id "
                    "WHERE a.client_code = 'K1'"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert named and set(named) == {"Anna de Vries"}


def test_paper_form_alert_correction_and_discard_in_dutch_at_80_by_24(tmp_path, practice, opened):
    path = practice(tmp_path, "K1")
    shown = opened(path, language="nl", width=80, height=24)
    shown.wait_for("K1")
    # a paper EPDS whose item 10 is positive: the alert comes before the review
    shown.burst("K1", "Enter", "e", "epds", "Enter", "F2", "1111111112", "Enter")
    shown.wait_for("SIGNAAL")
    shown.burst("Enter", "veiligheidsplan met partner gemaakt", "Enter")
    shown.wait_for("Overzicht EPDS")
    shown.burst("Enter")
    shown.wait_for("Bezoeken en vragenlijsten")
    # read it back and correct item 3 (Enter on the newest record opens it)
    shown.burst("Enter")
    shown.wait_for("overgetypt van papier")
    shown.burst("c", "Down", "Down", "9")
    shown.wait_for("'9' is hier geen antwoord")  # the refused key is quoted (it was '')
    shown.burst("0", "C-s")
    shown.wait_for("Waarom worden deze antwoorden gecorrigeerd?")
    shown.burst("tikfout op papier", "Enter")
    shown.wait_for("Gecorrigeerd")
    # the history says what changed, whole within 80 columns (its right border shows)
    shown.burst("h")
    shown.wait_for("item 3: 1 → 0")
    assert any(line.rstrip().endswith("╮") for line in shown.screen().splitlines())
    shown.burst("Escape")
    shown.wait_for("c Corrigeren")
    # a draft started by mistake is discarded with a reason
    shown.burst("Escape")
    shown.wait_for("Bezoeken en vragenlijsten")
    shown.burst("e", "who", "Enter", "4", "4", "Escape")
    shown.wait_for("concept WHO-5")
    shown.burst("d")
    shown.wait_for("weggooien: waarom?")
    shown.burst("verkeerde cliënt", "Enter")
    shown.wait_for("weggegooid")
    history = read(
        path,
        lambda s: administrations.administration_history(
            session=s, actor=ACTOR,
            lineage_id=client_trajectory(session=s, actor=ACTOR, code="K1")[0].lineage_id,
        ),
    )  # fmt: skip
    assert [(v.version, v.mode, v.change_reason) for v in history] == [
        (1, "paper", None),
        (2, "paper", "tikfout op papier"),
    ]
    assert [a.code for a in history[-1].answers][:3] == [1, 1, 0]
    (alert,) = read(path, lambda s: alerts.client_alerts(session=s, actor=ACTOR, code="K1"))
    assert (alert.actions, alert.action_note) == (
        ["discussed"],
        "veiligheidsplan met partner gemaakt",
    )
    assert (
        read(path, lambda s: administrations.open_drafts(session=s, actor=ACTOR, code="K1")) == []
    )


def test_a_couple_and_its_episode_typed_ahead_and_a_visit_abandoned_leaves_nothing(
    tmp_path, practice, opened
):
    path = practice(tmp_path, "MOM", "DAD")
    shown = opened(path)
    shown.wait_for("DAD")
    shown.burst("C-o", "MOM", "Tab", "DAD", "Enter")
    eventually(
        lambda: (
            read(path, lambda s: clients.partner_of(s, clients.client_row(s, "MOM").id)) is not None
        ),
        "the couple is stored",
    )
    # a visit started and left at once: no answer, no note, nothing stored
    shown.burst("MOM", "Enter", "v", "Enter", "Escape", "Down", "Down", "Enter")  # stop it
    shown.wait_for("Nothing was typed for this visit")
    (episode,) = [
        e
        for e in read(
            path, lambda s: episodes.episodes_for_client(session=s, actor=ACTOR, code="MOM")
        )
        if e.client_id is not None
    ]
    stored = read(
        path,
        lambda s: visits.visits_in_episode(
            session=s, actor=ACTOR, episode_lineage_id=episode.lineage_id
        ),
    )
    assert stored == []
    assert read(path, lambda s: administrations.open_drafts(session=s, actor=ACTOR)) == []


def test_a_note_is_read_whole_and_corrected_as_a_new_version_with_its_reason(
    tmp_path, practice, opened
):
    path = practice(tmp_path, "K1")
    first = "Slept badly. " + "Worried about the birth and the days after it. " * 4
    with Practice.at(f"sqlite:///{path}", ACTOR) as built:
        visit = built.visit(built.episode_of("K1"), ["K1"], TODAY, note=first)
    shown = opened(path)
    shown.wait_for("K1")
    shown.burst("K1", "Enter", "Enter")  # the dossier, then its newest record: the visit
    shown.wait_for("the days after it.")  # the last words of the note: shown whole
    shown.burst("e", " Better after the breathing exercise.", "Tab", "sleep", "Tab", "completed")
    shown.burst("C-s")
    shown.wait_for("The note is saved")
    versions = read(
        path, lambda s: visits.visit_history(session=s, actor=ACTOR, lineage_id=visit.lineage_id)
    )
    assert [(v.version, v.change_reason) for v in versions] == [(1, None), (2, "completed")]
    assert versions[-1].note == first.strip() + " Better after the breathing exercise."
    assert versions[-1].themes == ["sleep"]


@pytest.mark.parametrize("first", ["Slept badly.", None], ids=["corrected", "first note"])
def test_a_note_changed_elsewhere_meanwhile_keeps_the_text_typed_here_to_save_over_it(
    tmp_path, practice, opened, first
):
    path = practice(tmp_path, "K1")
    with Practice.at(f"sqlite:///{path}", ACTOR) as built:
        visit = built.visit(built.episode_of("K1"), ["K1"], TODAY, note=first)
    shown = opened(path)
    shown.wait_for("K1")
    shown.burst("K1", "Enter", "Enter")  # the dossier, then its newest record: the visit
    shown.wait_for("Retract")  # the visit's own keys
    shown.burst("e", " Calmer today.")
    shown.wait_for("Calmer today.")
    # meanwhile a colleague, at another workstation, writes the visit's note
    read(path, lambda s: visits.correct_visit(
        session=s, actor=ACTOR, lineage_id=visit.lineage_id,
        changes={"note": "Colleague's words."}, reason="from the group session",
    ))  # fmt: skip
    if first is not None:
        shown.burst("Tab", "Tab", "mine completed", "C-s")  # themes, then the reason
    else:
        shown.burst("C-s")
    shown.wait_for_all(["someone changed this note after you opened it", "Calmer today."])
    if first is None:  # now a correction of theirs: it asks why, as any correction does
        shown.wait_for("Why is the note changed?")
        shown.burst("Tab", "Tab", "mine completed")
    shown.burst("C-s")
    shown.wait_for("The note is saved")
    versions = read(
        path, lambda s: visits.visit_history(session=s, actor=ACTOR, lineage_id=visit.lineage_id)
    )
    assert [v.change_reason for v in versions] == [None, "from the group session", "mine completed"]
    assert versions[1].note == "Colleague's words."  # theirs, kept in the history
    assert versions[-1].note == ((first or "") + " Calmer today.").strip()


def test_a_visit_entered_in_error_is_retracted_after_its_scale_each_with_a_reason(
    tmp_path, practice, opened
):
    path = practice(tmp_path, "K2")
    with Practice.at(f"sqlite:///{path}", ACTOR, LIBRARY) as built:
        visit = built.visit(built.episode_of("K2"), ["K2"], TODAY)
        built.administer("K2", "who5", "3,3,3,3,3", visit_lineage_id=visit.lineage_id)
    history = lambda s: visits.visit_history(session=s, actor=ACTOR, lineage_id=visit.lineage_id)  # noqa: E731
    shown = opened(path)
    shown.wait_for("K2")
    # the dossier's newest record is the visit: retracting it while it holds a scale is refused
    shown.burst("K2", "Enter", "Enter", "x", "wrong client", "Enter")
    shown.wait_for("This visit still holds scales")
    assert [v.record_status for v in read(path, history)] == ["complete"]
    # back to the dossier, the scale under the visit: retracted with its reason
    shown.burst("Escape", "Down", "Enter", "x", "wrong client", "Enter")
    shown.wait_for("Retracted: it leaves the lists")
    shown.burst("Enter", "x", "wrong client, the visit too", "Enter")
    shown.wait_for("Retracted: the visit")
    assert [(v.record_status, v.change_reason) for v in read(path, history)] == [
        ("complete", None),
        ("retracted", "wrong client, the visit too"),
    ]
    listed = lambda: "visit ·" not in shown.screen() and "WHO-5" not in shown.screen()  # noqa: E731
    eventually(listed, "the dossier lists neither the visit nor its scale")


def test_retracting_a_form_with_a_critical_answer_withdraws_its_alert_from_every_list(
    tmp_path, practice, opened
):
    path = practice(tmp_path, "K2")
    answers = {str(item): "2" if item == 9 else "0" for item in range(1, 10)}  # not item 10
    with Practice.at(f"sqlite:///{path}", ACTOR, LIBRARY) as built:
        built.administer("K2", "phq9", answers)
    every_alert = lambda s: alerts.client_alerts(session=s, actor=ACTOR, code="K2")  # noqa: E731
    shown = opened(path)
    shown.wait_for("open alert")  # the caseload's signal line
    # the dossier's newest record is the PHQ-9: retracted as entered for the wrong client
    shown.burst("K2", "Enter")
    shown.wait_for("open (a: acknowledge)")
    shown.burst("Enter", "x", "entered for the wrong client", "Enter")
    shown.wait_for("Retracted: it leaves the lists")
    shown.burst("Escape")
    eventually(lambda: "PHQ-9" not in shown.screen(), "the dossier lists neither form nor alert")
    (alert,) = read(path, every_alert)
    assert (alert.actions, alert.action_note) == (
        ["form_retracted"],
        "entered for the wrong client",
    )
    shown.burst("Escape")
    eventually(lambda: "No signals" in shown.screen(), "the caseload signals nothing for K2")


def test_a_critical_answer_typed_over_before_the_review_asks_for_no_alert_and_withdraws_it(
    tmp_path, practice, opened
):
    path = practice(tmp_path, "K2")
    shown = opened(path)
    shown.wait_for("K2")
    # a PHQ-9 whose item 9 is typed as 2, then Backspace and 0 over it, then item 10: the review
    shown.burst("K2", "Enter", "e", "phq9", "Enter", *"000000002", "Backspace", "0", "0")
    shown.wait_for("Enter completes and scores")
    assert "ALERT" not in shown.screen()
    shown.burst("Enter")
    done = lambda s: client_trajectory(session=s, actor=ACTOR, code="K2")  # noqa: E731
    eventually(lambda: len(read(path, done)) == 1, "the PHQ-9 completed")
    every_alert = lambda s: alerts.client_alerts(session=s, actor=ACTOR, code="K2")  # noqa: E731
    (alert,) = read(path, every_alert)
    assert alert.actions == ["answer_changed"]


def a_mother_after_the_birth(url: str) -> None:
    """K1, the mother, in an episode whose baby was born three weeks ago."""
    from datetime import timedelta

    from hecht.scales.perinatal import ParentRole

    born = TODAY - timedelta(weeks=3)
    with Practice.at(url, ACTOR) as practice:
        practice.client("K1", ParentRole.MOTHER)
        practice.episode(
            "K1", born - timedelta(weeks=8), due_date=born + timedelta(days=4), birth_date=born
        )


def test_an_antenatal_scale_keyed_in_after_the_birth_says_so_above_its_items_and_is_stored(
    tmp_path, practice_copy, opened
):
    path = practice_copy(tmp_path, a_mother_after_the_birth)
    shown = opened(path)
    shown.wait_for("K1")
    # the dossier, the picker, the MAAS, and its first answer typed in the same burst
    shown.burst("K1", "Enter", "e", "maas", "Enter", "3")
    shown.wait_for("MAAS is written for use in pregnancy")
    shown.wait_for("Item 2 of 19")
    drafts = lambda s: administrations.open_drafts(session=s, actor=ACTOR, code="K1")  # noqa: E731
    (draft,) = read(path, drafts)
    assert draft.scale_id == "maas" and [a.item_id for a in draft.answers] == ["1"]


def test_a_fear_of_birth_scale_typed_in_one_burst_stores_both_lines(tmp_path, practice, opened):
    path = practice(tmp_path, "K1")
    shown = opened(path)
    shown.wait_for("K1")
    # the dossier, the scale picker, then the two lines as digits and Enter: 101 is refused
    # (off the 0-100 line) and the same line is asked again, then 40 and 58, then the review
    shown.burst("K1", "Enter", "e", "fobs", "Enter", *"101", "Enter", *"40", "Enter")
    shown.burst(*"58", "Enter", "Enter")
    done = lambda s: client_trajectory(session=s, actor=ACTOR, code="K1")  # noqa: E731
    eventually(lambda: len(read(path, done)) == 1, "the FOBS completed")
    (point,) = read(path, done)
    assert (point.scale_id, point.total, point.valid) == ("fobs", 49, True)
    stored = read(
        path,
        lambda s: administrations.administration_history(
            session=s, actor=ACTOR, lineage_id=point.lineage_id
        )[-1],
    )
    assert {answer.item_id: answer.code for answer in stored.answers} == {"1": 40, "2": 58}


def test_at_80_by_24_a_refused_date_out_of_sight_is_brought_into_view_and_digits_alone_do(
    tmp_path, practice, opened
):
    path = practice(tmp_path, "K1")
    shown = opened(path, language="nl", width=80, height=24)
    shown.wait_for("K1")
    shown.burst("C-n", "NEW-1", "Enter")
    shown.wait_for("Geen signalen voor NEW-1")
    # the episode form is taller than 24 lines: a wrong due date (31 February), then down to the
    # last reason and Ctrl+S there; the refusal beside the date must come into view
    shown.burst("NEW-1", "Enter", "n", "31022027", *["Tab"] * 3, "Space", *["Tab"] * 8, "C-s")
    shown.wait_for("31022027 is geen dag van de kalender")
    # the cursor is back in the date field: typed over, as eight digits, it is taken
    shown.burst("C-u", "15032027", "C-s")
    shown.wait_for("Bezoeken en vragenlijsten")
    (episode,) = read(
        path, lambda s: episodes.episodes_for_client(session=s, actor=ACTOR, code="NEW-1")
    )
    assert (episode.due_date, episode.referral_reasons) == (
        date(2027, 3, 15),
        ["fear_of_childbirth"],
    )


def test_the_scale_catalogue_takes_keys_typed_right_after_f4_in_dutch_at_80_by_24(
    tmp_path, practice, opened
):
    path = practice(tmp_path, "K1")
    shown = opened(path, language="nl", width=80, height=24)
    shown.wait_for("K1")
    # F4 and the arrows in one burst: the third scale (CSI-4) is shown, its facts in Dutch
    shown.burst("F4", "Down", "Down")
    shown.wait_for("CSI-4 — Couples Satisfaction Index, 4 items")
    shown.wait_for("Domein: Relatie")
    shown.burst("Escape")
    shown.wait_for("Geen signalen voor K1")


def test_a_couples_intake_in_pregnancy_asks_the_maas_of_the_mother_and_the_paas_of_her_partner(
    tmp_path,
):
    """Referred for doubts about the parent role: each parent gets the scale written for them
    (and neither the PRFQ, which is for after the birth), person by person; each scale is left
    for the next (leaving a scale stores nothing)."""
    from hecht.schema.tables import ParentRole, ReferralReason

    path = tmp_path / "practice.db"
    with Practice.at(f"sqlite:///{path}", ACTOR) as practice:
        practice.client("MOM", ParentRole.MOTHER)
        practice.client("DAD", ParentRole.PARTNER)
        practice.couple(
            "MOM", "DAD", TODAY, due_date=date(TODAY.year + 1, 3, 1),
            referral_reasons=[ReferralReason.PARENT_ROLE],
        )  # fmt: skip
    shown = terminal(tmp_path)
    (tmp_path / "config" / "config.toml").write_text(
        'practitioner = "Test Psycholoog"\n[protocols]\nintake = []\n', encoding="utf-8"
    )
    asked: list[str] = []
    try:
        shown.start("--db", str(path))
        shown.wait_for("MOM")
        shown.burst("MOM", "Enter", "v", "Enter")
        for left in range(7, -1, -1):  # each scale's entry (its title changes), left for the next
            screen = shown.wait_for(lambda now: entry_title(now) not in ("", *asked[-1:]))
            asked.append(entry_title(screen))
            shown.burst("Escape")  # leave the scale (an Escape and Enter in one write would be
            if left:  # read as Alt+Enter by any terminal); "next scale" is the first choice
                shown.wait_for("How does the visit go on?")
                shown.burst("Enter")
        shown.wait_for("Session note · MOM")  # after the last scale: the visit's note
    finally:
        shown.close()
    assert asked == [
        "EPDS · MOM", "WHO-5 · MOM", "CSI-4 · MOM", "MAAS · MOM",
        "EPDS · DAD", "WHO-5 · DAD", "CSI-4 · DAD", "PAAS · DAD",
    ]  # fmt: skip


def entry_title(screen: str) -> str:
    """The scale and the person an entry screen is for ("EPDS · MOM"), or "" on another screen:
    its title, above "Item 1 of …", reads "EPDS — Edinburgh Postnatal … · MOM · filled in
    5 Dec 2026" (wrapped when long)."""
    import re

    above, item, _ = screen.partition("Item ")
    found = re.search(r"(\S+) — .* · (\S+) · filled in ", " ".join(above.split()))
    return "" if found is None or not item else f"{found[1]} · {found[2]}"


def test_a_role_typed_in_the_client_form_in_dutch_is_stored_and_a_wrong_one_refused_beside_it(
    tmp_path, practice, opened
):
    """The role decides which parent a scale written for one of them is asked of: typed in
    the new-client form in a burst (moeder; vader is the partner), refused when it names
    neither ("man" could be read either way), and shown in the user's words when corrected."""
    path = practice(tmp_path, "K0")
    shown = opened(path, language="nl", width=80, height=24)
    shown.wait_for("K0")
    to_role = ["Tab"] * 3  # from the birth year past language and contact to the role
    shown.burst("C-n", "MOM", "Tab", "Mia", "Tab", "1992", *to_role, "Moeder", "Enter")
    shown.wait_for("Geen signalen voor MOM")
    shown.burst("C-n", "DAD", "Tab", "Daan", "Tab", "1990", *to_role, "man", "Enter")
    shown.wait_for("Typ moeder of partner (een vader is de partner), of laat het leeg.")
    shown.burst("C-u", "vader", "Enter")
    shown.wait_for("Geen signalen voor DAD")
    roles = lambda s: {c.code: c.role for c in clients.find_clients(session=s, actor=ACTOR)}  # noqa: E731
    assert read(path, roles) == {"K0": None, "MOM": "mother", "DAD": "partner"}
    shown.burst("MOM", "Enter")
    shown.wait_for("MOM · Mia (1992) · moeder")  # the dossier's head names the role
    shown.burst("c")  # correct the client: her role, in Dutch
    shown.wait_for("Cliënt MOM corrigeren")
    shown.burst(*["Tab"] * 4)  # down to the role, in sight with its value
    shown.wait_for(lambda screen: field_shows(screen, "moeder"))


def test_a_code_registered_again_in_another_case_is_refused_beside_it_and_not_stored(
    tmp_path, practice, opened
):
    """MOM-01 and mom-01 are one code: the second registration, typed in a burst, is refused
    beside the code, naming the code as it was registered, and nothing more is stored; the
    code typed in any case finds the one client."""
    path = practice(tmp_path, "K0")
    shown = opened(path)
    shown.wait_for("K0")
    shown.burst("C-n", "MOM-01", "Tab", "Mia", "Enter")
    shown.wait_for("No signals for MOM-01")
    shown.burst("C-n", "mom-01", "Tab", "Other", "Enter")
    shown.wait_for_all(  # beside the code, on two lines
        ["code MOM-01 is already in use (codes are the same whatever their", "case): choose"]
    )
    codes = lambda s: sorted(c.code for c in clients.find_clients(session=s, actor=ACTOR))  # noqa: E731
    assert read(path, codes) == ["K0", "MOM-01"]
    shown.burst("Escape")  # alone: an Escape followed at once by a letter is Alt+letter
    shown.wait_for(lambda screen: "Code (the pseudonym" not in screen)
    shown.burst("mom-01", "Enter")  # the caseload's filter, then the one client it shows
    shown.wait_for("MOM-01 · Mia")


def test_a_name_typed_before_the_first_starts_name_form_is_there_goes_into_it(tmp_path, practice):
    """The first start opens the database, then asks the name: keys typed meanwhile (a new
    client's Ctrl+N, the name itself) wait for the form instead of reaching the caseload
    behind it, where a client could be registered before anyone is named."""
    path = practice(tmp_path, "K0")
    config, shown = first_start(tmp_path)
    try:
        shown.start("--db", str(path))
        shown.wait_for("Opening the database")  # the caseload's first frame, before the form
        shown.burst("C-n", "Anna de Vries", "Enter")
        shown.wait_for("K0")  # the rows, once the name is given
        eventually(lambda: (config / "config.toml").exists(), "the name saved")
        assert "Code (the pseudonym used everywhere)" not in shown.screen()  # no client form
    finally:
        shown.close()
    assert 'practitioner = "Anna de Vries"' in (config / "config.toml").read_text(encoding="utf-8")
    assert [c.code for c in read(path, lambda s: clients.find_clients(session=s, actor=ACTOR))] == [
        "K0"
    ]
