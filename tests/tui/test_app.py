"""The TUI by keyboard only: caseload, dossier, item entry, paper mode, review, alerts, forms.

Every test asserts on the database through the services, never on widgets alone.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.services import administrations, alerts, episodes
from hecht.schema.services.trajectories import client_trajectory
from hecht.tui.config import Config
from tests.schema.conftest import Practice

from .conftest import (
    LIBRARY,
    NOW,
    caseload_shown,
    make_app,
    open_entry,
    press,
    press_to,
    settled,
    wait_until,
)

ACTOR = Actor(user_id=None, access_point="test", clock=lambda: NOW)


def two_mothers(url: str) -> None:
    """MOM-1 and MOM-2, each in an episode of pregnancy care."""
    with Practice.at(url, ACTOR) as practice:
        for code, name in (("MOM-1", "Mira de Vries"), ("MOM-2", "Sanne Bakker")):
            practice.client(code, name=name)
            practice.episode(code, date(2026, 10, 1), due_date=date(2027, 2, 1))


@pytest.fixture
def db(tmp_path, practice_copy) -> str:
    return f"sqlite:///{practice_copy(tmp_path, two_mothers)}"


def stored(url: str, code: str) -> list:
    engine = open_database(url)
    with unit_of_work(engine) as session:
        points = client_trajectory(session=session, actor=ACTOR, code=code)
    engine.dispose()
    return points


WHO5, EPDS = "who-5", "epds"


async def test_the_caseload_lists_clients_and_typing_filters_them(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        table = app.screen.query_one("DataTable")
        assert table.row_count == 2
        await pilot.press(*"sanne")
        assert table.row_count == 1
        await pilot.press("f8")  # privacy: names hidden, so the name filter finds nothing
        assert table.row_count == 0


def accented(url: str) -> None:
    """Names as an import may store them: an ë decomposed (e and a diaeresis), an ß."""
    with Practice.at(url, ACTOR) as practice:
        for code, name in (("Z1", "Zoe\u0308 Öztürk"), ("S1", "Anke Straße"), ("M1", "Mira Vos")):
            practice.client(code, name=name)
            practice.episode(code, date(2026, 10, 1), due_date=date(2027, 2, 1))


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("ÖZTÜRK", ["Z1"]),
        ("zoë", ["Z1"]),
        ("STRASSE", ["S1"]),
        (" mira ", ["M1"]),
        ("", ["M1", "S1", "Z1"]),
    ],
)
async def test_the_caseload_filter_finds_what_the_client_search_finds(
    tmp_path, practice_copy, typed, codes
):
    """One rule for both: any case, letters beyond ASCII, an ë typed finds one stored decomposed
    (the filter compared lower() and missed it)."""
    from hecht.schema.services.clients import find_clients
    from tests.conftest import in_practice_file

    path = practice_copy(tmp_path, accented)
    found = in_practice_file(path, lambda s: find_clients(session=s, actor=ACTOR, text=typed))
    assert [client.code for client in found] == codes
    app = make_app(f"sqlite:///{path}")
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        app.screen.query_one("#caseload-filter", Input).value = typed
        await settled(pilot)
        table = app.screen.query_one("DataTable")
        shown = [str(table.get_row_at(n)[0]) for n in range(table.row_count)]
    assert sorted(shown) == codes


async def test_keying_a_who5_stores_each_answer_and_the_review_completes_it(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-1", WHO5)
        await pilot.press("5", "4", "9")  # 9 is not an answer: ignored with a hint
        await settled(pilot)  # 4 and 9 wait for 5 to be stored, in a worker
        assert "'9' is not an answer here" in str(app.screen.query_one("#entry-hint").render())
        # 3, then back: 2 replaces it
        await press_to(pilot, "3", "backspace", "2", "1", "0", screen="ReviewScreen")
        review = str(app.screen.query_one("#review-score").render())
        assert "Total 48" in review
        assert "The first administration of this scale" in review
        await press(pilot, "enter")
    (point,) = stored(db, "MOM-1")
    assert (point.scale_id, point.total, point.valid) == ("who5", 48, True)  # 5+4+2+1+0 = 12 x 4


async def test_a_paper_string_is_checked_and_points_at_the_bad_position(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-2", EPDS)
        await pilot.press("f2", *"0120", "enter")
        assert "Position 5: item 5 has no code yet" in str(
            app.screen.query_one("#entry-hint").render()
        )
        await pilot.press(*"012301230", "enter")  # the field now holds 13 codes
        assert "Position 11: more codes than items" in str(
            app.screen.query_one("#entry-hint").render()
        )
        await press(pilot, "end", *(["backspace"] * 13), *"0120120003", "enter")
        await press(pilot, "enter")
    (point,) = stored(db, "MOM-2")
    # items 1, 2, 4 score as typed; 3 and 5-10 are reversed (3 - code)
    assert point.total == 0 + 1 + 1 + 0 + 2 + 1 + 3 + 3 + 3 + 0


async def test_a_numeric_line_is_typed_as_digits_and_enter_and_refused_off_the_line(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-1", "fobs")
        hint = lambda: str(app.screen.query_one("#entry-hint").render())  # noqa: E731
        assert "Type a number from 0 to 100, then Enter" in str(
            app.screen.query_one("#entry-options").render()
        )
        await pilot.press("1", "0", "1")
        assert "typed: 101" in hint()  # nothing stored before Enter
        await pilot.press("enter")
        assert "'101' is not an answer here; allowed: 0 to 100 in steps of 1" in hint()
        await press(pilot, "4", "9", "backspace", "0", "enter")  # a digit taken back: 40
        await press_to(pilot, "5", "8", "enter", screen="ReviewScreen")
        await press(pilot, "enter")
    (point,) = stored(db, "MOM-1")
    assert (point.scale_id, point.total, point.valid) == ("fobs", 49, True)  # (40 + 58) / 2


async def test_paper_mode_takes_the_numeric_lines_separated_by_commas(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-2", "fobs")
        await pilot.press("f2", *"70,101", "enter")
        assert "Position 2" in str(app.screen.query_one("#entry-hint").render())
        await press_to(pilot, "end", *(["backspace"] * 3), *"90", "enter", screen="ReviewScreen")
        await press(pilot, "enter")
    (point,) = stored(db, "MOM-2")
    assert (point.scale_id, point.total) == ("fobs", 80)


async def test_a_critical_answer_raises_an_alert_that_only_an_action_and_a_note_close(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-1", EPDS)
        # item 10, second option: thoughts of self-harm
        await press_to(pilot, *"012101230", "1", screen="AlertModal")
        await pilot.press("escape")
        assert type(app.screen).__name__ == "AlertModal"
        await press_to(pilot, "enter", screen="AlertModal")  # no note yet
        await press_to(pilot, *"safety plan made", "enter", screen="ReviewScreen")
    engine = open_database(db)
    with unit_of_work(engine) as session:
        assert alerts.open_alerts(session=session, actor=ACTOR) == []
        drafts = administrations.open_drafts(session=session, actor=ACTOR)
    engine.dispose()
    assert len(drafts) == 1 and len(drafts[0].alerts) == 1
    assert drafts[0].alerts[0].action_note == "safety plan made"


async def test_the_dossier_shows_what_was_done_about_an_earlier_alert_and_its_note_as_written(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-1", EPDS)
        await press_to(pilot, *"012101230", "1", screen="AlertModal")
        await press_to(
            pilot, "enter", *"plan agreed with [b]partner[/b]", "enter", screen="ReviewScreen"
        )
        await press_to(pilot, "enter", screen="DossierScreen")
        section = app.screen.query_one("#dossier-closed-alerts")
        await wait_until(pilot, lambda: not section.has_class("hidden"), "the earlier alerts")
        earlier = str(section.render())
    heading, line = earlier.split("\n", 1)
    assert heading == "Earlier alerts (newest first)"
    assert "EPDS item 10" in line and "acknowledged: Discussed with the client" in line
    assert line.replace("\n", " ").endswith("note: plan agreed with [b]partner[/b]")


async def test_the_dossier_lists_the_newest_earlier_alerts_and_says_how_many_more(db):
    """Every closed alert took its lines above the records: a client with years of alerts had
    her records pushed off the screen."""
    from hecht.schema.tables import AlertAction

    with Practice.at(db, ACTOR, LIBRARY) as practice:
        for day in range(1, 6):
            practice.scale("MOM-1", "epds", "0,0,0,0,0,0,0,0,0,1", date(2026, 10, day), 1)
            [alert] = alerts.open_alerts(session=practice.session, actor=ACTOR, code="MOM-1")
            practice.acknowledge(
                alert.id, AlertAction.DISCUSSED, f"talked it through, number {day}"
            )
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await press_to(pilot, *"MOM-1", "enter", screen="DossierScreen")
        section = app.screen.query_one("#dossier-closed-alerts")
        await wait_until(pilot, lambda: not section.has_class("hidden"), "the earlier alerts")
        earlier = str(section.render()).replace("\n", " ")
    assert [f"number {day}" in earlier for day in range(5, 0, -1)] == [1, 1, 1, 0, 0]
    pointer = "… and 2 earlier alerts: `hecht report client MOM-1 --names` lists every alert"
    assert earlier.endswith(f"{pointer} with its note")


async def test_space_marks_and_unmarks_the_highlighted_action_of_an_alert(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-1", EPDS)
        # item 10, second option: thoughts of self-harm
        await press_to(pilot, *"012101230", "1", screen="AlertModal")
        actions = app.screen.query_one("#alert-actions")
        first, second = [actions.get_option_at_index(i).id for i in (0, 1)]
        await pilot.press("space", "down", "space")
        assert actions.marked == [first, second]
        await pilot.press("space")
        assert actions.marked == [first]


async def test_leaving_entry_keeps_the_draft_and_the_dossier_resumes_it(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-1", WHO5)
        await press(pilot, "3", "3", "escape")
        await press(pilot, "r")
        assert "Item 3 of 5" in str(app.screen.query_one("#entry-position").render())
        await press(pilot, "3", "3", "3")
        await press(pilot, "enter")
    (point,) = stored(db, "MOM-1")
    assert point.total == 60


async def test_the_new_client_form_shows_a_refusal_beside_its_field_and_saves_when_valid(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, "ctrl+n")
        await press(pilot, *"MOM-1", "enter")
        assert "already in use" in str(app.screen.query_one("#error-code").render())
        await press_to(pilot, *(["backspace"] * 5), *"DAD-1", "enter", screen="CaseloadScreen")
        assert app.screen.query_one("DataTable").row_count == 3


async def test_a_database_that_cannot_be_opened_ends_the_app_with_its_reason(tmp_path):
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"not a database" * 300)
    app = make_app(f"sqlite:///{bad}")
    async with app.run_test() as pilot:
        await settled(pilot)
    assert app.return_code == 2
    assert "cannot open the database" in (app.error_message or "")


async def test_a_visit_runs_its_battery_then_takes_the_note(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, *"MOM-1", "enter")
        await press(pilot, "v")
        # today, intake (the first visit): WHO-5, RSES, CSI-4, EPDS, GAD-7
        await press(pilot, "enter")
        for keys in ("33333", "0000000000", "3333", "0000000003", "0000000"):
            assert type(app.screen).__name__ == "EntryScreen"
            await press(pilot, *keys)
            await press(pilot, "enter")
        assert type(app.screen).__name__ == "NoteScreen"
        await press(pilot, *"Eerste gesprek", "tab", *"angst, slaap", "ctrl+s")
    engine = open_database(db)
    with unit_of_work(engine) as session:
        (episode,) = episodes.episodes_for_client(session=session, actor=ACTOR, code="MOM-1")
        from hecht.schema.services import visits

        (visit,) = visits.visits_in_episode(
            session=session, actor=ACTOR, episode_lineage_id=episode.lineage_id
        )
        points = client_trajectory(session=session, actor=ACTOR, code="MOM-1")
    engine.dispose()
    assert (visit.note, visit.themes, visit.version) == ("Eerste gesprek", ["angst", "slaap"], 2)
    assert [p.scale_id for p in points] == ["who5", "rses", "csi4", "epds", "gad7"]


async def test_a_battery_naming_a_scale_no_one_has_says_so_and_the_visit_asks_the_others(db):
    from hecht.tui.config import Config, Protocols, config_path

    config = Config(practitioner="Test Practitioner", protocols=Protocols(intake=["whoo5", "who5"]))
    app = make_app(db, config=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, *"MOM-1", "enter")
        await press(pilot, "v")
        await press_to(pilot, "enter", screen="EntryScreen")  # the intake: WHO-5 only
        said = [notification.message for notification in app._notifications]
        assert app.screen.definition.id == "who5"  # type: ignore[attr-defined]
    left = (
        "Left out of this visit: whoo5 ([protocols] intake): no scale in the library has such an id"
    )
    assert said == [f"{left}. Correct it in {config_path()}."]


async def test_the_episode_form_refuses_a_bad_date_beside_it_and_opens_the_episode(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, "ctrl+n")
        await press(pilot, *"NEW-1", "enter")
        await press(pilot, *"NEW-1", "enter")
        await press(pilot, "n")
        await pilot.press(*"2027-13-01", "enter")
        said = str(app.screen.query_one("#error-due_date").render())
        assert said == "2027-13-01 is not a day of the calendar: check the day and the month"
        await press(pilot, *(["backspace"] * 10), *"2028-06-01", "enter")
        assert "more than 45 weeks away" in str(app.screen.query_one("#error-due_date").render())
        await pilot.press(
            *(["backspace"] * 10), *"2027-05-01", "tab", "tab", "tab", "space", "ctrl+s"
        )
        await settled(pilot)
        assert type(app.screen).__name__ == "DossierScreen"
    engine = open_database(db)
    with unit_of_work(engine) as session:
        (episode,) = episodes.episodes_for_client(session=session, actor=ACTOR, code="NEW-1")
    engine.dispose()
    assert (episode.due_date, episode.referral_reasons) == (
        date(2027, 5, 1),
        ["fear_of_childbirth"],
    )


async def test_a_couple_is_made_of_two_clients_and_a_third_is_refused(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, "ctrl+o")
        # the highlighted MOM-1 is already the first partner
        await press_to(pilot, *"MOM-2", "enter", screen="CaseloadScreen")
        await press(pilot, "ctrl+n")
        await press(pilot, *"DAD-9", "enter")
        await press(pilot, "ctrl+o")
        await press(pilot, *"MOM-1", "enter")  # the highlighted DAD-9 first, MOM-1 second
        assert "already in a couple" in str(app.screen.query_one("#error-form").render())


async def test_the_command_palette_reaches_the_screens_actions(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, "ctrl+p")
        await press(pilot, *"new client")
        await press_to(pilot, "enter", screen="NewClientModal")


async def test_a_critical_item_left_unanswered_is_named_in_the_review_to_ask_about(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-1", EPDS)
        await press_to(pilot, "f2", *"000000000-", "enter", screen="ReviewScreen")
        score = str(app.screen.query_one("#review-score").render())
        assert "No valid total" in score
        assert "item 10 (Thoughts of self-harm) was not answered: ask about it" in score


async def test_the_palette_also_offers_the_dossiers_actions_the_footer_leaves_out(db):
    from hecht.tui.shell.palette import ScreenActions

    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await pilot.press(*"MOM-1", "enter")
        await app.workers.wait_for_complete()
        await settled(pilot)
        provider = ScreenActions(app.screen)
        labels = [label for label, _node, _action in provider._actions()]
        for wanted in ("Edit client (c)", "Edit episode (p)", "History (h)", "Discard draft (d)"):
            assert wanted in labels, labels


async def test_keys_can_be_remapped_from_the_config_file(db):
    config = Config(practitioner="Test Practitioner", keys={"caseload.new_client": "f6"})
    app = make_app(db, config=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await press_to(pilot, "f6", screen="NewClientModal")


async def test_an_unfinished_draft_is_offered_on_the_next_start(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-2", WHO5)
        await press(pilot, "3", "escape")
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, *"MOM-2")
        table = app.screen.query_one("#caseload-table")
        assert "✎" in str(table.get_row("MOM-2")[1])  # the signals column marks the draft
        strip = str(app.screen.query_one("#caseload-signals").render())
        assert "unfinished draft" in strip


async def test_the_caseload_shows_the_stored_truth_when_the_user_comes_back(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_entry(pilot, "MOM-1", EPDS)
        # item 10: an alert
        await press_to(pilot, "f2", *"0000000001", "enter", screen="AlertModal")
        await press(pilot, "enter", *"asked, no plans, safety plan", "enter")
        await press(pilot, "enter")  # the review: completed
        await press(pilot, "escape")  # back to the caseload, which reads again
        table = app.screen.query_one("#caseload-table")
        assert str(table.get_row("MOM-1")[1]) == ""  # no open alert, no draft left to mark
        assert type(app.screen).__name__ == "CaseloadScreen"


async def test_rows_read_before_a_registration_do_not_drop_the_new_clients_highlight(db):
    """A reload still on its way when a client was registered showed rows without them, and the
    highlight waiting for them was dropped: Enter typed ahead opened the row before (CI, load)."""
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        caseload = app.screen
        before = list(caseload.rows)
        with Practice.at(db, ACTOR) as practice:
            practice.client("NEW-1")
        caseload._highlight = "NEW-1"  # as _registered leaves it, the reload still to come
        caseload._show(before, caseload._seen_generation)  # the older rows arrive first
        assert caseload._highlight == "NEW-1"
        caseload.action_reload()
        await settled(pilot)
        assert caseload.selected_code() == "NEW-1" and caseload._highlight is None
        await press(pilot, "enter")
        assert type(app.screen).__name__ == "DossierScreen" and app.screen.code == "NEW-1"


async def test_a_dossier_that_cannot_be_read_says_so_and_its_action_keys_do_nothing(db):
    app = make_app(db)

    def unreadable(code: str) -> None:
        raise OSError("disk I/O error")

    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        app.backend.dossier = unreadable  # type: ignore[method-assign]
        await press(pilot, *"MOM-1", "enter")
        said = str(app.screen.query_one("#dossier-head").render())
        assert said == (
            "The dossier could not be read: the database refused it; what is stored is as it was"
        )
        # every key that acts on the client's records: none may act on a dossier never read
        await press_to(pilot, "e", "v", "r", "a", "n", "h", screen="DossierScreen")
        await press_to(pilot, "escape", screen="CaseloadScreen")
    assert app.return_code in (None, 0)


async def test_the_dossier_flags_a_critical_item_by_its_current_answer_across_corrections(db):
    from hecht.schema.inputs import GivenAnswer
    from hecht.schema.readmodels import AlertAction
    from hecht.schema.services.drafts import store_answers

    with Practice.at(db, ACTOR, LIBRARY) as practice:
        draft = practice.draft("MOM-1", "phq9", {})
        (raised,) = practice.answer(draft.id, "9", "2")
        practice.acknowledge(raised.id, AlertAction.DISCUSSED, "talked it through together")
        over = [GivenAnswer(str(item), "0") for item in range(1, 11)]  # item 9 typed over
        store_answers(**practice.context, answers=over, administration_id=draft.id)
        done = practice.complete(draft.id)

    async def scores_shown() -> str:
        app = make_app(db)
        async with app.run_test(size=(120, 36)) as pilot:
            await caseload_shown(pilot)
            await pilot.press(*"MOM-1", "enter")
            await app.workers.wait_for_complete()
            await settled(pilot)
            return str(app.screen.query_one("#dossier-scores").render())

    assert "⚠ item" not in await scores_shown()  # item 9 is 0 now
    with Practice.at(db, ACTOR, LIBRARY) as practice:
        practice.correct(done.lineage_id, {"9": "3"}, "the paper form says 3")
    assert "⚠ item 9 positive" in await scores_shown()
