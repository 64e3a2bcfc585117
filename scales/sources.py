"""Provides where scale definitions come from: the built-in folder and a practice's own folder.

``fingerprint`` tells, from file names, sizes and times alone, whether the files that a library
was loaded from are still the same, so what was drawn from them may be reused without loading.
"""

from __future__ import annotations

from pathlib import Path

BUILTIN_DIR = Path(__file__).parent / "definitions"


def toml_files(folder: Path | None) -> list[Path]:
    """The TOML files of a folder, sorted; none when the folder does not exist."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.toml") if path.is_file())


def fingerprint(local_dir: Path | None) -> list[list[object]]:
    """Name, size and modification time of every file the library would load, built-in first.

    Raises:
        OSError: a file vanished or cannot be read while it is looked at.
    """
    found: list[list[object]] = []
    for path in [*toml_files(BUILTIN_DIR), *toml_files(local_dir)]:
        stat = path.stat()
        found.append([str(path), stat.st_size, stat.st_mtime_ns])
    return found
