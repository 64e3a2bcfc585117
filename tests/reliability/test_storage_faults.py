"""The screens meet storage faults without losing anything (issue 11, point 6): an answer the
database refuses is shown "not saved" and never as answered, the review does not complete with
it, a note keeps its text, a client form keeps what was typed; each is stored when tried again.

The faults are real where they can be in-process: another process holds the database's write
lock (with a short busy timeout), or every commit fails as the driver reports a failing disk.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hecht.schema.db.engine import BUSY_TIMEOUT_OVERRIDE
from hecht.schema.services import administrations, clients, episodes, visits
from hecht.schema.services.trajectories import client_trajectory
from hecht.tui.config import Config
from hecht.tui.i18n import Messages
from hecht.tui.shell.launch import make_app
from tests.conftest import in_practice_file as read
from tests.schema.conftest import Practice
from tests.tui.conftest import caseload_shown, wait_until
from tests.tui.terminal import TMUX, Terminal, eventually

from .storage_faults import (
    disk_filled_under,
    failing_commits,
    faulty_start,
    held_database,
    refusing,
)
from .test_found_bugs import on, open_entry
from .world import ACTOR, build_practice, private_world

HELD_REASON = "another program holds the database"
REASONS = {
    "io": "the disk reported an error while writing",
    "disk_full": "the disk is full",
    "read_only": "cannot be written; check their permissions",
    "locked": HELD_REASON,
}
"""What the screen says for each fault (``storage.*`` in the English catalogue)."""
FAULTS = pytest.mark.parametrize("fault", REASONS)
ALL_REASONS = {**REASONS, "held": HELD_REASON}
"""The faults simulated in-process, and a database really held by another process."""
ALL_FAULTS = pytest.mark.parametrize("fault", ALL_REASONS)


@pytest.fixture
def practice(tmp_path: Path, monkeypatch, practice_copy) -> Path:
    """A practice with client K1 in care; a held database is given up on after 300 ms."""
    monkeypatch.setenv(BUSY_TIMEOUT_OVERRIDE, "300")
    return practice_copy(tmp_path, build_practice, ["K1"])


def app_on(path: Path):
    return make_app(f"sqlite:///{path}", Messages("en"), Config(practitioner="Test Practitioner"))


def drafts(path: Path) -> list[tuple[str, int]]:
    """Each open draft of K1: its scale and how many answers it holds."""
    found = read(path, lambda s: administrations.open_drafts(session=s, actor=ACTOR, code="K1"))
    return [(draft.scale_id, len(draft.answers)) for draft in found]


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def answered(app) -> int:
    return app.screen.state.answered


@FAULTS
async def test_an_answer_the_database_refuses_is_shown_not_saved_and_stored_when_typed_again(
    practice, fault
):
    app = app_on(practice)
    with failing_commits(fault) as failing:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_entry(pilot, "K1", "who")
            failing.on = True
            await pilot.press("3")
            await wait_until(pilot, lambda: "Not saved" in shown(app, "#entry-hint"), "the refusal")
            assert REASONS[fault] in shown(app, "#entry-hint")
            assert answered(app) == 0 and "1 of 5" in shown(app, "#entry-position")
            assert "(now" not in shown(app, "#entry-label")  # never shown as answered
            failing.on = False  # (the test's own reads commit too)
            assert drafts(practice) == []
            await pilot.press("3")
            await wait_until(pilot, lambda: answered(app) == 1, "the answer stored")
            assert "Not saved" not in shown(app, "#entry-hint")
            assert "2 of 5" in shown(app, "#entry-position")
    assert drafts(practice) == [("who5", 1)]


async def test_an_answer_meeting_a_held_database_is_shown_not_saved_then_stored(practice):
    app = app_on(practice)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_entry(pilot, "K1", "who")
        await pilot.press("3")
        await wait_until(pilot, lambda: answered(app) == 1, "the first answer stored")
        with held_database(practice):
            await pilot.press("4")
            await wait_until(pilot, lambda: "Not saved" in shown(app, "#entry-hint"), "the refusal")
            assert HELD_REASON in shown(app, "#entry-hint") and answered(app) == 1
        await pilot.press("4")
        await wait_until(pilot, lambda: answered(app) == 2, "the answer stored once it is let go")
    assert drafts(practice) == [("who5", 2)]


@FAULTS
async def test_the_review_does_not_complete_when_the_database_refuses_and_keeps_the_draft(
    practice, fault
):
    app = app_on(practice)
    with failing_commits(fault) as failing:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_entry(pilot, "K1", "who")
            await pilot.press(*"43210")
            await wait_until(pilot, on(app, "ReviewScreen"), "the review")
            failing.on = True
            await pilot.press("enter")
            await wait_until(
                pilot, lambda: "Not completed" in shown(app, "#review-hint"), "refusal"
            )
            assert REASONS[fault] in shown(app, "#review-hint") and on(app, "ReviewScreen")()
            failing.on = False
            assert drafts(practice) == [("who5", 5)]
            await pilot.press("enter")
            await wait_until(pilot, lambda: not on(app, "ReviewScreen")(), "the review completed")
    assert drafts(practice) == []
    points = read(practice, lambda s: client_trajectory(session=s, actor=ACTOR, code="K1"))
    assert [(point.scale_id, point.total) for point in points] == [("who5", 40)]


@pytest.fixture
def visit(practice) -> int:
    """A visit of K1 today, without a note yet; its lineage."""

    with Practice.at(f"sqlite:///{practice}", ACTOR) as built:
        return built.visit(built.episode_of("K1"), ["K1"], date.today()).lineage_id


def stored_note(path: Path, lineage: int) -> str | None:
    def note(session):
        (episode,) = episodes.episodes_for_client(session=session, actor=ACTOR, code="K1")
        found = visits.visits_in_episode(
            session=session, actor=ACTOR, episode_lineage_id=episode.lineage_id
        )
        return next(v.note for v in found if v.lineage_id == lineage)

    return read(path, note)


@ALL_FAULTS
async def test_a_note_the_database_refuses_keeps_its_text_and_is_saved_when_tried_again(
    practice, visit, fault
):
    from hecht.tui.screens.note import NoteScreen

    app = app_on(practice)
    async with app.run_test(size=(100, 30)) as pilot:
        with refusing(practice, fault) as refused:
            await caseload_shown(pilot)
            app.push_screen(NoteScreen(visit, "K1"))
            await wait_until(pilot, on(app, "NoteScreen"), "the note")
            await pilot.press(*"Slept badly")
            refused.on = True
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "Not saved" in shown(app, "#entry-hint"), "the refusal")
            assert ALL_REASONS[fault] in shown(app, "#entry-hint") and on(app, "NoteScreen")()
            assert app.screen.query_one("#note-text").text == "Slept badly"
            refused.on = False
            assert stored_note(practice, visit) is None
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not on(app, "NoteScreen")(), "the note saved")
    assert stored_note(practice, visit) == "Slept badly"


def client_codes(path: Path) -> list[str]:
    return [c.code for c in read(path, lambda s: clients.find_clients(session=s, actor=ACTOR))]


@ALL_FAULTS
async def test_a_new_client_the_database_refuses_stays_in_the_form_said_not_saved(practice, fault):
    app = app_on(practice)
    async with app.run_test(size=(100, 30)) as pilot:
        with refusing(practice, fault) as refused:
            await caseload_shown(pilot)
            await pilot.press("ctrl+n")
            await wait_until(pilot, on(app, "NewClientModal"), "the client form")
            await pilot.press(*"NEW-1")
            refused.on = True
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "Not saved" in shown(app, "#error-code"), "the refusal")
            assert ALL_REASONS[fault] in shown(app, "#error-code") and on(app, "NewClientModal")()
            assert app.screen.query_one("#field-code").value == "NEW-1"
            refused.on = False
            assert "NEW-1" not in client_codes(practice)
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not on(app, "NewClientModal")(), "the client saved")
    assert "NEW-1" in client_codes(practice)


def error_beside_fields(app) -> str:
    return " ".join(str(error.render()) for error in app.screen.query(".field-error"))


@ALL_FAULTS
async def test_a_client_correction_the_database_refuses_stays_in_the_form(practice, fault):
    app = app_on(practice)
    async with app.run_test(size=(100, 30)) as pilot:
        with refusing(practice, fault) as refused:
            await caseload_shown(pilot)
            await pilot.press(*"K1", "enter")
            await wait_until(
                pilot, lambda: getattr(app.screen, "dossier", None) is not None, "dossier"
            )
            await pilot.press("c")
            await wait_until(pilot, on(app, "NewClientModal"), "the client form")
            app.screen.query_one("#field-name").value = "Bea de Vries"
            refused.on = True
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "Not saved" in error_beside_fields(app), "the refusal")
            assert ALL_REASONS[fault] in error_beside_fields(app)
            assert app.screen.query_one("#field-name").value == "Bea de Vries"
            refused.on = False
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not on(app, "NewClientModal")(), "the correction saved")
    (client,) = read(practice, lambda s: clients.find_clients(session=s, actor=ACTOR))
    assert client.name == "Bea de Vries"


async def test_the_app_on_a_held_database_ends_saying_which_and_why(practice):
    app = app_on(practice)
    with held_database(practice, "EXCLUSIVE"):
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: not app.is_running, "the app's end")
    assert app.return_code == 2
    assert str(practice) in app.error_message and HELD_REASON in app.error_message


# The real ``hecht`` in a terminal: a burst of answers typed while another program holds the
# database. The first is refused on screen, the rest are not used (they were meant for items
# never reached); nothing is shown as answered that is not stored; after the lock is let go the
# same keys store and complete the scale.


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")
def test_a_burst_of_answers_meeting_a_held_database_in_a_terminal_is_refused_then_stored(
    practice, tmp_path
):
    environment = {**private_world(tmp_path / "world"), BUSY_TIMEOUT_OVERRIDE: "1000"}
    with Terminal(environment, 100, 30) as shown:
        shown.start("--db", str(practice))
        shown.wait_for("K1")
        shown.burst("K1", "Enter")
        shown.wait_for("Visits and scales")
        shown.burst("e", "who5", "Enter")
        shown.wait_for("Item 1 of 5")
        shown.burst("3")
        shown.wait_for("Item 2 of 5")
        eventually(lambda: drafts(practice) == [("who5", 1)], "the first answer stored")
        with held_database(practice):
            shown.burst("4", "2", "1")
            screen = " ".join(shown.wait_for("Not saved").split())  # wrapped lines joined
            assert HELD_REASON in screen and "The 2 keys typed after it were not used" in screen
            assert "Item 2 of 5" in screen and "(now:" not in screen
        assert drafts(practice) == [("who5", 1)]
        shown.burst("4", "2", "1", "0")
        shown.wait_for("Total 40")  # the review (the progress bar's "40%" came before it)
        shown.burst("Enter")
        # The screen, not a poll of the database, says when it is done: every read is logged,
        # so a poller writes too and, on a busy machine, held the app past its short timeout.
        shown.wait_for("Saved and scored.")
        assert drafts(practice) == []
    points = read(practice, lambda s: client_trajectory(session=s, actor=ACTOR, code="K1"))
    assert [(point.scale_id, point.total) for point in points] == [("who5", 40)]


@pytest.mark.parametrize("fault", ["read_only", "disk_full", "io"])
async def test_the_app_on_a_database_refusing_its_first_write_ends_saying_which_and_why(
    practice, fault
):
    app = app_on(practice)
    with failing_commits(fault) as failing:
        failing.on = True
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: not app.is_running, "the app's end")
    assert app.return_code == 2
    assert str(practice) in app.error_message and REASONS[fault] in app.error_message


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")
def test_a_disk_filling_up_during_entry_in_a_terminal_shows_not_saved_then_stores(
    practice, tmp_path
):
    with Terminal(private_world(tmp_path / "world"), 100, 30) as shown:
        program, arguments = faulty_start("file-size-limit", "--db", str(practice))
        shown.start(*arguments, program=program)
        shown.wait_for("K1")
        shown.burst("K1", "Enter")
        shown.wait_for("Visits and scales")
        shown.burst("e", "who5", "Enter", "3")
        shown.wait_for("Item 2 of 5")
        eventually(lambda: drafts(practice) == [("who5", 1)], "the first answer stored")
        with disk_filled_under(shown.pid(), practice):
            shown.burst("4")
            screen = " ".join(shown.wait_for("Not saved").split())
            assert "the disk reported an error while writing" in screen, screen
            assert "Item 2 of 5" in screen and "(now:" not in screen
        assert drafts(practice) == [("who5", 1)]
        shown.burst("4")
        shown.wait_for("Item 3 of 5")
        eventually(lambda: drafts(practice) == [("who5", 2)], "the answer stored after all")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")
def test_hecht_on_a_read_only_database_file_in_a_terminal_ends_saying_which_and_why(
    practice, tmp_path
):
    practice.chmod(0o400)
    shown = Terminal(private_world(tmp_path / "world"), 300, 30)  # the message on one line
    try:
        program, arguments = faulty_start("permissions-apply", "--db", str(practice))
        shown.start(*arguments, program=program)
        assert shown.exit_status(timeout=30) == 2
        screen = " ".join(shown.everything().split())
        assert str(practice) in screen and REASONS["read_only"] in screen, screen
        assert "Traceback" not in screen
    finally:
        shown.close()
        practice.chmod(0o600)


# Every read is logged, so it writes: a screen reading while another program holds the database
# says so and keeps what it shows; the app runs on (it used to stop with a crash report).


def read_screens():
    from hecht.tui.screens.outcomes import OutcomesScreen
    from hecht.tui.screens.supervision import SupervisionScreen
    from hecht.tui.screens.trajectory import TrajectoryScreen

    return {
        "caseload": None,
        "trajectory": lambda: TrajectoryScreen("K1"),
        "outcomes": OutcomesScreen,
        "supervision": SupervisionScreen,
    }


@pytest.mark.parametrize("screen", ["caseload", "trajectory", "outcomes", "supervision"])
async def test_a_screen_reading_a_held_database_says_not_read_and_the_app_runs_on(practice, screen):
    app = app_on(practice)
    notices: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await caseload_shown(pilot)
        notify = app.notify
        app.notify = lambda message, **options: (
            notices.append(message),
            notify(message, **options),
        )
        with held_database(practice):
            if screen == "caseload":
                await pilot.press("f5")
            else:
                app.push_screen(read_screens()[screen]())
            await wait_until(pilot, lambda: any("Not read" in n for n in notices), "the notice")
        assert app.is_running and HELD_REASON in " ".join(notices)
        if screen == "caseload":
            assert app.screen.query("DataTable").first().row_count == 1  # the rows shown stay
            await pilot.press("f5")  # and read again once the database is let go


async def test_a_changed_answer_the_database_refuses_keeps_showing_and_scoring_the_stored_one(
    practice,
):
    app = app_on(practice)
    with failing_commits("disk_full") as failing:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_entry(pilot, "K1", "who")
            await pilot.press(*"4321")
            await wait_until(pilot, lambda: answered(app) == 4, "four answers stored")
            await pilot.press("up")
            await wait_until(pilot, lambda: "4 of 5" in shown(app, "#entry-position"), "item 4")
            failing.on = True
            await pilot.press("5")
            await wait_until(pilot, lambda: "Not saved" in shown(app, "#entry-hint"), "the refusal")
            assert "(now: 1" in shown(app, "#entry-label")  # the stored answer, not the typed
            failing.on = False
            await pilot.press("down", "0")
            await wait_until(pilot, on(app, "ReviewScreen"), "the review")
            assert "40" in shown(app, "#review-score")  # (4+3+2+1+0) x 4: the stored answers


async def test_a_paper_string_the_database_refuses_stays_in_its_field_to_send_again(practice):
    app = app_on(practice)
    with failing_commits("io") as failing:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_entry(pilot, "K1", "who")
            await pilot.press("f2", *"43210")
            failing.on = True
            await pilot.press("enter")
            await wait_until(pilot, lambda: "Not saved" in shown(app, "#entry-hint"), "the refusal")
            assert app.screen.query_one("#paper-input").value == "43210"
            assert answered(app) == 0
            failing.on = False
            assert drafts(practice) == []
            await pilot.press("enter")
            await wait_until(pilot, on(app, "ReviewScreen"), "the review")
    assert drafts(practice) == [("who5", 5)]
