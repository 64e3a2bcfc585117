"""The real ``hecht enter`` with its real questionary prompts, in a terminal (a private tmux
server), keys sent in bursts; the database is checked through the services."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.services import administrations, alerts
from hecht.schema.services.trajectories import client_trajectory
from hecht.tui.views.formatting import formatter
from tests.schema.conftest import Practice

from .terminal import TMUX, Terminal

ACTOR = Actor(user_id=None, access_point="test")

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")


EPISODE_BEGAN = date(2026, 11, 1)


def one_client(url: str) -> None:
    """A1, in an episode since 1 November 2026."""
    with Practice.at(url, ACTOR) as practice:
        practice.episode(practice.client("A1"), EPISODE_BEGAN)


@pytest.fixture
def practice(tmp_path, practice_copy) -> Path:
    return practice_copy(tmp_path, one_client)


def enter_terminal(
    config, practice, tmp_path, language="en", size=(120, 40), named=True
) -> Terminal:
    if named:  # a practitioner who gave their name: `hecht enter` does not ask it
        (config / "config.toml").write_text('practitioner = "Test Psycholoog"\n', "utf-8")
    env = {
        "HECHT_CONFIG": str(config),
        "HECHT_CACHE": str(tmp_path / "cache"),
        "HECHT_LANG": language,
        "HECHT_DB": str(practice),
    }
    return Terminal(env, *size)


@pytest.fixture
def terminal(isolated_config, practice, tmp_path):
    made = enter_terminal(isolated_config, practice, tmp_path)
    yield made
    made.close()


def stored(practice: Path):
    engine = open_database(f"sqlite:///{practice}")
    with unit_of_work(engine) as session:
        points = client_trajectory(session=session, actor=ACTOR, code="A1")
        drafts = administrations.open_drafts(session=session, actor=ACTOR, code="A1")
        raised = alerts.client_alerts(session=session, actor=ACTOR, code="A1")
    engine.dispose()
    return points, drafts, raised


def test_a_who5_keyed_in_a_burst_is_stored_and_completed(terminal, practice):
    terminal.start("enter", "A1", "who5")
    terminal.wait_for("WHO-5 1/5")
    terminal.burst("5", "Enter", "4", "Enter", "-", "Enter", "3", "Enter", "3", "Enter")
    terminal.wait_for("Complete and store this score?")
    terminal.burst("y")
    assert terminal.exit_status() == 0
    shown = terminal.screen()
    assert "Saved and scored." in shown and "unexpected" not in shown
    (point,), drafts, _ = stored(practice)
    assert (point.scale_id, point.valid, drafts) == ("who5", False, [])  # one item missing


def test_a_paper_form_keyed_in_later_is_stored_on_the_day_date_names_and_said_before_it(
    isolated_config, practice, tmp_path
):
    filled_in = max(EPISODE_BEGAN, date.today() - timedelta(days=3))
    with enter_terminal(isolated_config, practice, tmp_path, "nl", (80, 24)) as terminal:
        terminal.start("enter", "A1", "who5", "--date", filled_in.strftime("%d-%m-%Y"))
        shown = terminal.wait_for("WHO-5 1/5")
        terminal.burst("5", "Enter", "4", "Enter", "3", "Enter", "3", "Enter", "2", "Enter")
        terminal.wait_for("Afronden en deze score opslaan? (J/n)")
        terminal.burst("j")
        assert terminal.exit_status() == 0
    assert f"Ingevuld op {formatter('nl').date(filled_in)}." in shown
    (point,), drafts, _ = stored(practice)
    assert (point.scale_id, point.total, drafts) == ("who5", 68, [])
    assert point.observed_at.astimezone().date() == filled_in


def test_in_dutch_the_yes_no_question_is_answered_with_j_for_ja(
    isolated_config, practice, tmp_path
):
    with enter_terminal(isolated_config, practice, tmp_path, "nl", (80, 24)) as terminal:
        terminal.start("enter", "A1", "who5")
        terminal.wait_for("WHO-5 1/5")
        assert "(sneltoets of pijltjes)" in terminal.wait_for("(sneltoets")
        terminal.burst("5", "Enter", "4", "Enter", "3", "Enter", "3", "Enter", "2", "Enter")
        terminal.wait_for("Afronden en deze score opslaan? (J/n)")
        terminal.burst("j")
        assert terminal.exit_status() == 0
        shown = terminal.screen()
    assert "opslaan? Ja" in shown and "Yes" not in shown and "Use shortcuts" not in shown
    (point,), drafts, _ = stored(practice)
    assert (point.scale_id, point.valid, point.total, drafts) == ("who5", True, 68, [])


EVERYDAY_SCALES = ("who5", "fobs", "maas")
"""One of each kind of first question (options, a number range, a scale written for one parent)
in the everyday suite; the sweep over the whole library runs in the long group."""


@pytest.mark.parametrize(
    "scale",
    [
        pytest.param(scale, marks=() if scale in EVERYDAY_SCALES else pytest.mark.long)
        for scale in (entry.definition.id for entry in load_library(None).latest())
    ],
)
def test_every_scale_opens_and_stopping_before_an_answer_stores_nothing(terminal, practice, scale):
    items = len(load_library(None).get(scale).items)
    terminal.start("enter", "A1", scale)
    terminal.wait_for(f" 1/{items} ")
    terminal.burst("C-c")
    assert terminal.exit_status() == 130
    shown = terminal.screen()
    assert "nothing was stored" in shown and "unexpected" not in shown
    assert stored(practice) == ([], [], [])


def test_ctrl_c_keeps_the_answers_so_far_as_a_draft_and_says_how_to_go_on(terminal, practice):
    terminal.start("enter", "A1", "gad7")
    terminal.wait_for("GAD-7 1/7")
    terminal.burst("1", "Enter", "2", "Enter")
    terminal.wait_for("GAD-7 3/7")
    terminal.burst("C-c")
    assert terminal.exit_status() == 130
    shown = terminal.screen()
    assert "The draft is kept" in shown and "hecht enter A1 gad7" in shown
    _, (draft,), _ = stored(practice)
    assert [answer.code for answer in draft.answers] == [1, 2]


def test_an_alert_is_acknowledged_with_several_actions_and_a_note_of_a_few_words(
    terminal, practice
):
    terminal.start("enter", "A1", "epds")
    terminal.wait_for("EPDS 1/10")
    terminal.burst(*("0", "Enter") * 9, "1", "Enter")  # item 10: thoughts of self-harm
    terminal.wait_for("Space marks each action")
    terminal.burst("Space", "Down", "Space", "Enter")  # discussed, safety plan
    terminal.wait_for("Say what was done")
    chosen = terminal.screen().replace("\n", "")  # the long question wraps
    assert "Discussed with the client, Safety plan agreed" in chosen
    assert "selections" not in chosen  # questionary's own English sum is not left on screen
    terminal.burst("ok", "Enter")
    terminal.wait_for("at least 3")
    terminal.burst("plan made with partner", "Enter")
    terminal.wait_for("Complete and store this score?")
    terminal.burst("y")
    assert terminal.exit_status() == 0
    (point,), _, (alert,) = stored(practice)
    assert point.scale_id == "epds"
    assert (alert.actions, alert.action_note) == (
        ["discussed", "safety_plan"],
        "plan made with partner",
    )


def test_in_dutch_the_actions_taken_on_an_alert_are_named_in_dutch_once_chosen(
    isolated_config, practice, tmp_path
):
    with enter_terminal(isolated_config, practice, tmp_path, "nl", (120, 30)) as terminal:
        terminal.start("enter", "A1", "epds")
        terminal.wait_for("EPDS 1/10")
        terminal.burst(*("0", "Enter") * 9, "1", "Enter")  # item 10: thoughts of self-harm
        terminal.wait_for("spatie vinkt elke genomen actie aan")
        terminal.burst("Space", "Down", "Space", "Enter")
        terminal.wait_for("Beschrijf wat er is gedaan")
        chosen = terminal.screen().replace("\n", "")  # the long question wraps
        terminal.burst("plan gemaakt met partner", "Enter")
        terminal.wait_for("Afronden en deze score opslaan?")
        terminal.burst("j")
        assert terminal.exit_status() == 0
    assert "Besproken met cliënt, Veiligheidsplan afgesproken" in chosen
    assert "selections" not in chosen and "done" not in chosen
    _, _, (alert,) = stored(practice)
    assert alert.actions == ["discussed", "safety_plan"]


def test_a_scale_that_asks_why_an_item_is_missing_asks_it_in_the_terminal(
    terminal, practice, isolated_config
):
    from tests.tui.test_missing_reason import write_asking_scale

    write_asking_scale(isolated_config / "scales")
    terminal.start("enter", "A1", "sleep3")
    terminal.wait_for(" 1/3 ")
    terminal.burst("-", "Enter")
    terminal.wait_for("Why is item 1 missing?")
    terminal.burst("asleep in the waiting room", "Enter", "1", "Enter", "2", "Enter")
    terminal.wait_for("Complete and store this score?")
    terminal.burst("n")
    assert terminal.exit_status() == 0
    _, (draft,), _ = stored(practice)
    answers = {answer.item_id: (answer.code, answer.missing_reason) for answer in draft.answers}
    assert answers == {"1": (None, "asleep in the waiting room"), "2": (1, None), "3": (2, None)}


def test_without_a_name_enter_asks_it_first_in_a_burst_and_the_answers_follow(
    isolated_config, practice, tmp_path
):
    with enter_terminal(
        isolated_config, practice, tmp_path, "nl", (80, 24), named=False
    ) as terminal:
        terminal.start("enter", "A1", "who5")
        terminal.wait_for("Uw naam")
        terminal.burst("Anna de Vries", "Enter", "5", "Enter", "4", "Enter")
        terminal.wait_for("WHO-5 3/5")
        terminal.burst("3", "Enter", "3", "Enter", "2", "Enter")
        terminal.wait_for("Afronden en deze score opslaan?")
        terminal.burst("j")
        assert terminal.exit_status() == 0
    saved = (isolated_config / "config.toml").read_text("utf-8")
    assert 'practitioner = "Anna de Vries"' in saved
    (point,), drafts, _ = stored(practice)
    assert (point.scale_id, point.total, drafts) == ("who5", 68, [])


def test_without_a_name_a_report_in_a_terminal_asks_it_once_and_logs_the_read_under_it(
    isolated_config, practice, tmp_path
):
    """Not only `hecht enter`: every command whose access is logged asks the name it logs."""
    import sqlite3

    with enter_terminal(
        isolated_config, practice, tmp_path, "en", (100, 30), named=False
    ) as terminal:
        terminal.start("caseload")
        terminal.wait_for("Your name")
        terminal.burst("Anna de Vries", "Enter")
        assert terminal.exit_status() == 0
        assert "A1" in terminal.everything()
        terminal.close()
        terminal.start("report", "client", "A1")  # the name is kept: not asked again
        assert terminal.exit_status() == 0
        shown = terminal.everything()
        assert "Your name" not in shown and "A1" in shown
    saved = (isolated_config / "config.toml").read_text("utf-8")
    assert 'practitioner = "Anna de Vries"' in saved
    with sqlite3.connect(practice) as connection:
        logged = connection.execute(
            "SELECT p.name FROM auditevent a LEFT JOIN practitioner p ON p.id = a.user_id "
            "WHERE a.access_point LIKE 'cli:%'"
        ).fetchall()
    connection.close()
    assert len(logged) >= 2 and {name for (name,) in logged} == {"Anna de Vries"}


@pytest.mark.parametrize("command", [("caseload",), ("enter", "A1", "who5")])
def test_without_a_name_a_missing_database_is_refused_before_the_name_is_asked(
    isolated_config, practice, tmp_path, command
):
    missing = tmp_path / "elsewhere.db"
    with enter_terminal(
        isolated_config, missing, tmp_path, "en", (100, 30), named=False
    ) as terminal:
        terminal.start(*command)
        assert terminal.exit_status() == 2
        shown = terminal.everything()
    assert f"hecht: there is no database at {missing}" in "".join(shown.splitlines())  # wrapped
    assert "Your name" not in shown
    assert not (isolated_config / "config.toml").exists()
    assert not missing.exists()
