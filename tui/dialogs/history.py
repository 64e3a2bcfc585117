"""Provides the history of a record: every version with when, who, why and what changed."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from hecht.tui.shell.screen_base import HechtModal
from hecht.tui.widgets.plain import Plain, PlainLabel

if TYPE_CHECKING:
    from hecht.scales.library import ScaleLibrary
    from hecht.tui.backend.records import Dossier, RecordHistory
    from hecht.tui.i18n import Messages

SKIPPED = {
    "id", "lineage_id", "version", "supersedes_id", "client_id", "couple_id",
    "episode_lineage_id", "visit_lineage_id", "recorded_at", "recorded_by_id", "change_reason",
    "entered_at", "observed_at", "scale_version", "alerts", "answers", "score",
}  # fmt: skip
"""Bookkeeping of a version, shown in its heading or not at all, never as a change."""
WHOLE = {"note", "referral_text"}
"""Fields of free text: a change shows the text before and after in full, each on its lines."""


def record_choices(
    dossier: Dossier, text: Messages, library: ScaleLibrary
) -> list[tuple[str, str]]:
    """The dossier's records whose history can be shown, as (``kind:lineage``, label) pairs."""
    from hecht.tui.views.dossier_text import short_name
    from hecht.tui.views.formatting import formatter

    day = formatter(text.language).date

    choices = [
        (
            f"episode:{e.lineage_id}",
            text("history.record.episode", started=day(e.started_on), version=e.version),
        )
        for e in dossier.episodes
    ]
    choices += [
        (
            f"visit:{v.lineage_id}",
            text("history.record.visit", day=day(v.visit_date), version=v.version),
        )
        for v in dossier.visits
    ]
    drafted = text("history.draft")
    administered = [(p.lineage_id, p.scale_id, p.observed_at, "") for p in dossier.points]
    administered += [(d.lineage_id, d.scale_id, d.observed_at, drafted) for d in dossier.drafts]
    for lineage_id, scale_id, observed_at, status in administered:
        label = text(
            "history.record.administration",
            scale=short_name(library, scale_id),
            day=day(observed_at.astimezone().date()),
            status=status,
        )
        choices.append((f"administration:{lineage_id}", label))
    return choices


def shown(value: Any, field: str, text: Messages) -> str:
    """A stored value as the history shows it."""
    if value is None or value == []:
        return "—"
    if field == "referral_reasons":
        return ", ".join(text.get(f"reason.{reason}", reason) for reason in value)
    from hecht.tui.views.formatting import formatter

    fmt = formatter(text.language)
    if isinstance(value, list):
        return ", ".join(str(part) for part in value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return fmt.score(value)
    if isinstance(value, datetime):
        return fmt.moment(value)
    if isinstance(value, date):
        return fmt.date(value)
    return str(value)


def changes(old: Any, new: Any, text: Messages) -> list[str]:
    """What differs between two versions of a record, one line per field or answer."""
    lines = []
    for field in fields(new):
        before, after = getattr(old, field.name), getattr(new, field.name)
        if field.name in SKIPPED or before == after:
            continue
        label = text.get(f"field.{field.name}", field.name)
        then, now = shown(before, field.name, text), shown(after, field.name, text)
        if field.name in WHOLE:
            lines.append(f"{label}:")
            lines += _indented(text("history.before"), then) + _indented(text("history.after"), now)
        else:
            lines.append(f"{label}: {then} → {now}")
    if hasattr(new, "answers"):
        was = {answer.item_id: answer.code for answer in old.answers}
        for answer in new.answers:
            if was.get(answer.item_id) != answer.code:
                lines.append(
                    text(
                        "history.answer",
                        item=answer.item_id,
                        old=shown(was.get(answer.item_id), "", text),
                        new=shown(answer.code, "", text),
                    )
                )
        lines += _total_change(old, new, text)
    return lines


def _indented(heading: str, value: str) -> list[str]:
    """A text shown whole under a heading, each of its lines indented."""
    return [f"  {heading}"] + [f"    {line}" for line in value.splitlines() or [""]]


def _total_change(old: Any, new: Any, text: Messages) -> list[str]:
    before = None if old.score is None else old.score.total
    after = None if new.score is None else new.score.total
    if before == after:
        return []
    label = text("field.total")
    return [f"{label}: {shown(before, '', text)} → {shown(after, '', text)}"]


def version_lines(history: RecordHistory, text: Messages) -> list[str]:
    """Every version, oldest first: its heading (when, who, why) and what it changed."""
    lines: list[str] = []
    previous = None
    for version in history.versions:
        who = history.names.get(version.recorded_by_id) or text("history.unknown_user")
        why = version.change_reason or (text("history.first") if previous is None else "—")
        lines.append(
            text(
                "history.version",
                version=version.version,
                when=shown(version.recorded_at, "", text),
                who=who,
                why=why,
            )
        )
        if previous is not None:
            found = changes(previous, version, text)
            lines += [f"    {line}" for line in found] or [f"    {text('history.no_change')}"]
        previous = version
    return lines


class HistoryModal(HechtModal[None]):
    """The versions of one record, newest last; Escape closes."""

    DEFAULT_CSS = """
    HistoryModal #form { width: 1fr; max-width: 100; height: 90%; }
    #history-versions { height: 1fr; }
    """

    BINDINGS = [Binding("escape", "close", "Close", id="history.close")]

    def __init__(self, title: str, history: RecordHistory) -> None:
        super().__init__()
        self.title_text = title
        self.history = history

    def compose(self) -> ComposeResult:
        text = self.text
        with Vertical(id="form"):
            yield PlainLabel(text("history.title", record=self.title_text), id="form-title")
            with VerticalScroll(id="history-versions"):
                yield Plain("\n".join(version_lines(self.history, text)), id="history-body")
            yield Plain(text("history.hint"), id="form-hint")

    def on_mount(self) -> None:
        self.query_one("#history-versions").focus()

    def action_close(self) -> None:
        """Back to the dossier."""
        self.dismiss(None)
