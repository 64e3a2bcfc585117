"""Provides ``hecht import --format fhir``: QuestionnaireResponses written as administrations.

All or nothing: every response is checked (``hecht.schema.exchange.fhir.reading``), then matched to
a client of this database, held to a plausible date and compared with what is already stored;
only when no response has a problem are they all written, as completed paper administrations
scored by Hecht itself (totals in the file are never trusted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from hecht.scales.library import ScaleLibrary
from hecht.schema.context import Actor
from hecht.schema.errors import NotFoundError
from hecht.schema.exchange.csv_import import (
    EARLIEST_OBSERVED,
    Lookups,
    PaperRecord,
    Progress,
    write_records,
)
from hecht.schema.exchange.fhir.reading import FhirProblem, Problems, ResponseIn, read_responses
from hecht.schema.exchange.fhir.terms import PracticeUris
from hecht.schema.identity import practice_uuid
from hecht.schema.tables import Administration, EntryMode
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of


def own_record_stored(session: Session, record: str) -> bool:
    """Whether a form this practice exported (``lineage.version``) is in the database, as it is
    now or as it was: imported again, a form retracted or corrected since would come back (a
    lineage the database lacks, as after restoring an older backup, may come in anew)."""
    lineage, _, _ = record.partition(".")
    if not re.fullmatch(r"[0-9]{1,18}", lineage):  # "²" is a digit to isdigit, not to int
        return False
    query = select(Administration.id).where(col(Administration.lineage_id) == int(lineage))
    return session.exec(query.limit(1)).first() is not None


def _record(
    lookups: Lookups, today: date, response: ResponseIn, problems: list[FhirProblem]
) -> PaperRecord | None:
    def problem(kind: str, **values: Any) -> None:
        problems.append(FhirProblem.of(response.entry, response.resource_id, kind, **values))

    try:
        client = lookups.client(response.client_code)
    except NotFoundError as error:  # no such client, a destroyed dossier, case twins
        kind = {"destroyed": "client_destroyed", "case_twins": "client_case_twins"}
        problem(kind.get(error.reason or "", "client_unknown"), code=response.client_code)
        return None
    if response.own_record is not None and own_record_stored(lookups.session, response.own_record):
        problem("own_record", record=response.own_record, code=client.code)
        return None
    latest = today + timedelta(days=1)  # a file from a clock a timezone ahead
    if not EARLIEST_OBSERVED <= response.observed_on <= latest:
        problem("authored_range", value=response.observed_on, earliest=EARLIEST_OBSERVED,
                latest=latest)  # fmt: skip
        return None
    assert client.id is not None
    if response.answers in lookups.stored(client.id, response.scale_id, response.observed_on):
        problem("already_stored", code=client.code, scale=response.scale_id,
                day=response.observed_on)  # fmt: skip
        return None
    return PaperRecord(
        response.entry, client.code, client.id, response.scale_id, response.scale_version,
        response.observed_on, response.answers, EntryMode.PAPER,
        lookups.episode_on(client.id, response.observed_on),
    )  # fmt: skip


@dataclass(frozen=True)
class FhirImportReport:
    """Responses written, and unfinished ones (in-progress, stopped) skipped."""

    written: int
    skipped: int


def import_responses(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    document: Any,
    progress: Progress | None = None,
) -> FhirImportReport:
    """Write every finished QuestionnaireResponse of a parsed FHIR document, or none.

    Raises:
        Problems: every problem found, by entry; nothing was written.
    """
    read = read_responses(document, library, PracticeUris(practice_uuid(session)))
    responses, problems = read.responses, list(read.problems)
    today = actor.now().date()
    lookups = Lookups(session)
    records = [_record(lookups, today, response, problems) for response in responses]
    first_at: dict[tuple[str, str, date, str], int] = {}
    for response in responses:  # the same response twice in one file (c001 is C001)
        client = response.client_code.casefold()
        key = (client, response.scale_id, response.observed_on, str(response.answers))
        if key in first_at:
            first = {"first": str(first_at[key])}
            problems.append(FhirProblem(response.entry, response.resource_id, "repeated", first))
        first_at.setdefault(key, response.entry)
    if problems:
        raise Problems(sorted(problems, key=lambda problem: problem.entry))
    write_records(session, actor, library, [r for r in records if r is not None], progress)
    audit.record(
        session=session,
        actor=actor,
        event=AuditKind.IMPORT,
        detail=detail_of("fhir_import", count=len(records)),
    )
    return FhirImportReport(len(records), read.skipped)
