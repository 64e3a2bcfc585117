"""The wheel: every module and data file is in it, under the single top-level name ``hecht``."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
LAYERS = ("scales", "schema", "tui")
DATA_SUFFIXES = (".toml", ".tcss", ".md", ".mako")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = out.glob("hecht-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def source_files() -> set[str]:
    files: set[str] = set()
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py" or path.suffix in DATA_SUFFIXES:
                files.add("hecht/" + path.relative_to(ROOT).as_posix())
    return files


def test_every_module_and_data_file_is_in_the_wheel(wheel_names):
    missing = source_files() - wheel_names
    assert not missing, f"left out of the wheel: {sorted(missing)}"


def test_hecht_is_the_only_top_level_name(wheel_names):
    tops = {
        name.split("/")[0] for name in wheel_names if not name.split("/")[0].endswith(".dist-info")
    }
    assert tops == {"hecht"}


def test_the_wheel_declares_the_hecht_command(wheel, wheel_names):
    (entry_points,) = [name for name in wheel_names if name.endswith("entry_points.txt")]
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(entry_points).decode()
    assert "hecht = hecht.tui.cli.main:main" in text
