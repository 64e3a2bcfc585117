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

from sqlalchemy import Connection, Engine, text
from sqlmodel import Session, SQLModel, col, select

from hecht.schema.context import Actor
from hecht.schema.errors import ServiceError
from hecht.schema.services.clients import client_row
from hecht.schema.tables import CaseloadMember, stored_id
from hecht.schema.trail.audit import record_client
from hecht.schema.trail.chain import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import hold_write_lock

POLICY = "hecht_caseload"
"""The name of the policy migration 0008 gives each table that holds a dossier."""
DOSSIER_TABLES = (
    "client", "couple", "episode", "visit", "administration", "itemresponse", "score",
    "scoresummary", "episodecourse", "alert",
)  # fmt: skip
"""The tables that hold a dossier, each with a caseload policy (migration 0008)."""
APPEND_ONLY = ("auditevent", "recordseal")
"""Tables a practitioner's role may read and append to, never change."""
READ_ONLY = ("caseloadmember", "alembic_version", "practice")
"""Tables only the practice's administrator changes."""
READ_AND_ADD = ("practitioner",)
"""Tables a practitioner's role reads and adds to: a colleague's name is never changed."""
NO_RIGHTS = ("couplemember",)
"""Tables only the database's own triggers write, with their owner's rights (migration 0010)."""


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
        administers: the role owns the tables (or is a superuser): it may turn caseloads on
            or off, grant and share.
        sees_everything: the role administers, or bypasses row security.
        administrator: the role that owns the tables (None on SQLite).
        in_no_caseload: clients that belong to no role; None when this role cannot count them.
    """

    shared: bool
    role: str | None
    policies: int
    restricted: int
    administers: bool
    sees_everything: bool
    administrator: str | None
    in_no_caseload: int | None

    @property
    def limits_this_role(self) -> bool:
        """Whether this role sees only its own caseload."""
        return self.restricted > 0 and not self.sees_everything


def caseload_state(connection: Connection) -> CaseloadState:
    """Read how caseloads stand for the connected role.

    The tables are Hecht's own, by name, in the current schema: a table someone else made with
    a policy of the same name counts for nothing, and the administrator is the owner of
    ``client``.
    """
    if connection.dialect.name != "postgresql":
        return CaseloadState(False, None, 0, 0, True, True, None, None)
    tables = connection.execute(
        text(
            "SELECT c.relname, c.relrowsecurity, pg_get_userbyid(c.relowner), "
            "EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = :policy) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY(:tables)"
        ),
        {"policy": POLICY, "tables": list(DOSSIER_TABLES)},
    ).all()
    role, superuser, bypasses = connection.execute(
        text(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
    ).one()
    owner = next((str(owner) for name, _, owner, _ in tables if name == "client"), None)
    owns = owner is not None and bool(
        connection.execute(
            text("SELECT pg_has_role(current_user, :owner, 'USAGE')"), {"owner": owner}
        ).scalar()
    )
    administers = bool(superuser) or owns
    sees_everything = administers or bool(bypasses)
    with_policy = [(name, on) for name, on, _, has_policy in tables if has_policy]
    unowned = None
    if sees_everything and with_policy:
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
        policies=len(with_policy),
        restricted=sum(1 for _, on in with_policy if on),
        administers=administers,
        sees_everything=sees_everything,
        administrator=owner,
        in_no_caseload=None if unowned is None else int(unowned),
    )


def _administered(connection: Connection) -> CaseloadState:
    """The state, refused unless the database is PostgreSQL and this role administers it."""
    state = caseload_state(connection)
    if not state.shared:
        raise CaseloadError("caseloads exist on a shared PostgreSQL database", reason="sqlite")
    if not state.administers:
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
        for table in DOSSIER_TABLES:
            connection.execute(text(f"ALTER TABLE {_quoted(table)} {switch} ROW LEVEL SECURITY"))
    with engine.connect() as connection:
        return caseload_state(connection)


def _require_role(connection: Connection, role: str) -> None:
    """Refuse a role the server does not have, saying how it is made."""
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role})
    if found.first() is None:
        raise CaseloadError(
            f"there is no database role {role}", reason="no_role", details={"role": role}
        )


def _quoted(role: str) -> str:
    return '"' + role.replace('"', '""') + '"'


def grant_practitioner(engine: Engine, role: str) -> list[str]:
    """Give an existing role what a practitioner needs; return the tables granted."""
    with engine.begin() as connection:
        _administered(connection)
        _require_role(connection, role)
        who = _quoted(role)
        schema = _quoted(_schema(connection))
        connection.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {who}"))
        tables = sorted(set(SQLModel.metadata.tables) - set(NO_RIGHTS)) + ["alembic_version"]
        for table in tables:
            if table in APPEND_ONLY or table in READ_AND_ADD:
                rights = "SELECT, INSERT"
            elif table in READ_ONLY:
                rights = "SELECT"
            else:
                rights = "SELECT, INSERT, UPDATE, DELETE"
            connection.execute(text(f"GRANT {rights} ON {_quoted(table)} TO {who}"))
        connection.execute(
            text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}")
        )
    return tables


def _schema(connection: Connection) -> str:
    return str(connection.execute(text("SELECT current_schema()")).scalar())


def _membership(session: Session, client_id: int | None, role: str) -> CaseloadMember | None:
    """The share of a client with a role, if there is one."""
    return session.exec(
        select(CaseloadMember).where(
            col(CaseloadMember.client_id) == client_id, col(CaseloadMember.role_name) == role
        )
    ).first()


def share_client(*, session: Session, actor: Actor, code: str, role: str) -> bool:
    """Put a client in a further role's caseload; False when it was there already (also when
    another administrator's share of it was committed first: both are read under the write lock)."""
    _administered(session.connection())
    _require_role(session.connection(), role)
    hold_write_lock(session)
    client = client_row(session, code)
    if client.owner_role == role or _membership(session, client.id, role) is not None:
        return False
    session.add(CaseloadMember(client_id=stored_id(client), role_name=role, added_at=actor.now()))
    record_client(session, actor, AuditKind.CHANGE, client, detail_of("caseload_shared", role=role))
    return True


def unshare_client(*, session: Session, actor: Actor, code: str, role: str) -> bool:
    """Take a client out of a role's shared caseload; False when it was not shared with it."""
    _administered(session.connection())
    hold_write_lock(session)
    client = client_row(session, code)
    member = _membership(session, client.id, role)
    if member is None:
        return False
    session.delete(member)
    record_client(
        session, actor, AuditKind.CHANGE, client, detail_of("caseload_unshared", role=role)
    )
    return True


@dataclass(frozen=True)
class ClientCaseload:
    """Who has a client in their caseload."""

    owner: str | None
    shared_with: tuple[str, ...]


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
    )
