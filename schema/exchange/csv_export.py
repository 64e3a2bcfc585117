"""Provides the CSV export for statisticians: long, wide and codebooks, optionally pseudonymised.

Pseudonymised, a client is a stable study id (an HMAC of the client code under the study key),
there are no names, contact data or free text, and dates become weeks: gestational or
postpartum, and since the episode began.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from hecht.scales.change import compare
from hecht.scales.library import ScaleLibrary, UnknownScaleError
from hecht.scales.model import ScaleDefinition
from hecht.scales.perinatal import perinatal_week
from hecht.schema.context import Actor
from hecht.schema.exchange.codebook import (
    CODEBOOK_COLUMNS,
    ITEM_COLUMNS,
    LONG_COLUMNS,
    WIDE_COLUMNS,
    codebook_rows,
    item_rows,
    week_code,
)
from hecht.schema.exchange.files import open_private_text
from hecht.schema.tables import Administration, Client, Episode, ItemResponse, RecordStatus, Score
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import current_rows


@dataclass(frozen=True)
class CsvReport:
    """The files written and their row counts."""

    files: dict[str, int]


class Pseudonymiser:
    """Turns client codes and record ids into stable study ids under a study key."""

    def __init__(self, key: str | None) -> None:
        self.key = key.encode() if key else None

    @property
    def active(self) -> bool:
        """Whether the export is pseudonymised."""
        return self.key is not None

    def id(self, kind: str, value: object) -> str:
        """Return the study id of a client, episode or administration (the value itself if off)."""
        if self.key is None:
            return str(value)
        digest = hmac.new(self.key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return f"{kind[0].upper()}-{digest[:12]}"


@dataclass
class Context:
    """What every row needs: episodes by lineage, client codes, definitions, the pseudonymiser."""

    episodes: dict[int, Episode]
    codes: dict[int, str]
    library: ScaleLibrary
    pseudonyms: Pseudonymiser

    def definition(self, row: Administration) -> ScaleDefinition | None:
        try:
            return self.library.get(row.scale_id, row.scale_version)
        except UnknownScaleError:
            return None


def _when(context: Context, row: Administration) -> dict[str, Any]:
    """Date columns: the date itself, or (pseudonymised) only weeks."""
    observed = row.observed_at.date()
    episode = context.episodes.get(row.episode_lineage_id or -1)
    since = None if episode is None else (observed - episode.started_on).days // 7
    week = None
    if episode is not None:
        found = perinatal_week(observed, due_date=episode.due_date, birth_date=episode.birth_date)
        week = week_code(found)
    return {
        "observed": "" if context.pseudonyms.active else observed.isoformat(),
        "weeks_since_start": since,
        "perinatal_week": week,
    }


def _ids(context: Context, row: Administration) -> dict[str, Any]:
    pseudonyms = context.pseudonyms
    return {
        "client": pseudonyms.id("study", context.codes.get(row.client_id, row.client_id)),
        "episode": ""
        if row.episode_lineage_id is None
        else pseudonyms.id("episode", row.episode_lineage_id),
        "administration": pseudonyms.id("administration", row.lineage_id),
    }


def _start_phase(episode: Episode | None) -> str:
    if episode is None:
        return ""
    born = episode.birth_date is not None and episode.birth_date <= episode.started_on
    return "postnatal" if born else "prenatal"


def long_rows(
    session: Session, context: Context, rows: list[Administration]
) -> list[dict[str, Any]]:
    """One row per item response."""
    out: list[dict[str, Any]] = []
    for row in rows:
        base = {**_ids(context, row), "scale": row.scale_id, "scale_version": row.scale_version}
        base.update(_when(context, row))
        responses = session.exec(
            select(ItemResponse)
            .where(ItemResponse.administration_id == row.id)
            .order_by(col(ItemResponse.position))
        )
        for response in responses:
            out.append(
                {
                    **base,
                    "item": response.item_id,
                    "position": response.position + 1,
                    "code": response.code,
                    "score": response.score,
                    "missing": int(response.code is None),
                }
            )
    return out


def _change(
    definition: ScaleDefinition | None, baseline: float | None, total: float | None
) -> dict[str, Any]:
    if definition is None or baseline is None or total is None:
        return {}
    result = compare(definition, baseline, total)
    return {
        "baseline_total": baseline,
        "change": result.difference,
        "rci": None if result.rci is None else round(result.rci, 4),
        "reliable": "" if result.reliable is None else int(result.reliable),
        "category": "" if result.category is None else result.category.value,
    }


def wide_rows(
    session: Session, context: Context, rows: list[Administration]
) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per administration, with subscales and change against the episode's baseline."""
    baselines: dict[tuple[int, int | None, str], float | None] = {}
    occasions: dict[tuple[int, int | None, str], int] = {}
    subscale_columns: set[str] = set()
    out: list[dict[str, Any]] = []
    for row in sorted(rows, key=lambda r: (r.observed_at, r.id or 0)):
        stored = session.get(Score, row.id)
        if stored is None:
            continue
        key = (row.client_id, row.episode_lineage_id, row.scale_id)
        occasions[key] = occasions.get(key, 0) + 1
        if key not in baselines and stored.valid:
            baselines[key] = stored.total
        episode = context.episodes.get(row.episode_lineage_id or -1)
        record: dict[str, Any] = {
            **_ids(context, row),
            "version": row.version,
            "scale": row.scale_id,
            "scale_version": row.scale_version,
            "respondent": row.respondent,
            "mode": row.mode,
            **_when(context, row),
            "occasion": occasions[key],
            "total": stored.total,
            "raw_total": stored.raw_total,
            "band": stored.band or "",
            "valid": int(stored.valid),
            "prorated": int(stored.prorated),
            "missing_items": len(stored.missing_items),
            "referral_reasons": ";".join(episode.referral_reasons) if episode else "",
            "start_phase": _start_phase(episode),
        }
        if occasions[key] > 1:
            record.update(_change(context.definition(row), baselines.get(key), stored.total))
        for name, value in stored.subscales.items():
            column = f"{row.scale_id}.{name}"
            subscale_columns.add(column)
            record[column] = value
        out.append(record)
    return out, sorted(subscale_columns)


CSV_FILES = ("long.csv", "wide.csv", "codebook.csv", "items.csv")
"""The files a CSV export writes into its folder."""


def cell(value: Any) -> Any:
    """Render a value as statistics software reads it: empty for none, 3 rather than 3.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _write(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> int:
    with open_private_text(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows({key: cell(value) for key, value in row.items()} for row in rows)
    return len(rows)


def export_csv(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    folder: Path,
    study_key: str | None = None,
) -> CsvReport:
    """Write long.csv, wide.csv, codebook.csv and items.csv into a folder (an audited export)."""
    rows = sorted(
        current_rows(session, Administration, Administration.status == RecordStatus.COMPLETE.value),
        key=lambda r: r.id or 0,
    )
    episodes = {e.lineage_id: e for e in current_rows(session, Episode) if e.lineage_id is not None}
    codes = {c.id: c.code for c in session.exec(select(Client)) if c.id is not None}
    context = Context(episodes, codes, library, Pseudonymiser(study_key))
    wide, subscale_columns = wide_rows(session, context, rows)
    scales = sorted({(row.scale_id, row.scale_version) for row in rows})
    codebook = codebook_rows(subscale_columns, context.pseudonyms.active)
    files = {
        "long.csv": _write(folder / "long.csv", LONG_COLUMNS, long_rows(session, context, rows)),
        "wide.csv": _write(folder / "wide.csv", WIDE_COLUMNS + subscale_columns, wide),
        "codebook.csv": _write(folder / "codebook.csv", CODEBOOK_COLUMNS, codebook),
        "items.csv": _write(folder / "items.csv", ITEM_COLUMNS, item_rows(library, scales)),
    }
    detail = detail_of("csv_pseudonymised" if context.pseudonyms.active else "csv_identified")
    audit.record(session=session, actor=actor, event=AuditKind.EXPORT, detail=detail)
    for client_id in sorted({row.client_id for row in rows}):  # each exported client's own log
        audit.record(
            session=session, actor=actor, event=AuditKind.EXPORT, client_id=client_id,
            client_code=codes.get(client_id), detail=detail,
        )  # fmt: skip
    return CsvReport(files)
