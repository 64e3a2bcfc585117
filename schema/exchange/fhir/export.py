"""Provides ``hecht export --format fhir``: the record read from storage, written as Bundles.

The resources themselves are built without storage (``hecht.schema.exchange.fhir.bundle``); this
module reads the read models they need, writes each Bundle as a private JSON file and logs the
export once for the practice and once in every exported client's own log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from hecht.scales.library import ScaleLibrary, UnknownScaleError
from hecht.scales.text import Language
from hecht.schema.context import Actor
from hecht.schema.exchange.fhir.bundle import (
    PRACTICE_FILE,
    Options,
    Record,
    build_bundles,
    client_file,
)
from hecht.schema.exchange.fhir.terms import PracticeUris
from hecht.schema.exchange.files import write_private
from hecht.schema.identity import practice_uuid
from hecht.schema.services.administrations import administration_read
from hecht.schema.services.clients import client_read, practitioner_names
from hecht.schema.tables import Administration, Client
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import current_rows


@dataclass(frozen=True)
class FhirReport:
    """The files written, with the number of resources in each, and the system the practice's
    client codes are identified by (what another tool needs to send results for import)."""

    files: dict[str, int]
    client_system: str


def client_codes(session: Session) -> list[str]:
    """The codes of the clients an export holds (not destroyed), sorted."""
    query = select(Client.code).where(col(Client.destroyed_at).is_(None)).order_by(col(Client.code))
    return list(session.exec(query))


def read_record(session: Session, library: ScaleLibrary) -> Record:
    """Read every client (not destroyed), their current administrations and what they use.

    Retracted administrations and older versions stay home; drafts go as in-progress.
    """
    clients = [
        client_read(row)
        for row in session.exec(
            select(Client).where(col(Client.destroyed_at).is_(None)).order_by(col(Client.code))
        )
    ]
    known = {client.id for client in clients}
    rows = sorted(current_rows(session, Administration), key=lambda r: (r.observed_at, r.id or 0))
    record = Record(clients, {}, {})
    people: set[int] = set()
    for row in rows:
        if row.client_id not in known:
            continue
        administration = administration_read(session, row)
        record.administrations.setdefault(row.client_id, []).append(administration)
        if administration.entered_by_id is not None:
            people.add(administration.entered_by_id)
        key = (row.scale_id, row.scale_version)
        if key not in record.definitions:
            try:
                record.definitions[key] = library.get(*key)
            except UnknownScaleError:
                pass  # its administrations are left out: nothing to code them with
    record.practitioners = practitioner_names(session=session, ids=people)
    return record


def export_fhir(
    *,
    session: Session,
    actor: Actor,
    library: ScaleLibrary,
    folder: Path,
    names: bool = False,
    per_client: bool = False,
    language: Language = "en",
) -> FhirReport:
    """Write the practice (or each client) as a FHIR R4 Bundle into ``folder`` (audited).

    Raises:
        OSError: a file could not be written (those already written stay, each whole).
    """
    record = read_record(session, library)
    uris = PracticeUris(practice_uuid(session))
    options = Options(names=names, language=language, now=actor.now(), uris=uris)
    bundles = build_bundles(record, options, per_client=per_client)
    for name, bundle in bundles.items():
        text = json.dumps(bundle, ensure_ascii=False, indent=1)
        write_private(folder / name, text + "\n")
    detail = detail_of("fhir_identified" if names else "fhir_pseudonymised")
    audit.record(session=session, actor=actor, event=AuditKind.EXPORT, detail=detail)
    for client in record.clients:
        audit.record(
            session=session, actor=actor, event=AuditKind.EXPORT, client_id=client.id,
            client_code=client.code, detail=detail,
        )  # fmt: skip
    files = {name: len(bundle["entry"]) for name, bundle in bundles.items()}
    return FhirReport(files, uris.client_system)


def bundle_names(codes: list[str], *, per_client: bool) -> list[str]:
    """The file names an export will write, so the command can check them all first."""
    if not per_client:
        return [PRACTICE_FILE]
    return [client_file(code) for code in codes]
