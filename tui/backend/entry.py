"""Provides the backend's calls for keying in: answers, drafts, completion, alerts and the note."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from hecht.tui.backend.calls import BackendCalls

if TYPE_CHECKING:
    from hecht.schema.inputs import GivenAnswer, NewAdministration, NewVisit
    from hecht.schema.readmodels import AdministrationRead, AlertRead, ScoreRead, VisitRead
    from hecht.schema.services.drafts import StoredAnswers
    from hecht.schema.services.trajectories import ChangeSummary

NOTE_WRITTEN = "session note written"
"""The reason stored when a visit gets its first note (a later edit asks for its own reason)."""


@dataclass(frozen=True)
class ReviewRead:
    """What a review shows: the draft as stored, its score as it stands, its change."""

    draft: AdministrationRead
    preview: ScoreRead
    change: ChangeSummary


class EntryCalls(BackendCalls):
    """Item entry's units of work (mixed into ``Backend``, which provides the connection)."""

    def store_answers(
        self,
        answers: Sequence[GivenAnswer],
        *,
        administration_id: int | None = None,
        new: NewAdministration | None = None,
        new_visit: NewVisit | None = None,
        paper: bool = False,
        shown: Mapping[str, str | None] | None = None,
    ) -> StoredAnswers:
        """Store answers in a draft, or start the draft (and its visit) with them: all or none;
        ``paper`` when they were transcribed from a paper form; ``shown``: the draft's answers
        as the screen shows them (an item answered meanwhile elsewhere is refused)."""
        from hecht.schema.services.drafts import store_answers
        from hecht.schema.tables import EntryMode

        mode = EntryMode.PAPER if paper else None

        library = self.library
        return self._run(
            lambda s: store_answers(
                session=s, actor=self.actor, library=library, answers=answers,
                administration_id=administration_id, new=new, new_visit=new_visit, mode=mode,
                shown=shown,
            ),
            writes=True,
        )  # fmt: skip

    def check_observed_day(self, day: date, episode_lineage_id: int | None) -> None:
        """Check the day a form was filled in before anything is stored for it (within the
        episode it is entered in, if any)."""
        from hecht.schema.services.administrations import check_observed_day

        self._run(
            lambda s: check_observed_day(
                session=s, actor=self.actor, day=day, episode_lineage_id=episode_lineage_id
            )
        )

    def drafts(self, code: str) -> list[AdministrationRead]:
        """A client's unfinished drafts, to offer for resumption (only that dossier is read)."""
        from hecht.schema.services.administrations import open_drafts

        return self._run(lambda s: open_drafts(session=s, actor=self.actor, code=code))

    def draft(self, administration_id: int) -> AdministrationRead:
        """A draft as stored now, with what other screens answered meanwhile."""
        from hecht.schema.services.administrations import draft_read

        return self._run(lambda s: draft_read(session=s, administration_id=administration_id))

    def review(self, administration_id: int) -> ReviewRead:
        """What a review shows, read in one unit of work: the draft as stored now (with what
        other screens answered), its score as it stands, and that total against the client's
        earlier ones. Completing with its answers as ``shown`` completes only what it showed."""
        from hecht.schema.services.administrations import draft_read, draft_score
        from hecht.schema.services.trajectories import change_summary

        library = self.library

        def read(s: Any) -> ReviewRead:
            draft = draft_read(session=s, administration_id=administration_id)
            preview = draft_score(session=s, library=library, administration_id=administration_id)
            change = change_summary(
                session=s, library=library, administration_id=administration_id,
                total=preview.total,
            )  # fmt: skip
            return ReviewRead(draft, preview, change)

        return self._run(read)

    def complete(
        self, administration_id: int, shown: Mapping[str, str | None] | None = None
    ) -> AdministrationRead:
        """Complete a draft and store its score; ``shown``: the answers the review showed (a
        draft changed since elsewhere is refused)."""
        from hecht.schema.services.administrations import complete_administration

        library = self.library
        return self._run(
            lambda s: complete_administration(
                session=s, actor=self.actor, library=library,
                administration_id=administration_id, shown=shown,
            ),
            writes=True,
        )  # fmt: skip

    def discard_draft(self, administration_id: int, reason: str) -> None:
        """Discard an unfinished draft, saying why (its answers stay readable in its history)."""
        from hecht.schema.services.drafts import discard_draft

        self._run(
            lambda s: discard_draft(
                session=s, actor=self.actor, administration_id=administration_id, reason=reason
            ),
            writes=True,
        )

    def acknowledge(self, alert_id: int, actions: str | Sequence[str], note: str) -> AlertRead:
        """Acknowledge an alert with the action (or actions) taken and what was done."""
        from hecht.schema.readmodels import AlertAction
        from hecht.schema.services.alerts import acknowledge_alert

        chosen = [AlertAction(a) for a in ([actions] if isinstance(actions, str) else actions)]
        return self._run(
            lambda s: acknowledge_alert(
                session=s, actor=self.actor, alert_id=alert_id, action=chosen, note=note
            ),
            writes=True,
        )

    def check_visit(self, visit: NewVisit) -> None:
        """Check a visit before anything is stored for it (its date, its attendees)."""
        from hecht.schema.services.visits import check_visit

        self._run(lambda s: check_visit(session=s, actor=self.actor, new=visit))

    def save_note(
        self,
        visit: int | NewVisit,
        note: str,
        themes: list[str],
        reason: str = NOTE_WRITTEN,
        expected_version: int | None = None,
    ) -> VisitRead:
        """Write a visit's note and themes: a new version of a stored visit (with the reason), or
        the visit itself when nothing was stored for it yet."""
        from hecht.schema.services.visits import correct_visit, record_visit

        if isinstance(visit, int):
            changes: dict[str, Any] = {"note": note or None, "themes": themes}
            return self._run(
                lambda s: correct_visit(
                    session=s,
                    actor=self.actor,
                    lineage_id=visit,
                    changes=changes,
                    reason=reason,
                    expected_version=expected_version,
                ),
                writes=True,
            )
        new = visit.model_copy(update={"note": note or None, "themes": themes})
        return self._run(lambda s: record_visit(session=s, actor=self.actor, new=new), writes=True)
