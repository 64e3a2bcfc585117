"""Provides the dossier's lines: who, the episode, alerts, scores and the list of records.

Kept apart from the screen so each line is tested without one; every value is plain text, shown
as written (``hecht.tui.widgets.plain``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from hecht.scales.perinatal import (
    TERM_DAYS,
    WEEKS_PAST_DUE_DATE,
    Phase,
    before_pregnancy,
    birth_not_recorded,
    perinatal_week,
)
from hecht.tui.views.alert_text import closed_state
from hecht.tui.views.formatting import formatter, plural
from hecht.tui.views.parent_role import role_word

if TYPE_CHECKING:
    from hecht.scales.library import ScaleLibrary
    from hecht.scales.model import ScaleDefinition
    from hecht.schema.readmodels import ClientRead
    from hecht.tui.backend.records import Dossier
    from hecht.tui.i18n import Language, Messages

NOTE_OPENING = 60
"""How much of a note's first line the record list shows; the visit view shows it whole."""


@dataclass(frozen=True)
class Record:
    """One line of the dossier's record list: what it opens, and how it reads."""

    key: str
    """``visit:<lineage>``, ``administration:<lineage>`` or ``draft:<id>``."""
    label: str


def person(client: ClientRead, private: bool) -> str:
    """A client as the dossier names them: code, name and birth year (code only when private)."""
    if private or not client.name:
        return client.code
    born = f" ({client.birth_year})" if client.birth_year else ""
    return f"{client.code} · {client.name}{born}"


def person_and_role(client: ClientRead, private: bool, text: Messages) -> str:
    """A client as the dossier's head names them, with their role when recorded (it decides
    which parent a scale written for one of them is asked of)."""
    role = role_word(client.role, text)
    return f"{person(client, private)} · {role}" if role else person(client, private)


def week_text(on: date, episode: Any, text: Messages) -> str:
    """Where the episode stands on a day, in words: a week of pregnancy or after the birth."""
    week = perinatal_week(on, due_date=episode.due_date, birth_date=episode.birth_date)
    if week is None:
        dates = {"due_date": episode.due_date, "birth_date": episode.birth_date}
        if birth_not_recorded(on, **dates):
            return text("dossier.week.birth_not_recorded", weeks=WEEKS_PAST_DUE_DATE)
        if before_pregnancy(on, **dates):
            return text("dossier.week.before_pregnancy", weeks=TERM_DAYS // 7)
        return text("dossier.week.unknown")
    if week.phase is Phase.PREGNANT:
        return text("dossier.week.pregnant", week=week.week)
    return plural(text, "dossier.week.postpartum", week.week, week=week.week)


def episode_line(episode: Any, today: date, text: Messages) -> str:
    """One episode: since when, due and birth dates, where it stands, why the client came."""
    reasons = ", ".join(text.get(f"reason.{r}", r) for r in episode.referral_reasons)
    day = formatter(text.language).date
    if episode.status != "active":
        parts = [
            text(
                "dossier.episode_closed",
                started=day(episode.started_on),
                ended=day(episode.ended_on),
            )
        ]
    else:
        parts = [text("dossier.episode", started=day(episode.started_on))]
        if episode.due_date is not None:
            parts.append(text("dossier.episode.due", day=day(episode.due_date)))
        if episode.birth_date is not None:
            parts.append(text("dossier.episode.born", day=day(episode.birth_date)))
        parts.append(week_text(today, episode, text))
    parts.append(reasons or text("dossier.episode.no_reasons"))
    return " · ".join(parts)


def short_name(library: ScaleLibrary, scale_id: str) -> str:
    """A scale's short name, or its id when the library no longer knows it."""
    try:
        return library.get(scale_id).short_name
    except KeyError:
        return scale_id


def alert_line(alert: Any, scale: str, message: str, text: Messages) -> str:
    """An alert: which scale and item, what it means, when, and what was done about it (the
    actions and the note written when it was closed). A closed alert leaves out what the item
    means, said when it was open: the dossier lists several, above the client's records."""
    day = formatter(text.language).date(alert.raised_at.astimezone().date())
    if alert.acknowledged_at is None:
        state = text("dossier.alert.open")
    else:
        state = closed_state(alert.action, text, "dossier")
        if alert.action_note:
            state += text("dossier.alert.note", note=alert.action_note)
    return text(
        "dossier.alert" if alert.acknowledged_at is None else "dossier.alert_closed",
        scale=scale,
        item=alert.item,
        message=message,
        level=text.get(f"report.level.{alert.level}", alert.level),
        day=day,
        state=state,
    )


def band_label(definition: ScaleDefinition | None, band_id: str | None, language: Language) -> str:
    """A band's label in the user's language (the stored value is its id)."""
    if definition is None or band_id is None:
        return band_id or ""
    labels = {band.id: band.label.get(language) for band in definition.interpretation.bands}
    return labels.get(band_id, band_id)


def score_line(
    points: list[Any],
    definition: ScaleDefinition | None,
    alerted_items: list[str],
    text: Messages,
    compare: Callable[[ScaleDefinition, float, float], Any],
) -> str:
    """One scale: the latest valid total and band, its change since the first valid total with
    the Jacobson–Truax category, how often it was filled in, and a positive critical item."""
    name = points[0].scale_id if definition is None else definition.short_name
    score = formatter(text.language).score
    valid = [point for point in points if point.total is not None]
    if definition is not None and not definition.scoring.total:
        parts = [f"{name:<8} " + _latest_subscales(points, definition, text)]
    elif not valid:
        parts = [f"{name:<8} " + text("dossier.score.no_valid")]
    else:
        first, last = valid[0], valid[-1]
        band = band_label(definition, last.band, text.language)
        parts = [f"{name:<8} {score(last.total)}" + (f"  {band}" if band else "")]
        if last is not first:
            category = ""
            if definition is not None:
                verdict = compare(definition, first.total, last.total).category
                if verdict is not None:
                    category = ", " + text(f"category.{verdict.value}")
            parts.append(
                text(
                    "dossier.score.since_first",
                    first=score(first.total),
                    change=score(last.total - first.total, signed=True),
                    category=category,
                )
            )
        if points[-1].total is None:
            parts.append(text("dossier.score.last_invalid"))
    parts.append(text("dossier.score.count", count=len(points)))
    if alerted_items:
        parts.append(text("dossier.score.alerted", items=", ".join(alerted_items)))
    return " · ".join(parts)


def _latest_subscales(points: list[Any], definition: ScaleDefinition, text: Messages) -> str:
    """A scale read by its subscales (PRFQ, SRIS): the latest administration's valid ones."""
    shown = formatter(text.language).subscales(definition, points[-1].subscales)
    return shown or text("dossier.score.no_valid_subscale")


def records(dossier: Dossier, library: ScaleLibrary, text: Messages) -> list[Record]:
    """The dossier's records, newest first: each visit with the scales filled in at it, then
    scales and drafts without a visit, by date."""
    dated: list[tuple[date, int, int, Record]] = []
    """(day, group, kind, record): a visit and its scales share a group; kind orders within."""
    loose = 0  # scales and drafts without a visit sort after the visits of their day
    by_visit: dict[int, list[Any]] = {}
    for point in dossier.points:
        if point.visit_lineage_id is not None:
            by_visit.setdefault(point.visit_lineage_id, []).append(point)
        else:
            day = point.observed_at.astimezone().date()
            dated.append((day, loose, 1, _administration(point, library, text)))
    for draft in dossier.drafts:
        day = draft.observed_at.astimezone().date()
        dated.append((day, loose, 2, _draft(draft, library, text)))
    for visit in dossier.visits:
        group = -visit.lineage_id  # a later visit on the same day comes first
        dated.append((visit.visit_date, group, 0, _visit(visit, dossier.codes, text)))
        for point in by_visit.pop(visit.lineage_id, []):
            record = _administration(point, library, text, within_visit=True)
            dated.append((visit.visit_date, group, 1, record))
    for points in by_visit.values():  # scales of a visit no longer listed (retracted)
        for point in points:
            day = point.observed_at.astimezone().date()
            dated.append((day, loose, 1, _administration(point, library, text)))
    dated.sort(key=lambda entry: (-entry[0].toordinal(), entry[1], entry[2]))
    return [record for *_, record in dated]


def _visit(visit: Any, codes: dict[int, str], text: Messages) -> Record:
    opening = (visit.note or "").strip().splitlines()[0] if (visit.note or "").strip() else ""
    if len(opening) > NOTE_OPENING:
        opening = opening[: NOTE_OPENING - 1].rsplit(" ", 1)[0] + "…"
    who = ", ".join(codes.get(client_id, "?") for client_id in visit.attendee_ids)
    label = text(
        "dossier.record.visit",
        day=formatter(text.language).date(visit.visit_date),
        who=who,
        note=opening or text("dossier.record.no_note"),
    )
    return Record(f"visit:{visit.lineage_id}", label)


def _administration(
    point: Any, library: ScaleLibrary, text: Messages, within_visit: bool = False
) -> Record:
    """A completed scale: under its visit indented, on its own with the day it was filled in."""
    try:
        definition: ScaleDefinition | None = library.get(point.scale_id, point.scale_version)
    except KeyError:
        definition = None
    shown = formatter(text.language)
    if definition is not None and not definition.scoring.total:
        total = shown.subscales(definition, point.subscales) or "—"
    else:
        total = shown.score(point.total)
    band = band_label(definition, point.band, text.language)
    day = formatter(text.language).date(point.observed_at.astimezone().date())
    label = text(
        "dossier.record.administration" if not within_visit else "dossier.record.in_visit",
        scale=short_name(library, point.scale_id),
        total=total,
        band=band,
        day=day,
    )
    return Record(f"administration:{point.lineage_id}", label)


def _draft(draft: Any, library: ScaleLibrary, text: Messages) -> Record:
    try:
        items = len(library.get(draft.scale_id, draft.scale_version).items)
    except KeyError:
        items = len(draft.answers)
    label = text(
        "dossier.record.draft",
        scale=short_name(library, draft.scale_id),
        answered=len(draft.answers),
        items=items,
        day=formatter(text.language).date(draft.observed_at.astimezone().date()),
    )
    return Record(f"draft:{draft.id}", label)
