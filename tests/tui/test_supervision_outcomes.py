"""Signals on the caseload, the supervision screen and the outcomes screen, by keyboard only.

The practice: three clients with a WHO-5 (percent) baseline and a later total in one episode,
A 40 → 72 (mother), B 48 → 60 (partner), C 72 → 40 (role unknown). With WHO-5's reliable
change of 23.6 points, C is reliably worse (−32) and is the only client with a signal. Pairs:
n 3, mean change (32 + 12 − 32) / 3 = +4.00, SD of the changes √((28² + 8² + 36²) / 2) = 32.741,
95% CI 4 ± t(.975, 2) · 32.741 / √3 = 4 ± 4.3027 · 18.903 = [−77.33, 85.33]; for those
referred for fear of childbirth (A only) n 1, +32.00 without an interval.
"""

from __future__ import annotations

from datetime import date

from hecht.schema.context import Actor
from hecht.tui.config import Config, Signals
from hecht.tui.i18n import Messages
from tests.schema.conftest import Practice

from .conftest import LIBRARY, NOW, caseload_shown, make_app, press, press_to

ACTOR = Actor(user_id=None, access_point="test", clock=lambda: NOW)
BASE, LATER = date(2026, 10, 1), date(2026, 11, 20)
PEOPLE = (
    # code, name, role, referral reason, WHO-5 answers at baseline and later (raw sum × 4)
    ("A-1", "Anna Jansen", "mother", "fear_of_childbirth", "2,2,2,2,2", "4,4,3,3,4"),
    ("B-1", "Bram de Boer", "partner", "traumatic_birth", "3,3,2,2,2", "3,3,3,3,3"),
    ("C-1", "Carla Visser", None, "traumatic_birth", "4,4,3,3,4", "2,2,2,2,2"),
)


def seed(url: str, people=PEOPLE, later: date = LATER) -> None:
    with Practice.at(url, ACTOR, LIBRARY) as practice:
        for code, name, role, reason, before, after in people:
            practice.client(code, role, name=name)
            episode = practice.episode(
                code, BASE, due_date=date(2027, 1, 10), referral_reasons=[reason]
            )
            practice.scale(code, "who5", before, BASE, episode)
            practice.scale(code, "who5", after, later, episode)


def seeded_app(tmp_path, people=PEOPLE, later: date = LATER, config: Config | None = None):
    url = f"sqlite:///{tmp_path / 'practice.db'}"
    if not (tmp_path / "practice.db").exists():
        seed(url, people, later)
    return make_app(url, config=config)


def shown(widget) -> str:
    return str(widget.render())


async def test_a_deteriorated_client_shows_its_mark_and_the_strip_explains_it(tmp_path):
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await caseload_shown(pilot)
        table = app.screen.query_one("#caseload-table")
        signals = [str(table.get_row(code)[1]) for code in ("A-1", "B-1", "C-1")]
        assert signals == ["", "", "↓"]
        strip = app.screen.query_one("#caseload-signals")
        assert shown(strip) == "No signals for A-1."
        await press(pilot, "down", "down")  # the filter keeps the focus; arrows move the row
        assert "↓ WHO-5 reliably worse since baseline: 72 → 40" in shown(strip)


async def test_the_overdue_signal_follows_the_weeks_set_in_the_config_file(tmp_path):
    # A-1's last WHO-5 was on 20 October: five weeks before today
    people = PEOPLE[:1]
    for weeks, expected in ((None, "⏲"), (6, "")):
        config = (
            None
            if weeks is None
            else Config(practitioner="Test Practitioner", signals=Signals(overdue_weeks=weeks))
        )
        app = seeded_app(tmp_path, people, later=date(2026, 10, 20), config=config)
        async with app.run_test(size=(120, 36)) as pilot:
            await caseload_shown(pilot)
            table = app.screen.query_one("#caseload-table")
            assert str(table.get_row("A-1")[1]) == expected  # signals come second


async def test_supervision_lists_signalled_clients_first_and_shows_no_names(tmp_path):
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await press_to(pilot, "f6", screen="SupervisionScreen")
        table = app.screen.query_one("#supervision-list")
        codes = [str(table.get_row_at(index)[0]) for index in range(table.row_count)]
        assert codes == ["C-1", "A-1", "B-1"]
        page = "\n".join(shown(widget) for widget in app.screen.query("#supervision-case Static"))
        assert "reliably worse since baseline: 72 → 40" in page
        assert "-32 since baseline 72: reliably deteriorated" in page
        await press(pilot, "down")
        screen_text = "\n".join(shown(widget) for widget in app.screen.query("Static"))
        assert "+32 since baseline 40: recovered" in screen_text
        for _code, name, *_rest in PEOPLE:
            assert name not in screen_text and name.split()[-1] not in screen_text
        await pilot.press("escape")
        assert type(app.screen).__name__ == "CaseloadScreen"


async def test_outcomes_show_the_hand_worked_change_and_switch_group_by_key(tmp_path):
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await press_to(pilot, "f7", screen="OutcomesScreen")
        (table,) = app.screen.query("#outcomes DataTable")
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[:2] == ["WHO-5 ↑", "3"]
        assert row[4] == "+4.00\n[-77.33; 85.33]"
        assert row[7:11] == ["33%", "0%", "33%", "33%"]  # recovered, improved, unchanged, worse
        title = shown(app.screen.query_one("#outcomes-title"))
        assert "everyone · group 1 of" in title
        assert "3 episodes (0 closed) · 3 clients (3 with a first and a later score)" in title
        await press(pilot, "]")
        assert "referred for fear of childbirth" in shown(app.screen.query_one("#outcomes-title"))
        (table,) = app.screen.query("#outcomes DataTable")
        row = [str(cell) for cell in table.get_row_at(0)]
        assert (row[1], row[4]) == ("1", "+32.00")


async def test_the_dutch_outcomes_table_fits_a_110_column_terminal(tmp_path):
    app = seeded_app(tmp_path)
    app.messages = Messages("nl")  # the Dutch labels are the longer ones
    async with app.run_test(size=(110, 40)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, "f7")
        (table,) = app.screen.query("#outcomes DataTable")
        assert str(table.columns[table.ordered_columns[-1].key].label) == "Ongeldig"
        assert table.virtual_size.width <= app.screen.size.width - 1


async def test_the_outcomes_group_can_be_picked_from_a_list(tmp_path):
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, "f7")
        await press(pilot, "g")
        options = app.screen.query_one("#choice-list")
        first = str(options.get_option_at_index(0).prompt)
        assert first == "everyone · 3 episodes · 3 clients"
        await press(pilot, "end", "enter")  # the last group: role not recorded (C only)
        title = shown(app.screen.query_one("#outcomes-title"))
        assert "role not recorded · group" in title and "1 episode (0 closed) · 1 client" in title
        (table,) = app.screen.query("#outcomes DataTable")
        assert [str(cell) for cell in table.get_row_at(0)][4] == "-32.00"


async def test_an_empty_practice_has_no_pairs_yet(tmp_path):
    app = seeded_app(tmp_path, people=())
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await press(pilot, "f7")
        assert "No pairs yet" in shown(app.screen.query_one(".outcomes-empty"))
        assert not app.screen.query("#outcomes DataTable")


async def test_the_command_palette_reaches_supervision_and_outcomes(tmp_path):
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        for words, screen in (("supervision", "SupervisionScreen"), ("outcomes", "OutcomesScreen")):
            await press(pilot, "ctrl+p")
            await press(pilot, *words)
            await press(pilot, "enter")
            assert type(app.screen).__name__ == screen
            await press(pilot, "escape")
