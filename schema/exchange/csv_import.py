"""Provides ``hecht import-csv``: historical paper records, every row checked before any is written.

The file has a header and the columns ``client_code``, ``scale``, ``observed_on`` (YYYY-MM-DD)
and ``answers`` (the codes in item order, separated by commas, an empty place for a missing
answer, quoted in the CSV), and optionally ``scale_version`` and ``mode`` (default ``paper``).
Each column appears once; any other column is refused. Fields are limited in size
(``FIELD_LIMITS``) and dates to ``EARLIEST_OBSERVED`` up to today; every problem names its line
and, where it has one, its column. Problems are kinds with values, which the command line words
in the user's language.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from hecht.scales.answers import AnswerError, parse_answers, require_an_answer
from hecht.scales.library import ScaleLibrary, UnknownScaleError
from hecht.scales.limits import MAX_ANSWERS
from hecht.schema.context import Actor
from hecht.schema.db.plain import chunks
from hecht.schema.errors import NotFoundError
from hecht.schema.inputs import GivenAnswer, NewAdministration
from hecht.schema.services import administrations
from hecht.schema.services.clients import client_row
from hecht.schema.services.episodes import EARLIEST_DAY_IN_CARE, episodes_of, running_on
from hecht.schema.tables import (
    Administration,
    Client,
    EntryMode,
    Episode,
    ItemResponse,
    RecordStatus,
)
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import current_rows

REQUIRED = ("client_code", "scale", "observed_on", "answers")
OPTIONAL = ("scale_version", "mode")

FIELD_LIMITS = {
    "client_code": 40,
    "scale": 40,
    "scale_version": 20,
    "observed_on": 10,
    "answers": MAX_ANSWERS,
    "mode": 20,
}
"""The most characters each column may hold: a client code and a scale id as stored (40), a
date, and an answer string as long as a definition's example may be."""

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EARLIEST_OBSERVED = EARLIEST_DAY_IN_CARE
"""The earliest day a record may carry: the storage layer's for any day in care."""


@dataclass(frozen=True)
class RowProblem:
    """A bad row or header: its line in the file, what is wrong, and the column it is in.

    ``kind`` names a message and ``values`` fill it in: the sentences are the command line's
    (``import_csv.problem.*``; ``answer_*`` as ``hecht scales score`` words a refused answer,
    with the ``scale`` and ``version`` it was typed for; ``unknown_scale*`` as a refused scale;
    ``no_client``, ``destroyed`` and ``case_twins`` as the services refuse a client code, with
    the code as ``given``). ``position`` is the column's, 1-based; 0 when the whole row or
    header is wrong.
    """

    line: int
    kind: str
    values: dict[str, str] = field(default_factory=dict)
    column: str = ""
    position: int = 0

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.position:
            where += f", column {self.column} ({self.position})"
        details = ", ".join(f"{key}={value}" for key, value in self.values.items())
        return f"{where}: {self.kind} {details}".rstrip()


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
    """The file as a whole cannot be read (its header, or its quoting), with every problem."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


class FieldError(ValueError):
    """One field of a row is wrong: the column's name, the kind of problem and its values."""

    def __init__(self, column: str, kind: str, **values: str) -> None:
        self.column, self.kind, self.values = column, kind, values
        super().__init__(kind)


def check_header(header: list[str]) -> list[RowProblem]:
    """Return every problem of the header: duplicated, unknown and missing columns. A name
    repeated is named once, at its second place: a header of thousands of copies of one name
    (a stray quote can make one) is two problems, not thousands."""
    if len(header) == 1:  # Excel with Dutch settings separates by ";", others by tab
        separator = next((mark for mark in (";", "\t") if mark in header[0]), None)
        if separator is not None:
            shown = "tab" if separator == "\t" else separator
            return [RowProblem(1, "separator", {"separator": shown}, header[0][:40], 1)]
    problems: list[RowProblem] = []
    first_at: dict[str, int] = {}
    repeated: set[str] = set()
    for position, name in enumerate(header, start=1):
        shown = name[:40]
        if name in repeated:
            continue
        if name in first_at:
            values = {"name": shown, "first": str(first_at[name])}
            problems.append(RowProblem(1, "column_twice", values, shown, position))
            repeated.add(name)
        elif name not in REQUIRED + OPTIONAL:
            values = {"name": shown, "columns": ", ".join(REQUIRED + OPTIONAL)}
            problems.append(RowProblem(1, "column_unknown", values, shown, position))
        first_at.setdefault(name, position)
    missing = [name for name in REQUIRED if name not in first_at]
    if missing:
        values = {
            "missing": ", ".join(missing),
            "required": ", ".join(REQUIRED),
            "optional": ", ".join(OPTIONAL),
        }
        problems.append(RowProblem(1, "columns_missing", values))
    return problems


@contextmanager
def _fields_up_to(characters: int) -> Iterator[None]:
    """Let the csv reader pass fields of any size in this text, so that ``FIELD_LIMITS`` (not
    the reader's own 128 KB limit, which names no column) decides; restored afterwards."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, characters + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _row_problems(line: int, header: list[str], values: list[str]) -> list[RowProblem]:
    """A row must have one value per column, each within its size and without control codes.

    ``line`` is where the row ends: a quote left open runs the row on over the lines after it,
    which no column of paper records holds, so it is named where it opens.
    """
    for position, value in enumerate(values, start=1):
        if "\n" in value:  # a file's last line break stays in a quote never closed
            opened = line - sum(each.rstrip("\n").count("\n") for each in values)
            name = header[position - 1] if position <= len(header) else ""
            kind = "unclosed_quote" if value.endswith("\n") else "open_quote"
            return [RowProblem(opened, kind, {"last": str(line)}, name, position)]
    if len(values) != len(header):
        counts = {"given": str(len(values)), "columns": str(len(header))}
        return [RowProblem(line, "value_count", counts)]
    problems: list[RowProblem] = []
    for position, (name, value) in enumerate(zip(header, values, strict=True), start=1):
        limit = FIELD_LIMITS[name]
        if len(value) > limit:
            sizes = {"length": str(len(value)), "limit": str(limit)}
            problems.append(RowProblem(line, "too_long", sizes, name, position))
        elif any(unicodedata.category(character) == "Cc" for character in value):
            problems.append(RowProblem(line, "control_character", {}, name, position))
    return problems


@dataclass
class ParsedCsv:
    """The header, the sound rows with their line numbers, the rows read and the problems."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    read: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    def position(self, column: str) -> int:
        """The 1-based position of a column in the header."""
        return self.header.index(column) + 1


def read_rows(text: str) -> ParsedCsv:
    """Read the header and every data row; rows of the wrong shape or size become problems.

    Raises:
        CsvImportError: the header has duplicated, unknown or missing columns.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    with _fields_up_to(len(text)):
        try:
            parsed = ParsedCsv([name.strip() for name in next(reader, [])], [])
            header_problems = check_header(parsed.header)
            if header_problems:
                raise CsvImportError(header_problems)
            for values in reader:
                if values in ([], [""]):
                    continue  # a blank line
                parsed.read += 1
                found = _row_problems(reader.line_num, parsed.header, values)
                parsed.problems += found
                if not found:
                    stripped = [value.strip() for value in values]
                    parsed.rows.append(
                        (reader.line_num, dict(zip(parsed.header, stripped, strict=True)))
                    )
        except csv.Error as error:  # the reader cannot go on past this line
            problem = RowProblem(reader.line_num, "not_csv", {"reason": str(error)})
            raise CsvImportError([problem]) from None
    return parsed


def _observed_on(text: str, today: date) -> date:
    """Read observed_on and hold it to the plausible range."""
    try:
        if not ISO_DATE.fullmatch(text):  # fromisoformat also reads 20261001 and 2026-W40-1
            raise ValueError(text)
        observed = date.fromisoformat(text)
    except ValueError:
        raise FieldError("observed_on", "not_a_date", value=text) from None
    latest = today + timedelta(days=1)  # the file may come from a clock a timezone ahead
    if observed < EARLIEST_OBSERVED or observed > latest:
        raise FieldError(
            "observed_on", "in_future" if observed > latest else "too_early",
            value=str(observed), earliest=str(EARLIEST_OBSERVED), latest=str(latest),
        )  # fmt: skip
    return observed


def _scale_error(error: UnknownScaleError) -> FieldError:
    """A scale the library lacks (in the scale column), or a version it lacks (scale_version)."""
    if error.versions:
        return FieldError(
            "scale_version", "unknown_scale_version", scale=error.scale_id,
            version=str(error.version), versions=", ".join(error.versions),
        )  # fmt: skip
    return FieldError("scale", "unknown_scale", scale=error.scale_id, known=", ".join(error.known))


def check_row(
    lookups: Lookups, library: ScaleLibrary, today: date, line: int, row: dict[str, str]
) -> PaperRecord:
    """Check one row completely.

    Raises:
        FieldError: naming the column that is wrong, and why.
    """
    try:
        client = lookups.client(row["client_code"])
    except NotFoundError as error:  # no such client, a destroyed dossier, case twins
        reason = error.reason or "no_client"
        raise FieldError("client_code", reason, given=row["client_code"]) from None
    try:
        definition = library.get(row["scale"], row.get("scale_version") or None)
    except UnknownScaleError as error:
        raise _scale_error(error) from None
    observed = _observed_on(row["observed_on"], today)
    try:
        sheet = require_an_answer(parse_answers(definition, row["answers"]))
    except AnswerError as error:
        raise FieldError(
            "answers", f"answer_{error.problem.value}", scale=definition.id,
            version=definition.version, item=error.item, given=error.given,
        ) from None  # fmt: skip
    try:
        mode = EntryMode(row.get("mode") or EntryMode.PAPER.value)
    except ValueError:
        raise FieldError("mode", "mode_unknown", value=row.get("mode", "")) from None
    typed = {item: None if code is None else f"{code:g}" for item, code in sheet.items()}
    assert client.id is not None
    return PaperRecord(
        line, client.code, client.id, definition.id, definition.version, observed, typed, mode,
        lookups.episode_on(client.id, observed),
    )  # fmt: skip


def stored_by_day(
    session: Session, client_id: int, scale_id: str
) -> dict[date, list[dict[str, str | None]]]:
    """The answers of the client's completed administrations of that scale, by day, as the
    imports type them: what a record identical to one of them would be stored again as (two
    queries per client and scale)."""
    forms: dict[int, date] = {
        row.id or 0: row.observed_at.date()
        for row in current_rows(
            session,
            Administration,
            Administration.client_id == client_id,
            Administration.scale_id == scale_id,
            Administration.status == RecordStatus.COMPLETE.value,
        )
    }
    answers: dict[int, dict[str, str | None]] = {key: {} for key in forms}
    for part in chunks(list(forms)):
        query = select(ItemResponse).where(col(ItemResponse.administration_id).in_(part))
        for answer in session.exec(query):
            code = None if answer.code is None else f"{answer.code:g}"
            answers[answer.administration_id][answer.item_id] = code
    found: dict[date, list[dict[str, str | None]]] = {}
    for key, day in forms.items():
        found.setdefault(day, []).append(answers[key])
    return found


class Lookups:
    """What the checks of one import read from the database, each read once: a file of
    thousands of forms names the same clients, their episodes and their forms again and again
    (a query per row made 20,000 rows a minute of checking)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._clients: dict[str, Client] = {}
        self._episodes: dict[int, list[Episode]] = {}
        self._stored: dict[tuple[int, str], dict[date, list[dict[str, str | None]]]] = {}

    def client(self, code: str) -> Client:
        """``client_row``, remembered by the code as written (a refusal is not remembered)."""
        if code not in self._clients:
            self._clients[code] = client_row(self.session, code)
        return self._clients[code]

    def episode_on(self, client_id: int, day: date) -> int | None:
        """``episode_running_on``, the client's episodes read once."""
        if client_id not in self._episodes:
            self._episodes[client_id] = episodes_of(self.session, client_id)
        return running_on(self._episodes[client_id], day)

    def stored(self, client_id: int, scale_id: str, day: date) -> list[dict[str, str | None]]:
        """The answers stored of the client's forms of the scale on a day (``stored_by_day``),
        read once per client and scale."""
        key = (client_id, scale_id)
        if key not in self._stored:
            self._stored[key] = stored_by_day(self.session, client_id, scale_id)
        return self._stored[key].get(day, [])


def write_record(
    session: Session, actor: Actor, library: ScaleLibrary, record: PaperRecord
) -> None:
    """Write one checked record as a completed administration (answers, then the score)."""
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
    administrations.record_answers(
        session=session, actor=actor, library=library, administration_id=draft.id,
        answers=[GivenAnswer(item_id, code) for item_id, code in record.answers.items()],
    )  # fmt: skip
    administrations.complete_administration(
        session=session, actor=actor, library=library, administration_id=draft.id
    )


Progress = Callable[[int, int], None]
"""Told how many forms of how many are stored, after each one (a large import takes minutes)."""


def write_records(
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    records: list[PaperRecord],
    progress: Progress | None,
) -> None:
    """Write checked records one after another, telling ``progress`` after each."""
    for done, record in enumerate(records, start=1):
        write_record(session, actor, library, record)
        if progress is not None:
            progress(done, len(records))


def import_paper_records(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    text: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row; write them all as completed administrations only if every row is valid.

    Raises:
        CsvImportError: the header is unusable, or the text is not readable as CSV.
    """
    parsed = read_rows(text)
    today = actor.now().date()
    records: list[PaperRecord] = []
    problems = parsed.problems
    first_on: dict[tuple[int, str, date, str], int] = {}
    lookups = Lookups(session)
    for line, row in parsed.rows:
        try:
            record = check_row(lookups, library, today, line, row)
        except FieldError as error:
            position = parsed.position(error.column)
            problems.append(RowProblem(line, error.kind, error.values, error.column, position))
            continue
        # a file imported again, or a row twice in it, would count one form twice
        key = (record.client_id, record.scale_id, record.observed_on, str(record.answers))
        if key in first_on:
            problems.append(RowProblem(line, "repeated", {"first": str(first_on[key])}))
        elif record.answers in lookups.stored(
            record.client_id, record.scale_id, record.observed_on
        ):
            values = {"code": record.client_code, "scale": record.scale_id}
            problems.append(
                RowProblem(line, "already_stored", values | {"day": str(record.observed_on)})
            )
        else:
            records.append(record)
        first_on.setdefault(key, line)
    problems.sort(key=lambda problem: problem.line)
    if problems or dry_run:
        return ImportReport(parsed.read, 0, problems)
    write_records(session, actor, library, records, progress)
    detail = detail_of("csv_import", count=len(records))
    audit.record(session=session, actor=actor, event=AuditKind.IMPORT, detail=detail)
    return ImportReport(parsed.read, len(records), [])
