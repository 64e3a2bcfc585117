"""Provides a visit from start to note: its battery scale by scale, then the session note.

Nothing is stored for the visit until something is typed for it: the visit is stored with the
first answer of its battery (or with its note), so a visit abandoned before that leaves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hecht.schema.inputs import NewVisit
    from hecht.tui.app import HechtApp
    from hecht.tui.views.visit_plan import Step


@dataclass
class VisitFlow:
    """One visit under way: what is left of the battery, and the visit once it is stored."""

    app: HechtApp
    who: str
    episode_lineage_id: int
    spec: NewVisit
    steps: list[Step]
    names: dict[str, str] = field(default_factory=dict)
    """How each attendee is named on screen (code, or code and name)."""
    visit_lineage_id: int | None = None

    def after_scale(self, completed: bool | None) -> None:
        """A scale was completed (go on), or left: ask whether to go on, write the note, or stop."""
        from hecht.tui.dialogs.choice import ChoiceModal

        if completed or not self.steps:
            self.next()
            return
        text = self.app.messages
        choices = [(way, text(f"visit_flow.{way}")) for way in ("next", "note", "stop")]
        self.app.push_screen(ChoiceModal(text("visit_flow.left"), choices), self._chosen)

    def _chosen(self, way: str | None) -> None:
        if way == "note":
            self.steps = []
            self.next()
        elif way == "stop":
            self.app.notify(
                self.app.messages(
                    "visit_flow.stopped" if self.visit_lineage_id else "note.visit_not_stored"
                )
            )
        else:
            self.next()

    def next(self, _result: Any = None) -> None:
        """Show the next scale of the battery, or the note once every scale was passed."""
        from hecht.schema.inputs import NewAdministration
        from hecht.tui.screens.entry import EntryScreen, EntryTarget
        from hecht.tui.screens.note import NoteScreen

        if not self.steps:
            visit = self.spec if self.visit_lineage_id is None else self.visit_lineage_id
            self.app.push_screen(NoteScreen(visit, self.who))
            return
        step, self.steps = self.steps[0], self.steps[1:]
        definition = self.app.backend.library.get(step.scale_id)
        target = EntryTarget(
            new=NewAdministration(
                client_code=step.client_code,
                scale_id=definition.id,
                scale_version=definition.version,
                episode_lineage_id=self.episode_lineage_id,
                visit_lineage_id=self.visit_lineage_id,
                observed_on=self.spec.visit_date,  # its forms were filled in on the visit's day
            ),
            new_visit=self.spec if self.visit_lineage_id is None else None,
        )
        who = self.names.get(step.client_code, step.client_code)
        self.app.push_screen(EntryScreen(target, definition, who, self._stored), self.after_scale)

    def _stored(self, visit_lineage_id: int) -> None:
        """The visit was stored with the first answer: the rest of the battery joins it."""
        self.visit_lineage_id = visit_lineage_id
