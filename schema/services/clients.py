"""Provides clients, couples and practitioners: register, find, read and correct them."""

from __future__ import annotations

from operator import attrgetter

from sqlalchemy import ColumnElement, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from hecht.schema.conflicts import client_change_detail, client_changed, names_by_id
from hecht.schema.context import Actor
from hecht.schema.errors import ConflictError, NotFoundError
from hecht.schema.inputs import ClientChanges, NewClient
from hecht.schema.matching import finds
from hecht.schema.readmodels import ClientRead, CoupleRead, read_of
from hecht.schema.tables import Client, Couple, Practitioner, stored_id
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.trail.seals import touch
from hecht.schema.versioning import hold_write_lock


def client_read(client: Client) -> ClientRead:
    """Return the read model of a client row."""
    assert client.id is not None
    return read_of(ClientRead, client, destroyed=client.destroyed_at is not None)


def add_practitioner(*, session: Session, actor: Actor, name: str) -> int:
    """Register a practitioner (a user of Hecht); return their id."""
    practitioner = Practitioner(name=name.strip(), created_at=actor.now())
    session.add(practitioner)
    session.flush()
    assert practitioner.id is not None
    return practitioner.id


def practitioner_named(*, session: Session, actor: Actor, name: str) -> int:
    """Return the id of the practitioner with this name, registering them the first time."""
    found = session.exec(select(Practitioner.id).where(Practitioner.name == name.strip())).first()
    return found if found is not None else add_practitioner(session=session, actor=actor, name=name)


def practitioner_names(*, session: Session, ids: set[int]) -> dict[int, str]:
    """Return the names of these practitioners, so a record's history can say who changed it."""
    return names_by_id(session, set(ids))


def same_code(code: str) -> ColumnElement[bool]:
    """Where a client's code is this code whatever the case of either: MOM-01 is mom-01.

    Both are lowered by the database, as its unique index ``ix_client_code_folded`` lowers the
    codes, so a lookup agrees with it, and reads it (SQLite reads the whole table instead where
    the index leaves out codes kept from before, migration 0013). Codes are ASCII
    (``CODE_PATTERN``), which ``lower()`` folds alike on SQLite and PostgreSQL.
    """
    return func.lower(col(Client.code)) == func.lower(code)


def client_row(session: Session, code: str, *, tombstone_ok: bool = False) -> Client:
    """Return the client with this code, typed in any case; refuse an unknown one, and a
    destroyed one unless asked.

    Two clients whose codes differ only in case can exist only from before codes were compared
    so (migration 0013): each is found by its exact code, and any other spelling is refused.
    """
    found = session.exec(select(Client).where(same_code(code)).order_by(col(Client.id))).all()
    exact = [client for client in found if client.code == code]
    if not found:
        raise NotFoundError(
            f"there is no client with code '{code}'", field="code", reason="no_client",
            details={"given": code},
        )  # fmt: skip
    if not exact and len(found) > 1:
        raise NotFoundError(
            f"the codes {', '.join(c.code for c in found)} differ only in case: type the code "
            "exactly as it was registered", field="code", reason="case_twins",
            details={"given": code},
        )  # fmt: skip
    client = exact[0] if exact else found[0]
    if client.destroyed_at is not None and not tombstone_ok:
        raise NotFoundError(
            f"the dossier of client '{code}' was destroyed", field="code", reason="destroyed",
            details={"given": code},
        )  # fmt: skip
    return client


def code_in_use(given: str, existing: str | None) -> ConflictError:
    """The refusal of a new code that another client has, in this case or another.

    ``existing`` is that client's code as registered; None when the database refused the code
    for a client the search could not see (in another caseload), named then as typed.
    """
    if existing is None or existing == given:  # unseen: whether its case differs is unknown
        return ConflictError(
            f"code '{given}' is already in use: choose another code",
            field="code", reason="in_use", details={"given": given},
        )  # fmt: skip
    return ConflictError(
        f"code '{existing}' is already in use (codes are the same whatever their case): "
        "choose another code",
        field="code", reason="in_use_case", details={"given": given, "existing": existing},
    )  # fmt: skip


def create_client(*, session: Session, actor: Actor, new: NewClient) -> ClientRead:
    """Register a client under a code that no other client has, in any case (``same_code``).

    On a shared database with caseloads on, a client in another caseload is not seen by the
    search first; the unique indexes on the code refuse it then, and the work is rolled back by
    the caller.
    """
    existing = session.exec(select(Client.code).where(same_code(new.code))).first()
    if existing is not None:
        raise code_in_use(new.code, existing)
    client = Client(**new.model_dump(), created_at=actor.now())
    session.add(client)
    try:
        session.flush()
    except IntegrityError:
        raise code_in_use(new.code, None) from None
    audit.record_client(session, actor, AuditKind.CREATE, client, detail_of("client"))
    return client_read(client)


def get_client(*, session: Session, actor: Actor, code: str) -> ClientRead:
    """Open a client's details (an audited read)."""
    client = client_row(session, code)
    audit.record_client(session, actor, AuditKind.READ, client, detail_of("client"))
    return client_read(client)


def find_clients(*, session: Session, actor: Actor, text: str = "") -> list[ClientRead]:
    """Return the clients whose code or name contains the text, in any case, by code (an audited
    search; an empty text finds every client).

    Compared here by the caseload filter's rule (``schema.matching``), not in SQL: SQLite's LIKE
    folds only ASCII ("ZOË" would miss "Zoë") and reads ``%`` and ``_`` as wildcards; a
    practice's clients are few enough to read. Ordered by code as the caseload is, whatever the
    server's collation.
    """
    query = select(Client).where(col(Client.destroyed_at).is_(None))
    found = [
        client_read(client)
        for client in session.exec(query)
        if finds(text, client.code, client.name)
    ]
    found.sort(key=attrgetter("code"))
    audit.record(session=session, actor=actor, event=AuditKind.SEARCH, detail=detail_of("clients"))
    return found


def change_client(
    *,
    session: Session,
    actor: Actor,
    code: str,
    changes: ClientChanges,
    expected_version: int | None = None,
) -> ClientRead:
    """Correct a client's details; the audit log records which fields, never their values.

    ``expected_version`` is the version of the details the user saw (``ClientRead.version``);
    None changes whatever is current. Under the write lock the stored version is compared with
    it, and the row is updated only where it still has that version.

    Raises:
        StaleVersionError: someone changed the details since that version; it says who changed
            which fields and when.
        NotFoundError: there is no such client, or the dossier was destroyed.
    """
    hold_write_lock(session)
    client = client_row(session, code)
    seen = client.version if expected_version is None else expected_version
    if client.version != seen:
        raise client_changed(session, client, seen)
    updates = changes.model_dump(mode="json", exclude_unset=True)
    touch(session, "client", [client.id])  # an UPDATE statement: the ORM does not see it
    stored = session.execute(
        update(Client)
        .where(col(Client.id) == client.id, col(Client.version) == seen)
        .values(**updates, version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if stored.rowcount != 1:  # type: ignore[attr-defined]  # changed by a path without the lock
        session.refresh(client)
        raise client_changed(session, client, seen)
    session.refresh(client)
    audit.record_client(
        session, actor, AuditKind.CHANGE, client, client_change_detail(list(updates))
    )
    return client_read(client)


def couple_of(session: Session, client_id: int) -> Couple | None:
    """Return the couple a client belongs to, if any."""
    return session.exec(
        select(Couple).where(
            or_(Couple.first_client_id == client_id, Couple.second_client_id == client_id)
        )
    ).first()


def create_couple(
    *, session: Session, actor: Actor, first_code: str, second_code: str
) -> CoupleRead:
    """Pair two clients; a client already in a couple cannot join a second one.

    With caseloads on, a couple whose other partner is outside the acting role's caseload is
    not seen by the check first; the database's one-couple-per-client key refuses it then, and
    the work is rolled back by the caller.
    """
    first, second = client_row(session, first_code), client_row(session, second_code)
    assert first.id is not None and second.id is not None
    if first.id == second.id:  # the same code, perhaps typed in another case
        raise ConflictError(
            "a couple is two different clients", field="second_code", reason="same_client"
        )
    for client in (first, second):
        existing = couple_of(session, stored_id(client))
        if existing is not None:
            raise ConflictError(
                f"client '{client.code}' is already in a couple: a couple has exactly two clients",
                field="code",
                reason="in_couple",
                details={"given": client.code},
            )
    couple = Couple(first_client_id=first.id, second_client_id=second.id, created_at=actor.now())
    session.add(couple)
    try:
        session.flush()
    except IntegrityError:  # the rows are gone with the rolled-back work: name them as typed
        raise ConflictError(
            f"client '{first_code}' or '{second_code}' is already in a couple "
            "(outside your caseload): a couple has exactly two clients",
            field="code",
            reason="couple_taken",
            details={"first": first_code, "second": second_code},
        ) from None
    for client in (first, second):
        audit.record_client(
            session, actor, AuditKind.CREATE, client, detail_of("couple", couple=couple.id)
        )
    assert couple.id is not None
    return CoupleRead(couple.id, client_read(first), client_read(second))


def partner_of(session: Session, client_id: int) -> ClientRead | None:
    """Return the other client of a client's couple, if they are in one."""
    couple = couple_of(session, client_id)
    if couple is None:
        return None
    other_id = (
        couple.second_client_id if couple.first_client_id == client_id else couple.first_client_id
    )
    other = session.get(Client, other_id)
    return None if other is None else client_read(other)
