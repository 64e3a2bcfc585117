"""Keeps one open file per database file while this process has connections to it.

The kernel ties SQLite's byte-range locks to the process and the file, not to the descriptor
that took them: closing *any* descriptor of the file drops them all, for every connection of
the process. Another program could then take the file as if no one had it open (and delete a
write-ahead log still in use). SQLite keeps its own descriptors open until its last lock on the
file ends; Hecht's own opens of the file do the same here: one descriptor per file, counted by
the connections that stand on it, and every look at the file's first bytes goes through it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first bytes of a plain SQLite file (an encrypted one starts otherwise)."""

FileKey = tuple[int, int]
"""A file as the kernel knows it: its device and inode."""


@dataclass
class _Held:
    stream: BinaryIO
    users: int = 1
    spares: list[BinaryIO] = field(default_factory=list)


@dataclass
class Share:
    """One connection's claim on its file's descriptor: closed when the connection is."""

    key: FileKey
    closed: bool = field(default=False)

    def close(self) -> None:
        """Let go of the descriptor; the last to let go closes it. Closing twice is harmless."""
        with _LOCK:
            if self.closed:
                return
            self.closed = True
            held = _HELD[self.key]
            held.users -= 1
            if held.users == 0:
                del _HELD[self.key]
                for stream in (held.stream, *held.spares):
                    stream.close()


_LOCK = threading.Lock()
_HELD: dict[FileKey, _Held] = {}


def _key(path: Path) -> FileKey | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def share(path: Path, open_locked: Callable[[Path], BinaryIO | None]) -> Share | None:
    """Stand on the file's descriptor, opening it with ``open_locked`` when none is held.

    ``open_locked`` returns the opened (and locked) file, or None when there is no file; it
    must not block. Raises what ``open_locked`` raises.
    """
    with _LOCK:
        key = _key(path)
        if key is not None and key in _HELD:
            _HELD[key].users += 1
            return Share(key)
        stream = open_locked(path)
        if stream is None:
            return None
        opened = os.fstat(stream.fileno())
        key = (opened.st_dev, opened.st_ino)
        if key in _HELD:  # replaced meanwhile by a file held already: closing this one would
            _HELD[key].spares.append(stream)  # drop the locks of the connections to it
            _HELD[key].users += 1
        else:
            _HELD[key] = _Held(stream)
        return Share(key)


def is_held(path: Path) -> bool:
    """Whether this process has connections to the file (through ``share``)."""
    with _LOCK:
        key = _key(path)
        return key is not None and key in _HELD


def read_start(path: Path, size: int) -> bytes:
    """The file's first ``size`` bytes, read without closing a descriptor this process's
    connections depend on.

    Raises:
        OSError: the file cannot be opened or read.
    """
    with _LOCK:
        key = _key(path)
        if key is not None and key in _HELD:
            return os.pread(_HELD[key].stream.fileno(), size, 0)
    with path.open("rb") as stream:
        return stream.read(size)
