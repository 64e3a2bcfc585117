"""The real ``hecht`` in a terminal, keys in bursts: a draft with every item answered resumes
straight into its review, an alert opened later keeps what was marked until a second Escape, and
two screens on one draft never write over (or complete) an answer they did not show.
"""

from __future__ import annotations

from datetime import date

import pytest

from hecht.schema.context import Actor
from hecht.schema.services import administrations, alerts
from hecht.schema.services.trajectories import client_trajectory
from tests.conftest import in_practice_file as read
from tests.schema.conftest import Practice

from .conftest import LIBRARY
from .terminal import TMUX, Terminal, eventually

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")

ACTOR = Actor(user_id=None, access_point="test")


def answered_draft_and_open_alert(url: str) -> None:
    """K1 with a WHO-5 draft whose five items are all answered (its review was left); K2 with an
    EPDS draft whose item 10 raised an alert that is still open; K3 with a WHO-5 draft whose
    first item is answered."""
    with Practice.at(url, ACTOR, LIBRARY) as practice:
        for code, name in (("K1", "Anna de Wit"), ("K2", "Bea Jansen"), ("K3", "Cor Bakker")):
            practice.episode(practice.client(code, name=name), date.today())
        practice.draft("K1", "who5", "4,4,3,3,2")
        practice.draft("K2", "epds", {"10": "2"})
        practice.draft("K3", "who5", {"1": "3"})


@pytest.fixture
def opened(tmp_path, practice_copy):
    """``opened(language, width, height)``: ``hecht`` running on a copy of that practice."""
    path = practice_copy(tmp_path, answered_draft_and_open_alert)
    started: list[Terminal] = []

    def start(language: str = "en", width: int = 120, height: int = 36) -> Terminal:
        config = tmp_path / "config"  # shared: a second start is a second window of one user
        config.mkdir(exist_ok=True)
        (config / "config.toml").write_text('practitioner = "Test Psycholoog"\n', "utf-8")
        env = {
            "HECHT_CONFIG": str(config),
            "HECHT_CACHE": str(tmp_path / "cache"),
            "HECHT_LANG": language,
            "XDG_DATA_HOME": str(tmp_path / "data"),
        }
        shown = Terminal(env, width, height)
        started.append(shown)
        shown.start("--db", str(path))
        return shown

    yield path, start
    for shown in started:
        shown.close()


def drafts(code: str):
    return lambda s: administrations.open_drafts(session=s, actor=ACTOR, code=code)


def k2_alert(session):
    (alert,) = alerts.client_alerts(session=session, actor=ACTOR, code="K2")
    return alert


def test_resuming_a_draft_with_every_item_answered_opens_its_review_and_enter_completes_it(
    opened,
):
    path, start = opened
    shown = start()
    shown.wait_for("K1")
    shown.burst("K1", "Enter", "r")
    shown.wait_for("Enter completes and scores")  # the review, with nothing left to answer
    assert "Total 64" in shown.screen()
    assert len(read(path, drafts("K1"))) == 1  # shown, not completed
    # Escape goes back to the last item; past it (↓) the review opens again, Enter typed ahead
    shown.burst("Escape")
    shown.wait_for("Item 5 of 5")
    shown.burst("Down", "Enter")
    eventually(lambda: read(path, drafts("K1")) == [], "the resumed draft completed")
    done = read(path, lambda s: client_trajectory(session=s, actor=ACTOR, code="K1"))
    assert [(point.scale_id, point.total) for point in done] == [("who5", 64)]
    shown.wait_for("WHO-5")  # back in the dossier, its score listed
    assert "unexpected" not in shown.screen()


def test_escape_in_an_alert_opened_later_keeps_the_marked_actions_and_says_so(opened):
    path, start = opened
    shown = start("nl", 80, 24)
    shown.wait_for("K2")
    # the dossier, the alert (a), two actions marked, then Escape: typed in one burst
    shown.burst("K2", "Enter", "a", "Space", "Down", "Space", "Escape")
    shown.wait_for("niet opgeslagen")  # the dialog stays, and says how to save or drop them
    assert "[x] Besproken met cliënt" in shown.screen()
    assert read(path, k2_alert).acknowledged_at is None
    # nothing was lost: the note is written and the two marked actions are saved with it
    shown.burst("Tab", *"veiligheidsplan besproken met partner", "Enter")
    eventually(lambda: read(path, k2_alert).acknowledged_at is not None, "the alert saved")
    alert = read(path, k2_alert)
    assert alert.actions == ["discussed", "safety_plan"]
    assert alert.action_note == "veiligheidsplan besproken met partner"


def test_a_second_escape_closes_the_alert_without_the_marks_and_says_it_is_still_open(opened):
    path, start = opened
    shown = start("nl", 80, 24)
    shown.wait_for("K2")
    # two Escapes in one write are read as Alt+Escape by a terminal: the second goes alone
    shown.burst("K2", "Enter", "a", "Space", "Escape")
    shown.wait_for("nogmaals Escape")
    shown.burst("Escape")
    # said, not silent; back in the dossier with the dialog closed
    closed = lambda s: "Niet opgeslagen:" in s and "Wat heeft u gedaan?" not in s  # noqa: E731
    assert "open (a:" in shown.wait_for(closed)  # the dossier lists the alert as still open
    alert = read(path, k2_alert)
    assert (alert.acknowledged_at, alert.action) == (None, None)


def test_marks_added_after_the_warning_are_warned_of_again_before_an_escape_drops_them(opened):
    path, start = opened
    shown = start("en", 80, 24)
    shown.wait_for("K2")
    shown.burst("K2", "Enter", "a", "Space", "Escape")
    shown.wait_for("again closes without it")
    shown.burst("Tab", *"plan made")  # more written after the warning
    shown.wait_for(lambda s: "plan made" in s and "again closes" not in s)  # warning withdrawn
    shown.burst("Escape")
    shown.wait_for("again closes without it")  # warned again: still open, nothing dropped
    assert "plan made" in shown.screen() and "[x]" in shown.screen()
    shown.burst("Escape")
    shown.wait_for(lambda s: "Not saved:" in s and "Say what was done" not in s)
    assert read(path, k2_alert).acknowledged_at is None


def k3_answers(session) -> dict[str, float | None]:
    (draft,) = administrations.open_drafts(session=session, actor=ACTOR, code="K3")
    return {answer.item_id: answer.code for answer in draft.answers}


def test_two_screens_on_one_draft_never_write_over_an_answer_they_did_not_show(opened):
    path, start = opened
    first, second = start(), start()
    for shown in (first, second):  # both resume K3's WHO-5 at item 2
        shown.wait_for("K3")
        shown.burst("K3", "Enter", "r")
        shown.wait_for("Item 2 of 5")
    first.burst("4")
    eventually(lambda: read(path, k3_answers) == {"1": 3, "2": 4}, "the first screen's answer")
    second.burst("1")  # typed on a screen that still shows item 2 unanswered
    second.wait_for("was answered meanwhile on another screen")
    assert read(path, k3_answers) == {"1": 3, "2": 4}
    second.burst("1")  # now it shows the 4: typed again, the 1 replaces it on purpose
    eventually(lambda: read(path, k3_answers) == {"1": 3, "2": 1}, "the second answer, seen")
    # the first screen answers the rest; its review shows item 2 as stored, not as it typed it
    first.burst("2", "2", "2")
    review = first.wait_for("Enter completes and scores")
    assert "2:1" in review and "2:4" not in review
    # the second screen answers item 3 again before the first confirms what it reviewed
    second.wait_for("Item 3 of 5")
    second.burst("0")
    second.wait_for("was answered meanwhile on another screen")
    second.burst("0")
    eventually(lambda: read(path, k3_answers)["3"] == 0, "item 3 replaced after it was shown")
    first.burst("Enter")  # completes only what it showed: refused, shown again as stored now
    again = first.wait_for("Not completed: answers were changed meanwhile")
    assert "3:0" in again and read(path, drafts("K3")) != []
    first.burst("Enter")
    eventually(lambda: read(path, drafts("K3")) == [], "completed as shown the second time")
    done = read(path, lambda s: client_trajectory(session=s, actor=ACTOR, code="K3"))
    assert [(point.scale_id, point.total) for point in done] == [("who5", 32)]  # 3+1+0+2+2
