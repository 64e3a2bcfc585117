"""The benchmarks still run: they drive the app from outside, so a change to a screen can break
them without any test noticing (the caseload's ``_show`` and the entry screen's target did)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hecht.schema.db.database import open_database

BENCH = Path(__file__).parents[1] / "bench"


@pytest.fixture
def bench_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))


@pytest.mark.parametrize("kind", ["hecht", "hecht-filled", "app"])
def test_a_measured_start_reports_its_seconds(tmp_path, kind):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_database(url).dispose()
    env = {**os.environ, "HECHT_LANG": "en", "HECHT_CONFIG": str(tmp_path / "config"),
           "HECHT_CACHE": str(tmp_path / "cache"), "BENCH_STARTED": repr(time.time())}  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(BENCH / "first_frame.py"), kind, url],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.strip().splitlines()[-1]) > 0, done.stdout + done.stderr


def test_the_key_handling_benchmark_runs(bench_modules):
    import run  # bench/run.py

    entry_key, label_key = asyncio.run(run.key_handling())
    assert entry_key > 0 and label_key > 0


@pytest.mark.long
def test_the_tmux_key_benchmark_runs(bench_modules):
    import tmux_keys  # bench/tmux_keys.py

    assert "key→visible" in "\n".join(tmux_keys.measure(keys=3).lines())


def test_the_chart_redraw_benchmark_runs(bench_modules):
    import chart_redraw  # bench/chart_redraw.py

    library = chart_redraw.library_with_relationship_change()
    found = asyncio.run(chart_redraw.measure(chart_redraw.view(6, True), library, runs=2))
    assert found["chart redraw"] > 0 and found["screen redraw (key press)"] > 0


@pytest.mark.long  # five seconds of CPU: with the slow groups, which CI runs too
def test_the_large_practice_benchmark_runs_on_a_small_practice(tmp_path):
    # bench/practice_scale.py builds its rows by the services' field names: a renamed or added
    # field must fail here, not on the day someone measures a large practice
    done = subprocess.run(
        [sys.executable, str(BENCH / "practice_scale.py"), "--clients", "20", "--per-client", "3"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    measured = [line.split()[0] for line in done.stdout.splitlines() if "ms" in line]
    assert len(measured) == 4, done.stdout
