"""A change names the version it was built on: clients count theirs, a history is one line.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00

Two corrections of one record stored at the same moment on a shared database could both become
version N+1. Such pairs are numbered on in the order they were stored (by id), each pointing at
the one before, so every version stays in the history and the newest is the last one stored;
then the unique index keeps it from happening again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

VERSIONED = ("episode", "visit", "administration")


def number_histories_in_line(table: str) -> None:
    """Renumber each lineage that has two rows with one version number: 1, 2, … by id."""
    bind = op.get_bind()
    lineages = bind.execute(
        sa.text(
            f"SELECT DISTINCT lineage_id FROM {table} WHERE lineage_id IS NOT NULL "
            "GROUP BY lineage_id, version HAVING COUNT(*) > 1"
        )
    ).scalars()
    for lineage in list(lineages):
        rows = bind.execute(
            sa.text(f"SELECT id FROM {table} WHERE lineage_id = :lineage ORDER BY version, id"),
            {"lineage": lineage},
        ).scalars()
        previous = None
        for number, row in enumerate(list(rows), start=1):
            bind.execute(
                sa.text(f"UPDATE {table} SET version = :number, supersedes_id = :previous "
                        "WHERE id = :row"),
                {"number": number, "previous": previous, "row": row},
            )  # fmt: skip
            previous = row


def upgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    for table in VERSIONED:
        number_histories_in_line(table)
        op.drop_index(f"ix_{table}_lineage_version", table_name=table)
        op.create_index(
            f"ix_{table}_lineage_version", table, ["lineage_id", "version"], unique=True
        )


def downgrade() -> None:
    for table in VERSIONED:
        op.drop_index(f"ix_{table}_lineage_version", table_name=table)
        op.create_index(f"ix_{table}_lineage_version", table, ["lineage_id", "version"])
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("version")
