"""Caseloads: who created a client, whom else the practice shares it with, and the policies.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:00:00

On PostgreSQL each practitioner may connect with a database role of their own. A client belongs
to the role that created it (``client.owner_role``, set by the server) and to the roles the
practice shares it with (``caseloadmember``). The row-level security policies made here let a
role see a client, and everything stored about that client, only when it is in that role's
caseload; they take effect when the practice turns them on (``hecht db caseloads on``). The role
that owns the tables (the practice's administrator) always sees everything. Clients stored
before this revision belong to nobody until the practice shares them.

Alerts and couples are sealed from here on, like the other clinical rows: those already stored
are sealed as they are now.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_CLIENT_VISIBLE = "EXISTS (SELECT 1 FROM client c WHERE c.id = {table}.client_id)"
_ADMINISTRATION_VISIBLE = (
    "EXISTS (SELECT 1 FROM administration a WHERE a.id = {table}.administration_id)"
)
POLICIES = {
    "client": (
        "client.owner_role = current_user OR EXISTS (SELECT 1 FROM caseloadmember m "
        "WHERE m.client_id = client.id AND m.role_name = current_user)"
    ),
    "couple": (
        "EXISTS (SELECT 1 FROM client c WHERE c.id = couple.first_client_id) "
        "AND EXISTS (SELECT 1 FROM client c WHERE c.id = couple.second_client_id)"
    ),
    "episode": (
        "(episode.client_id IS NOT NULL AND " + _CLIENT_VISIBLE.format(table="episode") + ") OR "
        "(episode.couple_id IS NOT NULL AND "
        "EXISTS (SELECT 1 FROM couple k WHERE k.id = episode.couple_id))"
    ),
    "visit": "EXISTS (SELECT 1 FROM episode e WHERE e.id = visit.episode_lineage_id)",
    "administration": _CLIENT_VISIBLE.format(table="administration"),
    "itemresponse": _ADMINISTRATION_VISIBLE.format(table="itemresponse"),
    "score": _ADMINISTRATION_VISIBLE.format(table="score"),
    "scoresummary": _CLIENT_VISIBLE.format(table="scoresummary"),
    "episodecourse": _CLIENT_VISIBLE.format(table="episodecourse"),
    "alert": _CLIENT_VISIBLE.format(table="alert"),
}
"""Each table that holds a dossier, and when a row of it is in the current role's caseload."""

OWNER_FUNCTION = """
CREATE FUNCTION hecht_client_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.owner_role IS NULL THEN
        NEW.owner_role := current_user;
    END IF;
    RETURN NEW;
END $$
"""


def upgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner_role", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=True)
        )
    op.create_table(
        "caseloadmember",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("role_name", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "role_name"),
    )
    op.create_index("ix_caseloadmember_role_name", "caseloadmember", ["role_name"])
    from hecht.schema.trail.seals import seal_unsealed

    seal_unsealed(op.get_bind(), ("alert", "couple"))  # sealed from this revision on
    if op.get_bind().dialect.name != "postgresql":
        return  # a SQLite file is one practitioner's: no roles, no policies
    op.execute(OWNER_FUNCTION)
    op.execute(
        "CREATE TRIGGER client_owner BEFORE INSERT ON client "
        "FOR EACH ROW EXECUTE FUNCTION hecht_client_owner()"
    )
    for table, visible in POLICIES.items():
        op.execute(f"CREATE POLICY hecht_caseload ON {table} USING ({visible})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in POLICIES:
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
            op.execute(f"DROP POLICY hecht_caseload ON {table}")
        op.execute("DROP TRIGGER client_owner ON client")
        op.execute("DROP FUNCTION hecht_client_owner()")
    op.drop_index("ix_caseloadmember_role_name", table_name="caseloadmember")
    op.drop_table("caseloadmember")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("owner_role")
