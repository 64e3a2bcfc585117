"""Provides caseloads on a shared PostgreSQL database: who may see which dossier.

Each practitioner connects with a database role of their own. A client is in the caseload of the
role that created it (``client.owner_role``) and of the roles the practice shares it with
(``CaseloadMember``). Row-level security policies (made by migration 0008, one per table that
holds a dossier) hide every other client and everything stored about them, once the practice
turns them on. The role that owns the tables sees everything: it is the practice's
administrator, which grants the practitioners' roles, shares dossiers and verifies the log.

A SQLite file is one practitioner's: there, OS accounts and encryption do this job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, text
from sqlmodel import Session, SQLModel, col, select

from hecht.schema.context import Actor
from hecht.schema.errors import ServiceError
from hecht.schema.services.clients import client_row
from hecht.schema.tables import CaseloadMember, stored_id
from hecht.schema.trail.audit import record_client
from hecht.schema.trail.chain import AuditKind

POLICY = "hecht_caseload"
"""The name of the policy migration 0008 gives each table that holds a dossier."""
APPEND_ONLY = ("auditevent", "recordseal")
"""Tables a practitioner's role may read and append to, never change."""
READ_ONLY = ("caseloadmember", "alembic_version")
"""Tables only the practice's administrator changes."""


class CaseloadError(ServiceError):
    """A caseload request that cannot be done here: on SQLite, or by a role that may not."""


@dataclass(frozen=True)
class CaseloadState:
    """How a database's caseloads stand, as the connected role sees them.

    Attributes:
        shared: the database is PostgreSQL (caseloads exist only there).
        role: the connected database role (None on SQLite).
        policies: tables that have a caseload policy.
        restricted: tables whose policy is on.
        sees_everything: the role owns the tables (or bypasses row security).
        administrator: the role that owns the tables (None on SQLite).
        in_no_caseload: clients that belong to no role; None when this role cannot count them.
    """

    shared: bool
    role: str | None
    policies: int
    restricted: int
    sees_everything: bool
    administrator: str | None
    in_no_caseload: int | None

    @property
    def limits_this_role(self) -> bool:
        """Whether this role sees only its own caseload."""
        return self.restricted > 0 and not self.sees_everything


def caseload_state(connection: Connection) -> CaseloadState:
    """Read how caseloads stand for the connected role."""
    if connection.dialect.name != "postgresql":
        return CaseloadState(False, None, 0, 0, True, None, None)
    tables = connection.execute(
        text(
            "SELECT c.relrowsecurity, pg_get_userbyid(c.relowner) FROM pg_policies p "
            "JOIN pg_class c ON c.relname = p.tablename "
            "AND c.relnamespace = to_regnamespace(p.schemaname) "
            "WHERE p.policyname = :policy AND p.schemaname = current_schema()"
        ),
        {"policy": POLICY},
    ).all()
    role, bypasses = connection.execute(
        text(
            "SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles "
            "WHERE rolname = current_user"
        )
    ).one()
    owner = str(tables[0][1]) if tables else None
    owns = owner is not None and bool(
        connection.execute(
            text("SELECT pg_has_role(current_user, :owner, 'USAGE')"), {"owner": owner}
        ).scalar()
    )
    sees_everything = bool(bypasses) or owns
    unowned = None
    if sees_everything and tables:
        unowned = connection.execute(
            text(
                "SELECT count(*) FROM client c WHERE c.destroyed_at IS NULL "
                "AND c.owner_role IS NULL AND NOT EXISTS "
                "(SELECT 1 FROM caseloadmember m WHERE m.client_id = c.id)"
            )
        ).scalar()
    return CaseloadState(
        shared=True,
        role=str(role),
        policies=len(tables),
        restricted=sum(1 for on, _ in tables if on),
        sees_everything=sees_everything,
        administrator=owner,
        in_no_caseload=None if unowned is None else int(unowned),
    )


def _policy_tables(connection: Connection) -> list[str]:
    found = connection.execute(
        text(
            "SELECT tablename FROM pg_policies WHERE policyname = :policy "
            "AND schemaname = current_schema() ORDER BY tablename"
        ),
        {"policy": POLICY},
    )
    return [str(name) for name in found.scalars()]


def _administered(connection: Connection) -> CaseloadState:
    """The state, refused unless the database is PostgreSQL and this role administers it."""
    state = caseload_state(connection)
    if not state.shared:
        raise CaseloadError("caseloads exist on a shared PostgreSQL database", reason="sqlite")
    if not state.sees_everything:
        raise CaseloadError(
            f"only the practice's administrator ({state.administrator}) may do this",
            reason="not_administrator",
            details={"administrator": state.administrator, "role": state.role},
        )
    return state


def restrict_caseloads(engine: Engine, on: bool) -> CaseloadState:
    """Turn the caseload policies on (each role sees its own caseload) or off (all see all)."""
    with engine.begin() as connection:
        _administered(connection)
        switch = "ENABLE" if on else "DISABLE"
        for table in _policy_tables(connection):
            connection.execute(text(f'ALTER TABLE "{table}" {switch} ROW LEVEL SECURITY'))
    with engine.connect() as connection:
        return caseload_state(connection)


def _role_exists(connection: Connection, role: str) -> bool:
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role})
    return found.first() is not None


def _quoted(role: str) -> str:
    return '"' + role.replace('"', '""') + '"'


def grant_practitioner(engine: Engine, role: str) -> list[str]:
    """Give an existing role what a practitioner needs; return the tables granted."""
    with engine.begin() as connection:
        _administered(connection)
        if not _role_exists(connection, role):
            raise CaseloadError(
                f"there is no database role {role}", reason="no_role", details={"role": role}
            )
        who = _quoted(role)
        schema = _quoted(_schema(connection))
        connection.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {who}"))
        tables = sorted(SQLModel.metadata.tables) + ["alembic_version"]
        for table in tables:
            if table in APPEND_ONLY:
                rights = "SELECT, INSERT"
            elif table in READ_ONLY:
                rights = "SELECT"
            else:
                rights = "SELECT, INSERT, UPDATE, DELETE"
            connection.execute(text(f'GRANT {rights} ON "{table}" TO {who}'))
        connection.execute(
            text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}")
        )
    return tables


def _schema(connection: Connection) -> str:
    return str(connection.execute(text("SELECT current_schema()")).scalar())


def _administered_session(session: Session) -> None:
    _administered(session.connection())


def share_client(*, session: Session, actor: Actor, code: str, role: str) -> bool:
    """Put a client in a further role's caseload; False when it was there already."""
    _administered_session(session)
    connection = session.connection()
    if not _role_exists(connection, role):
        raise CaseloadError(
            f"there is no database role {role}", reason="no_role", details={"role": role}
        )
    client = client_row(session, code)
    present = session.exec(
        select(CaseloadMember).where(
            col(CaseloadMember.client_id) == client.id, col(CaseloadMember.role_name) == role
        )
    ).first()
    if present is not None or client.owner_role == role:
        return False
    session.add(CaseloadMember(client_id=stored_id(client), role_name=role, added_at=actor.now()))
    record_client(session, actor, AuditKind.CHANGE, client, f"caseload: shared with {role}")
    return True


def unshare_client(*, session: Session, actor: Actor, code: str, role: str) -> bool:
    """Take a client out of a role's shared caseload; False when it was not shared with it."""
    _administered_session(session)
    client = client_row(session, code)
    member = session.exec(
        select(CaseloadMember).where(
            col(CaseloadMember.client_id) == client.id, col(CaseloadMember.role_name) == role
        )
    ).first()
    if member is None:
        return False
    session.delete(member)
    record_client(
        session, actor, AuditKind.CHANGE, client, f"caseload: no longer shared with {role}"
    )
    return True


@dataclass(frozen=True)
class ClientCaseload:
    """Who has a client in their caseload."""

    owner: str | None
    shared_with: tuple[str, ...]
    since: tuple[datetime, ...]


def client_caseload(*, session: Session, code: str) -> ClientCaseload:
    """The role that created a client and the roles it is shared with."""
    client = client_row(session, code)
    members = session.exec(
        select(CaseloadMember)
        .where(col(CaseloadMember.client_id) == client.id)
        .order_by(col(CaseloadMember.role_name))
    ).all()
    return ClientCaseload(
        owner=client.owner_role,
        shared_with=tuple(member.role_name for member in members),
        since=tuple(member.added_at for member in members),
    )
