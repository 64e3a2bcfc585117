"""Provides the first caseload read in a thread of its own, started before the screen is built.

It runs while Textual is imported and the first frame painted; the caseload screen then takes its
rows instead of waiting for storage proper (``hecht.schema.quick`` says when that qualifies).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hecht.scales.facts import ScaleFacts
    from hecht.schema.services.caseload import CaseloadRow
    from hecht.schema.services.signals import SignalThresholds
    from hecht.tui.backend import Backend


class FirstCaseload:
    """The quick first caseload read (``hecht.schema.quick``), running in a thread of its own."""

    def __init__(
        self,
        backend: Backend,
        facts: Mapping[str, ScaleFacts],
        thresholds: SignalThresholds | None,
    ) -> None:
        self.thresholds = thresholds
        self._rows: list[CaseloadRow] | None = None
        self._thread = threading.Thread(
            target=self._read, args=(backend, facts), name="first-caseload", daemon=True
        )
        self._thread.start()

    def _read(self, backend: Backend, facts: Mapping[str, ScaleFacts]) -> None:
        try:
            from hecht.schema.quick import quick_caseload

            self._rows = quick_caseload(
                backend.url, facts=facts, access_point=backend.access_point,
                clock=backend.clock, practitioner=backend.practitioner,
                thresholds=self.thresholds,
            )  # fmt: skip
        except Exception:  # noqa: BLE001 - any surprise: the normal read follows and reports
            self._rows = None

    def rows(self) -> list[CaseloadRow] | None:
        """The rows once read, or None when the normal read must follow."""
        self._thread.join()
        return self._rows
