"""Provides ``hecht import-csv``: historical paper records, every row checked before any is written.

The file has a header and the columns ``client_code``, ``scale``, ``observed_on`` (YYYY-MM-DD)
and ``answers`` (the codes in item order, separated by commas, an empty place for a missing
answer, quoted in the CSV), and optionally ``scale_version`` and ``mode`` (default ``paper``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from hecht.scales.answers import AnswerError, parse_answers
from hecht.scales.library import ScaleLibrary, UnknownScaleError
from hecht.schema import audit
from hecht.schema.audit import AuditKind
from hecht.schema.context import Actor
from hecht.schema.inputs import NewAdministration
from hecht.schema.services import administrations
from hecht.schema.services.clients import client_row
from hecht.schema.services.episodes import episode_running_on
from hecht.schema.tables import EntryMode

REQUIRED = ("client_code", "scale", "observed_on", "answers")
OPTIONAL = ("scale_version", "mode")


@dataclass(frozen=True)
class RowProblem:
    """A bad row: its line in the file and what is wrong with it."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class PaperRecord:
    """A checked row, ready to be written."""

    line: int
    client_code: str
    client_id: int
    scale_id: str
    scale_version: str
    observed_on: date
    answers: dict[str, str | None]
    mode: EntryMode
    episode_lineage_id: int | None


@dataclass(frozen=True)
class ImportReport:
    """The outcome: rows checked, rows written (0 on a dry run or any problem), problems."""

    checked: int
    written: int
    problems: list[RowProblem]


class CsvImportError(ValueError):
    """The file as a whole cannot be read (encoding, header)."""


def read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, row) for every data row, refusing a header without the columns."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise CsvImportError(
            f"line 1: the header lacks {', '.join(missing)}; expected columns: "
            f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})"
        )
    unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
    if unknown:
        raise CsvImportError(f"line 1: unknown column '{unknown[0]}'")
    rows = []
    for row in reader:
        cleaned = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        rows.append((reader.line_num, cleaned))
    return rows


def check_row(
    session: Session, library: ScaleLibrary, today: date, line: int, row: dict[str, str]
) -> PaperRecord:
    """Check one row completely; raise ValueError with the reason."""
    client = client_row(session, row["client_code"])  # NotFoundError is a ValueError
    try:
        definition = library.get(row["scale"], row.get("scale_version") or None)
    except UnknownScaleError as error:
        raise ValueError(str(error)) from None
    try:
        observed = date.fromisoformat(row["observed_on"])
    except ValueError:
        raise ValueError(f"observed_on '{row['observed_on']}' is not a date (YYYY-MM-DD)") from None
    if observed > today + timedelta(days=1):
        raise ValueError(f"observed_on {observed} lies in the future")
    try:
        sheet = parse_answers(definition, row["answers"])
    except AnswerError as error:
        raise ValueError(f"answers: {error}") from None
    try:
        mode = EntryMode(row.get("mode") or EntryMode.PAPER.value)
    except ValueError:
        raise ValueError(f"mode '{row.get('mode')}' is not interview, paper or self") from None
    typed = {item: None if code is None else f"{code:g}" for item, code in sheet.items()}
    assert client.id is not None
    return PaperRecord(
        line, client.code, client.id, definition.id, definition.version, observed, typed, mode,
        episode_running_on(session, client.id, observed),
    )  # fmt: skip


def _write(session: Session, actor: Actor, library: ScaleLibrary, record: PaperRecord) -> None:
    draft = administrations.start_administration(
        session=session,
        actor=actor,
        library=library,
        new=NewAdministration(
            client_code=record.client_code,
            scale_id=record.scale_id,
            scale_version=record.scale_version,
            episode_lineage_id=record.episode_lineage_id,
            mode=record.mode,
            observed_on=record.observed_on,
        ),
    )
    for item_id, code in record.answers.items():
        administrations.record_answer(
            session=session, actor=actor, library=library,
            administration_id=draft.id, item_id=item_id, code=code,
        )  # fmt: skip
    administrations.complete_administration(
        session=session, actor=actor, library=library, administration_id=draft.id
    )


def import_paper_records(
    *, session: Session, actor: Actor, library: ScaleLibrary, text: str, dry_run: bool = False
) -> ImportReport:
    """Check every row; write them all as completed administrations only if every row is valid.

    Raises:
        CsvImportError: the header is unusable.
    """
    rows = read_rows(text)
    today = actor.now().date()
    records: list[PaperRecord] = []
    problems: list[RowProblem] = []
    for line, row in rows:
        try:
            records.append(check_row(session, library, today, line, row))
        except ValueError as error:
            problems.append(RowProblem(line, str(error)))
    if problems or dry_run:
        return ImportReport(len(rows), 0, problems)
    for record in records:
        _write(session, actor, library, record)
    audit.record(
        session=session, actor=actor, event=AuditKind.IMPORT, detail=f"csv: {len(records)} rows"
    )
    return ImportReport(len(rows), len(records), [])
