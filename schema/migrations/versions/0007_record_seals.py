"""Clinical rows are sealed: a chained hash of every stored version, append-only like the log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00

Every client, episode, visit, administration, answer and score already stored is sealed as it
is now, so ``hecht audit verify`` reports what changes from here on outside Hecht.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    """CREATE TRIGGER recordseal_no_update BEFORE UPDATE ON recordseal
       BEGIN SELECT RAISE(ABORT, 'the record seals are append-only'); END""",
    """CREATE TRIGGER recordseal_no_delete BEFORE DELETE ON recordseal
       BEGIN SELECT RAISE(ABORT, 'the record seals are append-only'); END""",
]

KINDS = ("client", "episode", "visit", "administration", "itemresponse", "score")
"""The kinds sealed from this revision on (later revisions seal others)."""

POSTGRESQL_TRIGGERS = [
    """CREATE TRIGGER recordseal_no_change BEFORE UPDATE OR DELETE ON recordseal
       FOR EACH ROW EXECUTE FUNCTION hecht_audit_append_only()""",
    """CREATE TRIGGER recordseal_no_truncate BEFORE TRUNCATE ON recordseal
       FOR EACH STATEMENT EXECUTE FUNCTION hecht_audit_append_only()""",
]


def upgrade() -> None:
    from hecht.schema.trail.seals import seal_unsealed

    op.create_table(
        "recordseal",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_recordseal_record", "recordseal", ["kind", "record_id", "seq"])
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)
    seal_unsealed(op.get_bind(), KINDS)


def downgrade() -> None:
    op.drop_index("ix_recordseal_record", table_name="recordseal")
    op.drop_table("recordseal")
