"""``hecht enter``: entry as line prompts; answers stored one by one, alerts acknowledged."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.services import administrations, alerts, clients
from hecht.schema.services.trajectories import client_trajectory
from hecht.tui.cli.commands.enter import run_enter
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation
from hecht.tui.config import Config
from hecht.tui.i18n import Messages
from hecht.tui.views.formatting import formatter
from tests.schema.conftest import Practice

from .scripted import Scripted

ACTOR = Actor(user_id=None, access_point="test")


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "p.db"
    with Practice.at(f"sqlite:///{path}", ACTOR) as practice:
        practice.episode(practice.client("A1"), date(2026, 11, 1))
    return str(path)


NAMED = Config(practitioner="Test Practitioner")


def args(db: str, scale: str | None, code: str = "A1", config: Config | None = None):
    invocation = Invocation(Messages("en"), config or NAMED, db)
    return invocation, code, scale


def state(db: str):
    engine = open_database(f"sqlite:///{db}")
    with unit_of_work(engine) as session:
        points = client_trajectory(session=session, actor=ACTOR, code="A1")
        drafts = administrations.open_drafts(session=session, actor=ACTOR)
        open_alerts = alerts.open_alerts(session=session, actor=ACTOR)
    engine.dispose()
    return points, drafts, open_alerts


def test_entering_a_scale_by_prompts_stores_and_completes_it(db):
    prompts = Scripted(["5", "4", "-", "3", "3", True])
    assert run_enter(*args(db, "who5"), prompts) == 0
    (point,), drafts, _ = state(db)
    assert (point.scale_id, point.valid, drafts) == ("who5", False, [])  # one missing: invalid
    assert "WHO-5 1/5" in prompts.shown[0]


def test_a_scale_written_for_the_other_parent_is_said_before_its_first_item(db):
    with Practice.at(f"sqlite:///{db}", ACTOR) as practice:
        practice.episode(practice.client("B1", role="partner"), date(2026, 11, 1))
    prompts = Scripted([None])  # the caution, then the first item: stopped there
    run_enter(*args(db, "maas", code="B1"), prompts)
    assert prompts.shown[0] == (
        "MAAS is written for the mother; B1 is recorded as partner. Enter it only if that is "
        "right (c in the dossier corrects the role)."
    )
    assert prompts.shown[1].startswith("MAAS 1/19")


EARLIER = max(date(2026, 11, 1), date.today() - timedelta(days=3))
"""A day in A1's episode, before today: the day a paper form was filled in."""


@pytest.mark.parametrize(
    ("typed", "english", "dutch"),
    [
        pytest.param(
            "5/12",
            "hecht: --date 5/12: write the date as YYYY-MM-DD (or DD-MM-YYYY)",
            "hecht: --date 5/12: schrijf de datum als DD-MM-JJJJ (of JJJJ-MM-DD)",
            id="not-a-date",
        ),
        pytest.param(
            "2026-02-30",
            "hecht: --date 2026-02-30: 2026-02-30 is not a day of the calendar",
            "hecht: --date 2026-02-30: 2026-02-30 is geen dag van de kalender",
            id="no-such-day",
        ),
        pytest.param(
            "2099-01-01",
            "hecht: --date 2099-01-01: a form cannot have been filled in after today",
            "hecht: --date 2099-01-01: een formulier kan niet na vandaag zijn ingevuld",
            id="in-the-future",
        ),
        pytest.param(
            "31-10-2026",
            "hecht: date filled in: 31 Oct 2026 is before the episode began (1 Nov 2026)",
            "hecht: datum van invullen: 31-10-2026 ligt vóór het begin van het traject",
            id="before-the-episode-began",
        ),
        pytest.param(
            "1-1-1900",
            "hecht: date filled in: 1 Jan 1900 is before 1 Jan 1950; check the year",
            "hecht: datum van invullen: 01-01-1900 ligt vóór 01-01-1950; controleer het jaar",
            id="a-year-long-before-care",
        ),
    ],
)
def test_a_date_no_form_of_the_client_can_have_is_refused_before_any_question_with_exit_2(
    db, capsys, isolated_config, typed, english, dutch
):
    from hecht.tui.cli.main import main

    (isolated_config / "config.toml").write_text('practitioner = "Anna de Vries"\n')
    for language, said in (("en", english), ("nl", dutch)):
        code = main(["--lang", language, "--db", db, "enter", "A1", "who5", "--date", typed])
        assert code == 2 and said in capsys.readouterr().err
    assert state(db) == ([], [], [])


def test_a_draft_resumed_with_a_date_keeps_the_day_it_was_filled_in_and_says_so(db):
    run_enter(*args(db, "gad7"), Scripted(["1", None]))  # a draft, filled in today
    resumed = Scripted([True, "0", "0", "0", "0", "0", "0", True])
    assert run_enter(*args(db, "gad7"), resumed, filled_in=EARLIER.isoformat()) == 0
    (point,), _, _ = state(db)
    today = date.today()
    assert point.observed_at.astimezone().date() == today
    kept = f"This draft keeps the day it was filled in, {formatter('en').date(today)}"
    assert any(shown.startswith(kept) for shown in resumed.shown)


def test_a_numeric_line_is_typed_as_a_number_and_refused_off_the_line(db):
    prompts = Scripted(["101", "abc", "7.5", "40", "58", True])
    assert run_enter(*args(db, "fobs"), prompts) == 0
    (point,), drafts, _ = state(db)
    assert (point.scale_id, point.total, point.valid, drafts) == ("fobs", 49, True, [])
    refusals = [shown for shown in prompts.shown if "is not an answer" in shown]
    assert refusals == [
        f"'{typed}' is not an answer here; allowed: 0 to 100 in steps of 1"
        for typed in ("101", "abc", "7.5")
    ]
    assert "Type a number from 0 to 100" in prompts.shown[0]


def test_a_numeric_line_refused_in_dutch_says_its_range_in_dutch(db):
    invocation = Invocation(Messages("nl"), NAMED, db)
    prompts = Scripted(["101", "40", "58", True])
    assert run_enter(invocation, "A1", "fobs", prompts) == 0
    assert "'101' is hier geen antwoord; toegestaan: 0 tot 100 in stappen van 1" in prompts.shown
    assert "0 tot 100" in prompts.shown[0]


def test_a_numeric_line_can_be_marked_missing(db):
    prompts = Scripted(["-", "30", True])
    run_enter(*args(db, "fobs"), prompts)
    (point,), _, _ = state(db)
    assert (point.scale_id, point.valid) == ("fobs", False)


def point_alerts(db: str) -> list:
    from hecht.schema.services.alerts import client_alerts

    engine = open_database(f"sqlite:///{db}")
    with unit_of_work(engine) as session:
        found = client_alerts(session=session, actor=ACTOR, code="A1")
    engine.dispose()
    return found


def test_a_critical_answer_must_be_acknowledged_before_going_on(db):
    answers = [
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "1",  # item 10: alert
        [],
        ["safety_plan", "gp_informed"],  # nothing marked is asked again
        "",
        "plan",
        "plan made with partner",
        True,
    ]  # a note of at least three words
    prompts = Scripted(answers)  # fmt: skip
    run_enter(*args(db, "epds"), prompts)
    (point,), _, open_alerts = state(db)
    assert point.scale_id == "epds" and open_alerts == []
    (done,) = point_alerts(db)
    assert (done.actions, done.action_note) == (
        ["safety_plan", "gp_informed"],
        "plan made with partner",
    )
    assert sum("at least 3" in shown for shown in prompts.shown) == 2


def test_cancelling_keeps_the_draft_and_the_next_run_resumes_it(db):
    run_enter(*args(db, "gad7"), Scripted(["1", "2", None]))
    _, (draft,), _ = state(db)
    assert [a.code for a in draft.answers] == [1, 2]
    resumed = Scripted([True, "0", "0", "0", "0", "0", True])
    run_enter(*args(db, "gad7"), resumed)
    (point,), drafts, _ = state(db)
    assert (point.total, drafts) == (3, [])
    assert resumed.shown[0] == "Resume the unfinished GAD-7 (2 answers so far)?"


def test_a_draft_of_one_answer_is_offered_in_the_singular_in_dutch(db):
    run_enter(Invocation(Messages("nl"), NAMED, db), "A1", "gad7", Scripted(["1", None]))
    resumed = Scripted([False, None])
    run_enter(Invocation(Messages("nl"), NAMED, db), "A1", "gad7", resumed)
    assert resumed.shown[0] == "De onafgemaakte GAD-7 hervatten (1 antwoord tot nu toe)?"


def test_init_asks_the_settings_and_writes_the_config_file(tmp_path):
    from hecht.tui.cli.commands.init import run_init
    from hecht.tui.config import load_config

    prompts = Scripted(
        ["Mira Jansen", "nl", str(tmp_path / "praktijk.db"), ["who5", "epds"], ["who5"], False]
    )
    assert run_init(Config(), Messages("en"), prompts) == 0
    config = load_config()
    assert (config.practitioner, config.language, config.database) == (
        "Mira Jansen",
        "nl",
        str(tmp_path / "praktijk.db"),
    )
    assert (config.protocols.intake, config.protocols.visit) == (["who5", "epds"], ["who5"])
    assert config.protocols.closing == ["who5", "epds"]  # the intake's, and said so
    assert "De afsluitende meting (einde zorg) is die van de intake" in prompts.shown[-2]
    assert "WHO-5, EPDS" in prompts.shown[-2]


def test_init_keeps_a_closing_battery_of_the_practices_own_and_says_so(tmp_path):
    from hecht.tui.cli.commands.init import run_init
    from hecht.tui.config import Protocols, load_config

    own = Config(protocols=Protocols(intake=["who5"], visit=["who5"], closing=["fobs", "who5"]))
    prompts = Scripted(["Mira", "en", str(tmp_path / "p.db"), ["epds"], ["who5"], False])
    assert run_init(own, Messages("en"), prompts) == 0
    assert load_config().protocols.closing == ["fobs", "who5"]
    assert prompts.shown[-2].startswith(
        "The closing battery (end of care) stays as it was set: FOBS, WHO-5"
    )


def test_init_asks_everything_after_the_language_in_the_language_just_chosen(tmp_path):
    from hecht.tui.cli.commands.init import run_init

    dutch, english = Messages("nl"), Messages("en")
    prompts = Scripted(["Mira", "nl", str(tmp_path / "praktijk.db"), ["who5"], ["who5"], False])
    assert run_init(Config(), english, prompts) == 0
    assert prompts.shown[:2] == [english("init.practitioner"), english("init.language")]
    assert prompts.shown[2:6] == [
        dutch("init.database"),
        dutch("init.intake"),
        dutch("init.visit"),
        dutch("init.encrypt"),
    ]
    assert prompts.shown[-1].startswith("Instellingen geschreven naar")


def test_init_asks_the_database_again_when_it_is_one_hecht_cannot_store_in(tmp_path):
    from hecht.tui.cli.commands.init import run_init
    from hecht.tui.config import load_config

    english = Messages("en")
    mine = str(tmp_path / "practice.db")
    answers = ["Mira", "en", "mysql://anna@db/practice", mine, ["who5"], ["who5"], False]
    prompts = Scripted(answers)
    assert run_init(Config(), english, prompts) == 0
    refusal = english("db.error.bad_url", url="mysql://anna@db/practice")
    assert prompts.shown[2:5] == [english("init.database"), refusal, english("init.database")]
    assert load_config().database == mine


def test_cancelling_init_writes_nothing():
    from hecht.tui.cli.commands.init import run_init
    from hecht.tui.config import config_path

    run_init(Config(), Messages("en"), Scripted(["Mira", None, "", [], []]))
    assert not config_path().exists()


def test_the_configured_practitioner_is_the_user_in_the_access_log(db):
    from hecht.schema.trail.audit import client_log

    arguments = args(db, "who5", config=Config(practitioner="Mira Jansen"))
    run_enter(*arguments, Scripted(["1", "1", "1", "1", "1", True]))
    engine = open_database(f"sqlite:///{db}")
    with unit_of_work(engine) as session:
        log = client_log(session=session, client_id=1)
    engine.dispose()
    assert log[-1].user_id == 1


def test_entering_for_one_client_reads_no_other_clients_dossier(db):
    from hecht.schema.trail.audit import client_log

    with Practice.at(f"sqlite:///{db}", ACTOR) as practice:
        practice.client("B2")
    run_enter(*args(db, "gad7"), Scripted(["1", None]))  # a draft for A1
    run_enter(*args(db, "who5", code="B2"), Scripted(["1", None]))
    engine = open_database(f"sqlite:///{db}")
    with unit_of_work(engine) as session:
        a1_events = [(e.event, e.detail) for e in client_log(session=session, client_id=1)]
    engine.dispose()
    assert ("read", "administration 1 (gad7)") not in a1_events  # B2's entry left A1 unread


def test_without_a_name_in_the_settings_enter_asks_it_first_and_keeps_it(db, isolated_config):
    prompts = Scripted(["  Anna   de Vries ", "4", "4", "4", "4", "4", True])
    assert run_enter(*args(db, "who5", config=Config()), prompts) == 0
    assert any("access log" in shown for shown in prompts.shown)  # why the name is asked
    assert 'practitioner = "Anna de Vries"' in (isolated_config / "config.toml").read_text("utf-8")
    (point,), _, _ = state(db)
    engine = open_database(f"sqlite:///{db}")
    with unit_of_work(engine) as session:
        (stored,) = administrations.administration_history(
            session=session, actor=ACTOR, lineage_id=point.lineage_id
        )
        assert stored.entered_by_id is not None
        names = clients.practitioner_names(session=session, ids={stored.entered_by_id})
    engine.dispose()
    assert names == {stored.entered_by_id: "Anna de Vries"}


def test_without_a_name_given_enter_stores_nothing_and_says_why(db, isolated_config):
    with pytest.raises(UsageError, match="Your name is needed"):
        run_enter(*args(db, "who5", config=Config()), Scripted([""]))
    assert state(db) == ([], [], [])
    assert not (isolated_config / "config.toml").exists()


@pytest.mark.parametrize("named", [False, True], ids=["name-to-ask", "name-in-settings"])
def test_without_a_terminal_enter_stores_nothing_and_says_it_needs_one(
    db, capsys, monkeypatch, isolated_config, named
):
    """Keys piped into ``hecht enter`` were taken as answers, then it stopped with exit 130."""
    from hecht.tui.cli.main import main

    if named:  # the first question is then the first item's
        (isolated_config / "config.toml").write_text('practitioner = "Anna de Vries"\n')
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code = main(["--lang", "en", "--db", db, "enter", "A1", "who5"])
    err = capsys.readouterr().err
    assert code == 2 and "asks each item at a terminal" in err and "hecht import-csv" in err
    assert state(db) == ([], [], [])


def test_without_a_terminal_init_writes_nothing_and_says_it_needs_one(
    capsys, monkeypatch, isolated_config
):
    from hecht.tui.cli.main import main

    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code = main(["--lang", "en", "init"])
    err = capsys.readouterr().err
    assert code == 2 and "asks the settings at a terminal" in err
    assert not (isolated_config / "config.toml").exists()


class Meanwhile(Scripted):
    """A script in which another screen stores answers while a prompt waits: an answer given
    as ``(what_happens, answer)`` runs ``what_happens`` before it is typed."""

    def _next(self, message: str):
        answer = super()._next(message)
        if isinstance(answer, tuple):
            happens, answer = answer
            happens()
        return answer


def another_screen_answers(db: str, **answers: str):
    """Answers stored in A1's open draft by another screen, as it shows the draft then."""
    from hecht.scales.library import load_library
    from hecht.schema.inputs import GivenAnswer
    from hecht.schema.services.drafts import store_answers

    def store() -> None:
        engine = open_database(f"sqlite:///{db}")
        with unit_of_work(engine) as session:
            (draft,) = administrations.open_drafts(session=session, actor=ACTOR, code="A1")
            store_answers(
                session=session, actor=ACTOR, library=load_library(None),
                answers=[GivenAnswer(item, code) for item, code in answers.items()],
                administration_id=draft.id, shown=draft.typed_answers(),
            )  # fmt: skip
        engine.dispose()

    return store


def test_an_item_answered_meanwhile_on_another_screen_keeps_that_answer_and_is_said(db):
    prompts = Meanwhile(
        [
            "1",
            (another_screen_answers(db, **{"2": "3", "3": "2"}), "0"),  # item 2 asked meanwhile
            "0", "0", "0", "0",  # items 4 to 7: item 3 was answered, so it is not asked
            (another_screen_answers(db, **{"7": "3"}), True),  # changed before it completed
            True,
        ]
    )  # fmt: skip
    assert run_enter(*args(db, "gad7"), prompts) == 0
    (point,), drafts, _ = state(db)
    assert (point.total, drafts) == (9, [])  # 1 + 3 + 2 + 0 + 0 + 0 + 3: the others' answers kept
    said = "\n".join(prompts.shown)
    assert "Item 2 was answered meanwhile on another screen" in said
    assert "answers were changed meanwhile on another screen (or by a colleague), item 7" in said
    totals = [line for line in prompts.shown if line.startswith("Total")]
    assert totals == ["Total 6 — mild", "Total 9 — mild"]
