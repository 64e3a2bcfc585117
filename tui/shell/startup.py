"""Provides start-up mode: the cyclic garbage collector paused until the caseload is shown.

Start-up builds a few hundred thousand objects that live as long as the process (modules,
classes, the stylesheet, the scale library). Left on, the collector walks them again and again
while they are made: about a fifth of the time from process start to the filled caseload on the
dev machine. Paused, then frozen into the permanent generation, they are never walked again.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collection() -> None:
    """Pause the collector for start-up (``hecht`` calls this before importing Textual)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collection() -> None:
    """End start-up: freeze what it built and collect as usual from now on.

    Does nothing unless ``pause_collection`` paused the collector, so an app started by a test
    or another host leaves that host's collector alone. Safe to call more than once.
    """
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    """Whether start-up mode holds the collector paused."""
    return _paused
