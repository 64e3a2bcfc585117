"""Test-only start of ``hecht`` with one place made to fail: ``crashing_hecht.py PLACE KIND ARGS``.

The product has no hook for this. Before ``hecht.tui.cli.main.main`` runs, one method (a key
handler, a worker's call, a screen's compose, a message handler, a callback from a thread) is
replaced by one that raises an exception of KIND; both its local variables and the exception's
message hold canary data (a client's name, a note, answers), which must never reach the terminal or
a file.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from collections.abc import Callable
from typing import Any

CANARY_NAME = "Canarywoman Zyx"
CANARY_NOTE = "Zyx said she slept in the car after the fight"
CANARY_ANSWERS = "Zyx answers 4,4,0,3,2"
CANARY = "zyx"
"""In every canary (compared without regard to case)."""


def failure(kind: str) -> Exception:
    """An exception whose message holds canary data, of the kind named."""
    if kind == "key":
        return KeyError(CANARY_NAME)
    if kind == "value":
        return ValueError(f"cannot read the note {CANARY_NOTE!r}")
    if kind == "database":
        from sqlalchemy.exc import OperationalError

        return OperationalError(
            "UPDATE client SET name = ?, note = ? WHERE code = ?",
            (CANARY_NAME, CANARY_NOTE, CANARY_ANSWERS),
            sqlite3.OperationalError(f"database is locked while storing {CANARY_NAME}"),
        )
    return RuntimeError(f"{CANARY_ANSWERS} of {CANARY_NAME}")


KINDS = ("key", "value", "database", "runtime")


def raising(kind: str, original: Callable[..., Any], after_calls: int = 0) -> Callable[..., Any]:
    """A replacement for ``original`` that raises (after letting it run ``after_calls`` times)."""
    calls = [0]

    def replacement(*args: Any, **kwargs: Any) -> Any:
        client_name, note, answers = CANARY_NAME, CANARY_NOTE, CANARY_ANSWERS  # noqa: F841
        calls[0] += 1
        if calls[0] <= after_calls:
            return original(*args, **kwargs)
        raise failure(kind)

    return replacement


PLACES: dict[str, tuple[str, str, str, int]] = {
    # place: module, class, method, calls let through before it raises
    "key-handler": ("hecht.tui.screens.entry", "EntryScreen", "on_key", 0),
    "worker": ("hecht.tui.backend.core", "Backend", "caseload", 1),
    "compose": ("hecht.tui.dialogs.scale_picker", "ScalePickerModal", "compose", 0),
    "message-handler": ("hecht.tui.screens.dossier", "DossierScreen", "on_mount", 0),
    "thread-callback": ("hecht.tui.screens.entry", "EntryScreen", "_stored", 0),
}
"""Where the exception is raised: a key in item entry; the caseload's reader thread on F5 (the
first read passes); the scale picker's compose; the dossier's Mount handler; and the callback
that the entry's writer thread calls on the app once an answer is stored."""


def install(place: str, kind: str) -> None:
    """Make ``place`` raise an exception of ``kind``."""
    module_name, class_name, method, after_calls = PLACES[place]
    owner = getattr(importlib.import_module(module_name), class_name)
    setattr(owner, method, raising(kind, getattr(owner, method), after_calls))


if __name__ == "__main__":
    install(sys.argv[1], sys.argv[2])
    from hecht.tui.cli.main import main

    sys.exit(main(sys.argv[3:]))
