"""Provides clients, couples and practitioners: register, find, read and correct them."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from hecht.schema.conflicts import client_change_detail, client_changed, names_by_id
from hecht.schema.context import Actor
from hecht.schema.errors import ConflictError, NotFoundError
from hecht.schema.inputs import ClientChanges, NewClient
from hecht.schema.readmodels import ClientRead, CoupleRead, read_of
from hecht.schema.tables import Client, Couple, Practitioner, stored_id
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
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


def client_row(session: Session, code: str, *, tombstone_ok: bool = False) -> Client:
    """Return the client with this code; refuse an unknown one, and a destroyed one unless asked."""
    client = session.exec(select(Client).where(Client.code == code)).first()
    if client is None:
        raise NotFoundError(
            f"there is no client with code '{code}'", field="code", reason="no_client",
            details={"given": code},
        )  # fmt: skip
    if client.destroyed_at is not None and not tombstone_ok:
        raise NotFoundError(
            f"the dossier of client '{code}' was destroyed", field="code", reason="destroyed",
            details={"given": code},
        )  # fmt: skip
    return client


def create_client(*, session: Session, actor: Actor, new: NewClient) -> ClientRead:
    """Register a client under a code that no other client has.

    On a shared database with caseloads on, a client in another caseload is not seen by the
    search first; the unique code refuses it then, and the work is rolled back by the caller.
    """
    taken = ConflictError(
        f"code '{new.code}' is already in use: choose another code",
        field="code",
        reason="in_use",
        details={"given": new.code},
    )
    if session.exec(select(Client.id).where(Client.code == new.code)).first() is not None:
        raise taken
    client = Client(**new.model_dump(), created_at=actor.now())
    session.add(client)
    try:
        session.flush()
    except IntegrityError:
        raise taken from None
    audit.record_client(session, actor, AuditKind.CREATE, client, "client")
    return client_read(client)


def get_client(*, session: Session, actor: Actor, code: str) -> ClientRead:
    """Open a client's details (an audited read)."""
    client = client_row(session, code)
    audit.record_client(session, actor, AuditKind.READ, client, "client")
    return client_read(client)


def find_clients(*, session: Session, actor: Actor, text: str = "") -> list[ClientRead]:
    """Return clients whose code or name contains the text (an audited search)."""
    query = select(Client).where(col(Client.destroyed_at).is_(None)).order_by(col(Client.code))
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(col(Client.code).ilike(pattern), col(Client.name).ilike(pattern)))
    found = [client_read(client) for client in session.exec(query)]
    audit.record(session=session, actor=actor, event=AuditKind.SEARCH, detail="clients")
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
    if first_code == second_code:
        raise ConflictError(
            "a couple is two different clients", field="second_code", reason="same_client"
        )
    first, second = client_row(session, first_code), client_row(session, second_code)
    assert first.id is not None and second.id is not None
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
        audit.record_client(session, actor, AuditKind.CREATE, client, f"couple {couple.id}")
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
