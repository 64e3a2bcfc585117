"""Provides Hecht's benchmarks, reported as ratios to a baseline measured in the same run.

    python bench/run.py            # all benchmarks, medians of repeated runs

Goals (issue 4): first frame of the caseload <= 1.3x a minimal Textual app (empty database),
caseload filled <= 2x on the demo practice, both started as the ``hecht`` command starts;
one key in item entry <= 2 ms in-process, and <= one frame (16.7 ms) above the floor end to
end in tmux (``tmux_keys.py``); an EPDS from paper in 11 keystrokes. Issue 10: ``hecht --demo``
with no demo file yet (a first start after an install: no scale cache either) shows the rows of
the freshly built demo within 10 s, reported with its ratio to the minimal app like the others.
The machines are shared and noisy: compare ratios. The starts are measured in turns (one of each
kind per round), from compiled bytecode as an installed Hecht starts, with the scale facts an
earlier session leaves.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).parent
RUNS = 11


def timed_process(*args: str, cache: str) -> float:
    """Seconds from starting a child Python to the moment it reports (its first frame).

    The child gets a config folder of its own (``first_frame`` names a practitioner in it for a
    start on a database, as everyday starts are) and English, and the cache folder given (with
    the scale facts that any earlier start left there).
    """
    extra = {"HECHT_LANG": "en", "HECHT_CACHE": cache}
    with tempfile.TemporaryDirectory() as config:
        return _timed_child(args, {**extra, "HECHT_CONFIG": config})


def median_starts(starts: dict[str, tuple[str, ...]], cache: str) -> dict[str, float]:
    """The median of each kind of start, measured in turns: one of each kind per round.

    Taking turns spreads the shared machine's slow and fast moments over every kind alike, so
    the ratios hold even when the times drift. A warm-up round first fills the file cache.
    A kind whose name ends in ``cold`` starts with an empty cache folder, as a first start after
    an install does; the others share ``cache`` (with the scale facts an earlier start left).
    """

    def start(name: str) -> float:
        if not name.endswith("cold"):
            return timed_process(*starts[name], cache=cache)
        with tempfile.TemporaryDirectory() as empty:
            return timed_process(*starts[name], cache=empty)

    times: dict[str, list[float]] = {name: [] for name in starts}
    for round_number in range(RUNS + 1):
        for name in starts:
            seconds = start(name)
            if round_number:
                times[name].append(seconds)
    return {name: statistics.median(found) for name, found in times.items()}


def _timed_child(args: tuple[str, ...], extra: dict[str, str]) -> float:
    env = {**os.environ, **extra, "BENCH_STARTED": repr(time.time())}
    # An installed Hecht starts from compiled bytecode (pip compiles at install): let the warm-up
    # start write it, or every measured start would compile Hecht's modules and the minimal app
    # none of its own.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, str(HERE / "first_frame.py"), *args],
        check=True, capture_output=True, text=True, env=env,
    )  # fmt: skip
    return float(done.stdout.strip().splitlines()[-1])


def databases(folder: Path) -> tuple[str, str]:
    """An empty database and the demo practice."""
    from hecht.scales.library import load_library
    from hecht.schema.db.database import open_database
    from hecht.schema.demo.build import build_demo_practice

    empty = f"sqlite:///{folder / 'empty.db'}"
    open_database(empty).dispose()
    demo = f"sqlite:///{folder / 'demo.db'}"
    engine = open_database(demo)
    build_demo_practice(engine=engine, library=load_library(None), today=date(2026, 11, 24))
    engine.dispose()
    return empty, demo


def remember_scales(cache: str) -> None:
    """Leave the scales' facts in the cache folder, as any earlier session of Hecht does.

    A measured start exits at its first frame or rows, before it would have loaded the scales.
    """
    subprocess.run(
        [sys.executable, "-c",
         "from hecht.tui.views.scale_facts import load_and_remember as l; l(None)"],
        check=True, env={**os.environ, "HECHT_CACHE": cache},
    )  # fmt: skip


async def key_handling() -> tuple[float, float]:
    """Median handler time of one answer key in item entry, and of a minimal label update."""
    from textual import events
    from textual.app import App
    from textual.widgets import Label

    from hecht.scales.library import load_library
    from hecht.schema.readmodels import AdministrationRead
    from hecht.tui.screens.entry import EntryScreen, EntryTarget

    class Baseline(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Label("0", id="label")

        def on_key(self, event: events.Key) -> None:
            self.query_one("#label", Label).update(event.character or "")

    async with Baseline().run_test() as pilot:
        app = pilot.app
        baseline = []
        for index in range(200):
            key = events.Key(str(index % 10), str(index % 10))
            start = time.perf_counter()
            app.on_key(key)
            baseline.append(time.perf_counter() - start)

    library = load_library(None)
    definition = library.get("epds")
    now = datetime.now(UTC)
    draft = AdministrationRead(1, 1, 1, None, 1, None, None, "epds", "1", "self", "paper",
                               "draft", now, now, now, None, None)  # fmt: skip

    class Host(App[None]):
        messages = __import__("hecht.tui.i18n", fromlist=["Messages"]).Messages("en")
        backend = type("NoStore", (), {"answer": staticmethod(lambda *a: []), "preview": None})()

    async with Host().run_test() as pilot:
        screen = EntryScreen(EntryTarget(draft=draft), definition, "bench")
        screen._review = lambda: None  # type: ignore[method-assign]
        # the handler alone: storing runs on the screen's worker after it, off the key's path
        screen._save = lambda *answers, **how: None  # type: ignore[method-assign]
        await pilot.app.push_screen(screen)
        handler = []
        for index in range(200):
            if screen.state.finished:
                screen.state.position = 0
            key = events.Key(str(index % 4), str(index % 4))
            start = time.perf_counter()
            screen.on_key(key)
            handler.append(time.perf_counter() - start)
    return statistics.median(handler), statistics.median(baseline)


def epds_keystrokes() -> int:
    """Keys to transcribe one EPDS from paper once it is open: one per item and one to confirm."""
    from hecht.scales.library import load_library
    from hecht.tui.views.entry_state import EntryState, KeyOutcome

    state = EntryState(load_library(None).get("epds"))
    keys = 0
    for typed in "0123012301":
        outcome, _ = state.press(typed)
        keys += 1
        assert outcome is KeyOutcome.ANSWERED
    return keys + 1  # Enter on the review


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        cache = str(Path(folder) / "cache")
        empty, demo = databases(Path(folder))
        remember_scales(cache)
        medians = median_starts(
            {
                "minimal": ("minimal",),
                "first": ("hecht", empty),
                "app": ("app", empty),
                "filled": ("hecht-filled", demo),
                "filled cold": ("hecht-filled", demo),
                "demo cold": ("hecht-demo",),
            },
            cache,
        )
    minimal, first_empty, app_alone, filled_demo, filled_cold, demo_built = medians.values()
    entry_key, label_key = asyncio.run(key_handling())
    rows = [
        ("minimal Textual app, start to first frame", minimal, 1.0, ""),
        ("first frame of the caseload", first_empty, first_empty / minimal, "goal <= 1.3x"),
        ("  the same, without the command line", app_alone, app_alone / minimal, ""),
        ("caseload filled, demo practice", filled_demo, filled_demo / minimal, "goal <= 2x"),
        ("  the same, first start (no scale cache)", filled_cold, filled_cold / minimal, ""),
        ("hecht --demo, demo built and shown", demo_built, demo_built / minimal, "goal <= 10 s"),
        ("one key in item entry (handler)", entry_key, entry_key / label_key, "goal <= 2 ms"),
        ("minimal app: one key updates a label", label_key, 1.0, ""),
    ]
    print(f"{'benchmark':<42} {'median':>10} {'ratio':>7}  goal")
    for name, seconds, ratio, goal in rows:
        print(f"{name:<42} {seconds * 1000:>8.2f}ms {ratio:>6.2f}x  {goal}")
    keys = epds_keystrokes()
    print(f"{'keystrokes to transcribe one EPDS from paper':<42} {keys:>10}          goal 11")
    print("one answer key in item entry, end to end in tmux (bench/tmux_keys.py):")
    print("\n".join(f"  {line}" for line in end_to_end_keys()))


def end_to_end_keys() -> list[str]:
    """The tmux benchmark's report, or why it could not run (it needs tmux and ``hecht``)."""
    from tmux_keys import measure  # bench/ is the script's folder, so it is on sys.path

    try:
        return measure().lines()
    except RuntimeError as error:
        return [f"not measured: {error}"]


if __name__ == "__main__":
    main()
