"""The trajectory view by keyboard: t in the dossier opens it; [ ] choose the scale, x the axis,
u the subscales; a couple's relationship scale shows both partners and flags their discrepancy.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from hecht.scales.library import ScaleLibrary, load_library
from hecht.scales.series import Axis, Observation, build_trajectory, guides
from hecht.schema.context import Actor
from hecht.tui.app import HechtApp
from hecht.tui.i18n import Messages
from hecht.tui.views.trajectory_drawing import (
    BAND,
    CUTOFF,
    EVENT,
    ScaleTrajectory,
    drawing,
    notes,
    rows,
)
from hecht.tui.widgets.trajectory_chart import Drawing, Series, TrajectoryChart
from tests.schema.conftest import Practice

from .conftest import NOW, make_app, press, settled

ACTOR = Actor(user_id=None, access_point="test", clock=lambda: NOW)
DUE, BIRTH = date(2026, 9, 20), date(2026, 9, 14)
VISITS = (date(2026, 7, 6), date(2026, 8, 3), date(2026, 10, 12))  # P29, P33, PP4
EPDS_PLAIN = {0, 1, 3}  # items 1, 2 and 4 score as typed; the others are reversed (3 - code)


def epds_codes(scores: list[int]) -> str:
    """The codes to type for these EPDS item scores."""
    return ",".join(str(s if n in EPDS_PLAIN else 3 - s) for n, s in enumerate(scores))


# MOM-1 per visit. WHO-5: raw x 4. EPDS totals 12, 16, 10. CSI-4 codes are scores.
MOTHER = {
    "who5": ["1,1,1,1,2", "2,2,1,1,2", "3,3,3,2,2"],  # 24, 32, 52
    "epds": [
        epds_codes([2, 2, 2, 1, 1, 1, 1, 1, 1, 0]),  # 12
        epds_codes([2, 2, 2, 2, 2, 2, 1, 1, 1, 1]),  # 16
        epds_codes([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),  # 10
    ],
    "csi4": ["4,4,3,4", "3,3,3,3", "3,2,2,2"],  # 15, 12, 9
}
PARTNER = {"csi4": ["4,4,4,4", "2,2,2,2", "3,3,2,2"]}  # 16, 8, 10


def seed(
    url: str,
    library: ScaleLibrary,
    mother: dict,
    partner: dict,
    names: tuple[str, str] = ("Mira de Vries", "Sam de Vries"),
) -> None:
    """A couple seen three times around the birth, with the given answers per visit."""
    with Practice.at(url, ACTOR, library) as practice:
        for code, name in zip(("MOM-1", "DAD-1"), names, strict=True):
            practice.client(code, name=name)
        episode = practice.couple(
            "MOM-1", "DAD-1", date(2026, 7, 1), due_date=DUE, birth_date=BIRTH
        )
        for n, day in enumerate(VISITS):
            scales = [
                (code, scale_id, per_visit[n])
                for code, answers in (("MOM-1", mother), ("DAD-1", partner))
                for scale_id, per_visit in answers.items()
                if per_visit[n] is not None  # None: not given at this visit
            ]
            practice.visit_with_scales(episode, ["MOM-1", "DAD-1"], day, scales)


def shown(app: HechtApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def table_rows(app: HechtApp) -> list[list[str]]:
    table = app.screen.query_one("#trajectory-table")
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


async def open_trajectory(pilot) -> TrajectoryChart:
    """Open MOM-1's dossier from the caseload and her trajectory from there; return its chart."""
    await settled(pilot)
    await press(pilot, *"MOM-1", "enter")
    await press(pilot, "t")
    return pilot.app.screen.query_one("#trajectory-chart", TrajectoryChart)


@pytest.fixture
def library() -> ScaleLibrary:
    return load_library(None)


def seed_couple(url: str) -> None:
    """The couple of most tests here, with the answers above."""
    seed(url, load_library(None), MOTHER, PARTNER)


@pytest.fixture
def couple_db(tmp_path, practice_copy) -> str:
    return f"sqlite:///{practice_copy(tmp_path, seed_couple)}"


async def test_t_opens_the_chart_and_table_of_the_first_scale_on_the_visit_axis(couple_db, library):
    app = make_app(couple_db, library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_trajectory(pilot)
        assert type(app.screen).__name__ == "TrajectoryScreen"
        title = shown(app, "#trajectory-title")
        assert "WHO-5" in title and "Mira de Vries" in title and "scale 1 of 3" in title
        # 24 -> 52 is +28, beyond WHO-5's reliable change of 23.6, and crosses the cutoff of 52
        assert table_rows(app) == [
            ["6 Jul 2026", "P29", "24", "poor wellbeing", "baseline", ""],
            ["3 Aug 2026", "P33", "32", "poor wellbeing", "+8", "no reliable change"],
            ["12 Oct 2026", "PP4", "52", "no sign of poor wellbeing", "+28", "▲ recovered"],
        ]
        chart = app.screen.query_one("#trajectory-chart")
        assert [line.ys for line in chart.drawing.series] == [(24, 32, 52)]
        assert chart.drawing.series[0].label == "Mira de Vries"
        assert [(m.xs, m.ys) for m in chart.drawing.extra] == [((3.0,), (52,))]
        assert chart.drawing.hlines == ((52, CUTOFF),)  # the band boundary is the cutoff


async def test_x_cycles_the_axis_and_the_week_axis_marks_the_birth(couple_db, library):
    app = make_app(couple_db, library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_trajectory(pilot)
        await press(pilot, "x")
        assert chart.drawing.xlabel == "date"
        assert chart.drawing.series[0].xs == tuple(float(d.toordinal()) for d in VISITS)
        await press(pilot, "x")
        assert chart.drawing.xlabel == "week (P = pregnant, PP = postpartum)"
        # 2026-07-06 is 70 days before the birth, 2026-08-03 42 days; 2026-10-12 28 days after
        assert chart.drawing.series[0].xs == (-10.0, -6.0, 4.0)
        assert chart.drawing.vlines == ((0.0, EVENT),)
        assert "birth (14 Sept 2026)" in shown(app, "#trajectory-notes")
        assert "P29" in [label for _, label in chart.drawing.xticks]
        drawn = chart.render().plain
        assert "P29" in drawn and "PP4" in drawn and "Mira de Vries" in drawn
        await press(pilot, "x")
        assert chart.drawing.xlabel == "visit"


async def test_scales_cycle_with_brackets_and_arrows_and_each_shows_its_own_guides(
    couple_db, library
):
    app = make_app(couple_db, library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_trajectory(pilot)
        await press(pilot, "]")
        assert "EPDS" in shown(app, "#trajectory-title")
        # EPDS: bands 0-9, 10-12, 13-30, cutoff 13: one band line at 10 and the cutoff
        assert chart.drawing.hlines == ((10, BAND), (13, CUTOFF))
        # 12 -> 16 is +4, the published reliable change: a reliable deterioration
        assert [row[4:] for row in table_rows(app)] == [
            ["baseline", ""],
            ["+4", "✖ reliably deteriorated"],
            ["-2", "no reliable change"],
        ]
        await press(pilot, "right")
        assert "CSI-4" in shown(app, "#trajectory-title")
        await press(pilot, "left", "[")
        assert "WHO-5" in shown(app, "#trajectory-title")


async def test_many_keys_before_a_frame_cost_one_redraw(couple_db, library):
    app = make_app(couple_db, library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_trajectory(pilot)
        before = chart.builds
        app.screen.action_next_scale()
        app.screen.action_cycle_axis()
        app.screen.action_next_scale()  # CSI-4 on the date axis, all before one refresh
        await settled(pilot)
        assert chart.builds == before + 1
        assert "CSI-4" in shown(app, "#trajectory-title")
        await settled(pilot)
        assert chart.builds == before + 1  # nothing changed: no rebuild


async def test_a_resize_rebuilds_the_chart_once_and_repaints_reuse_it(couple_db, library):
    app = make_app(couple_db, library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_trajectory(pilot)
        before = chart.builds
        await pilot.resize_terminal(100, 36)
        await settled(pilot)
        assert chart.builds == before + 1
        chart.refresh()  # a repaint at the same size (focus, hover, a dialog closing)
        await settled(pilot)
        assert chart.builds == before + 1
        assert chart.size.width < 120


async def test_a_couple_shares_the_relationship_chart_without_inventing_a_flag(couple_db, library):
    app = make_app(couple_db, library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_trajectory(pilot)
        await press(pilot, "[")  # wraps round to the last scale, CSI-4
        chart = app.screen.query_one("#trajectory-chart")
        assert [s.ys for s in chart.drawing.series] == [(15, 12, 9), (16, 8, 10)]
        assert [s.label for s in chart.drawing.series] == ["Mira de Vries", "Sam de Vries"]
        # CSI-4 has no change parameters: neither change nor difference is flagged
        assert (chart.drawing.extra, chart.drawing.bars) == ((), ())
        assert "no known reliable difference" in shown(app, "#trajectory-notes")
        assert [row[6:] for row in table_rows(app)] == [["16", "-1"], ["8", "+4"], ["10", "-1"]]


def practice_relationship_scale(folder: Path) -> None:
    """A local copy of CSI-4 that a practice gave a reliable change of 5 points."""
    text = (Path(load_library(None).entry("csi4").path)).read_text(encoding="utf-8")
    text = text.replace('id = "csi4"', 'id = "csi4_local"', 1)
    text += '\n[change]\nreliable_change = 5\ncriterion = 1.96\nsource = "test"\n'
    (folder / "csi4_local.toml").write_text(text, encoding="utf-8")


async def test_partners_further_apart_than_the_reliable_difference_are_flagged(tmp_path):
    practice_relationship_scale(tmp_path)
    library = load_library(tmp_path)
    url = f"sqlite:///{tmp_path / 'practice.db'}"
    # MOM 15, 12, 9 against DAD 16, 4, 10: the second visit differs by 8 > 5
    dad = ["4,4,4,4", "1,1,1,1", "3,3,2,2"]
    seed(url, library, {"csi4_local": MOTHER["csi4"]}, {"csi4_local": dad})
    app = make_app(url, library=library)
    app.privacy = True
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await open_trajectory(pilot)
        assert [s.label for s in chart.drawing.series] == ["MOM-1", "DAD-1"]  # privacy: codes
        # with change parameters her own 15 -> 9 (-6, beyond 5) is a reliable deterioration too
        (worse,) = chart.drawing.extra
        assert (worse.xs, worse.ys, worse.label) == ((3.0,), (9,), "reliable deterioration")
        (flag,) = chart.drawing.bars  # a bar at visit 2 between his 4 and her 12
        assert (flag.xs, flag.lows, flag.highs) == ((2.0,), (4,), (12,))
        assert flag.label == "partners differ reliably"
        assert "5 points or more" in shown(app, "#trajectory-notes")
        assert [row[7] for row in table_rows(app)] == ["-1", "+8 ┃", "-1"]
        assert "Mira" not in shown(app, "#trajectory-title")


async def test_one_administration_shows_no_change_yet_and_a_scale_without_cutoff_says_so(
    tmp_path, library
):
    url = f"sqlite:///{tmp_path / 'practice.db'}"
    # RSES, all 'agree': five items score 2, the five reversed ones 1
    seed(url, library, {"rses": ["1,1,1,1,1,1,1,1,1,1", None, None]}, {})
    app = make_app(url, library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_trajectory(pilot)
        assert table_rows(app) == [["6 Jul 2026", "P29", "15", "—", "no change yet", ""]]
        assert "No published cutoff" in shown(app, "#trajectory-notes")
        assert app.screen.query_one("#trajectory-chart").drawing.hlines == ()


async def test_the_view_speaks_dutch(couple_db, library):
    app = make_app(couple_db, library=library, language="nl")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_trajectory(pilot)
        assert app.screen.query_one("#trajectory-chart").drawing.xlabel == "bezoek"
        assert table_rows(app)[0][:5] == [
            "06-07-2026",
            "Z29",
            "24",
            "laag welbevinden",
            "beginmeting",
        ]
        assert table_rows(app)[1][4] == "+8"
        assert "betrouwbaar vanaf 23,6 punten" in shown(app, "#trajectory-notes")


async def test_wide_characters_in_the_partners_names_leave_the_chart_laid_out_at_80_by_24(
    tmp_path, library
):
    url = f"sqlite:///{tmp_path / 'practice.db'}"
    names = ("Lisa 🌸 van Dijk 👶", "王芳 Wouter 🦊")
    seed(url, library, MOTHER, PARTNER, names)
    app = make_app(url, library=library, language="nl")
    async with app.run_test(size=(80, 24)) as pilot:
        chart = await open_trajectory(pilot)
        await press(pilot, "[")  # CSI-4: both partners' lines, each with a name in the legend
        assert [s.label for s in chart.drawing.series] == list(names)
        lines = chart.render().plain.rstrip("\n").split("\n")
        assert {cell_len(line) for line in lines} == {chart.size.width}  # no row pushed wider
        assert len(lines) == chart.size.height
        assert any(names[0] in line for line in lines) and any(names[1] in line for line in lines)
        assert "bezoek" in lines[-1]  # the axis label is still on the chart's last row


def test_a_label_too_long_for_the_legend_is_cut_with_an_ellipsis_rather_than_dropped():
    chart = TrajectoryChart()
    name = "Fleur Anna Maria Johanna van den Berg-" * 4
    chart.drawing = Drawing(
        series=(Series((1, 2, 3), (4, 8, 6), "cyan+", "hd", name),),
        xlim=(0, 4), ylim=(0, 10), xticks=((1, "1"), (3, "3")), xlabel="visit",
    )  # fmt: skip
    built = chart.build(60, 18, "dark").plain
    assert "Fleur Anna Maria" in built and "…" in built  # at most a third of the width
    assert {cell_len(line) for line in built.rstrip("\n").split("\n")} == {60}


def test_the_chart_reads_plotexts_matrix_exactly_as_its_own_ansi_output_would_show():
    chart = TrajectoryChart()
    chart.drawing = Drawing(
        series=(Series((1, 2, 3), (4, 8, 6), "cyan+", "hd", "client"),),
        extra=(Series((2,), (8,), "green+", "▲", "improved", joined=False),),
        hlines=((5, "red"),), vlines=((2, "orange"),), xlim=(0, 4), ylim=(0, 10),
        xticks=((1, "Z20"), (3, "PP2")), xlabel="week",
    )  # fmt: skip
    console = Console(width=80, color_system="truecolor", force_terminal=True)

    def segments(text: Text) -> list[Segment]:
        return list(Segment.simplify(console.render(text)))

    chart.set_up(60, 18, "dark")
    expected = Text.from_ansi(chart.plt.build())
    built = chart.build(60, 18, "dark")
    assert built.plain == expected.plain
    assert segments(built) == segments(expected)
    assert chart.builds == 1


def test_a_scale_without_a_total_charts_and_lists_its_subscales():
    ecr = load_library(None).get("ecr_rs")
    seen = [Observation(date(2026, 10, 8), None, {"avoidance": 3.0, "anxiety": 5.5}, visit=1)]
    scale = ScaleTrajectory(ecr, build_trajectory(ecr, seen), None, (), guides(ecr))
    text = Messages("en")
    (row,) = rows(scale, text)
    assert row[2] == "Avoidance 3 · Anxiety 5.5"
    chart = drawing(scale, Axis.VISIT, False, ["MOM-1"], text)
    assert [(s.label, s.ys) for s in chart.series] == [("Avoidance", (3.0,)), ("Anxiety", (5.5,))]
    assert chart.ylim == (1, 7)


def test_u_adds_the_subscales_beside_the_total_on_one_axis():
    pbq = load_library(None).get("pbq")
    parts = {"impaired_bonding": 14.0, "rejection_anger": 6.0, "infant_anxiety": 4.0}
    seen = [Observation(date(2026, 10, 8), 26.0, {**parts, "abuse_risk": 2.0}, visit=1)]
    scale = ScaleTrajectory(pbq, build_trajectory(pbq, seen), None, (), guides(pbq))
    text = Messages("en")
    alone = drawing(scale, Axis.VISIT, False, ["MOM-1"], text)
    both = drawing(scale, Axis.VISIT, True, ["MOM-1"], text)
    assert [s.ys for s in alone.series] == [(26.0,)]
    assert [s.ys for s in both.series] == [(26.0,), (14.0,), (6.0,), (4.0,), (2.0,)]
    assert both.series[1].label == "Impaired bonding"
    assert both.ylim == alone.ylim == (0, 125)  # the subscales lie within the total's range


@pytest.mark.parametrize("axis", list(Axis), ids=lambda axis: axis.value)
def test_a_scale_whose_only_total_is_invalid_draws_an_empty_chart_beside_its_table(axis):
    csi4 = load_library(None).get("csi4")
    seen = [Observation(date(2026, 11, 20), None, {}, visit=1)]  # an item left open: no total
    scale = ScaleTrajectory(csi4, build_trajectory(csi4, seen), None, (), guides(csi4))
    text = Messages("en")
    assert str(rows(scale, text)[0][2]) == "invalid"
    chart = TrajectoryChart()
    chart.drawing = drawing(scale, axis, False, ["K1"], text)
    assert all(series.xs for series in chart.drawing.series + chart.drawing.points)
    built = chart.build(60, 18, "dark")  # plotext failed on a line without a point
    assert "K1" not in built.plain  # no legend for a line that is not there


@pytest.mark.parametrize(
    ("language", "without_visit", "said"),
    [
        ("nl", 1, "1 score zonder bezoek staat niet op deze as (zie de tabel)."),
        ("nl", 2, "2 scores zonder bezoek staan niet op deze as (zie de tabel)."),
        ("en", 1, "1 score without a visit is not on this axis (see the table)."),
        ("en", 2, "2 scores without a visit are not on this axis (see the table)."),
    ],
)
def test_the_note_on_scores_off_the_visit_axis_agrees_with_their_number(
    language, without_visit, said
):
    who5 = load_library(None).get("who5")
    seen = [Observation(date(2026, 10, 1 + n), 60.0) for n in range(without_visit)]  # no visit
    seen.append(Observation(date(2026, 10, 20), 64.0, visit=1))
    scale = ScaleTrajectory(who5, build_trajectory(who5, seen), None, (), guides(who5))
    assert said in [str(note) for note in notes(scale, Axis.VISIT, Messages(language))]
