"""Plain reads for a whole practice: the collector is held off while rows are built."""

from __future__ import annotations

import gc
import threading

from hecht.schema.db.plain import collector_paused


def test_the_collector_is_paused_for_the_read_and_on_again_after_nested_and_concurrent_reads():
    assert gc.isenabled()
    inside, outer_done = threading.Event(), threading.Event()

    def other_read() -> None:
        with collector_paused():
            inside.set()
            outer_done.wait(5)
            assert not gc.isenabled()  # the first read ended; this one still holds the pause

    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner read ending does not end the outer one's pause
        reader = threading.Thread(target=other_read)
        reader.start()
        assert inside.wait(5)
    assert not gc.isenabled()
    outer_done.set()
    reader.join(5)
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
