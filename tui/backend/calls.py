"""Provides what the backend's groups of calls rely on: the library, the actor, a unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from sqlmodel import Session

    from hecht.scales.library import ScaleLibrary
    from hecht.schema.context import Actor

T = TypeVar("T")


class BackendCalls:
    """A group of the backend's calls, mixed into ``Backend``, which provides these three."""

    if TYPE_CHECKING:

        @property
        def library(self) -> ScaleLibrary: ...
        @property
        def actor(self) -> Actor: ...

        def _run(self, work: Callable[[Session], T], *, writes: bool = False) -> T: ...
