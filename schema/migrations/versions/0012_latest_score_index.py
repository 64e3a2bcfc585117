"""The caseload's latest scores read from one index, in the order they are kept.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 21:30:00

The caseload shows each client's newest total of the watched scales. It read every summary of
those scales from the table and had the database sort them by time; a practice of 10,000
clients spent a third of its caseload there. The index on (client, scale) now also holds the
time and the shown columns, so the rows come from the index alone, already grouped by client
and scale with the newest last. It still serves every lookup by client and scale.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

LATEST = [
    "client_id", "scale_id", "last_at", "id", "valid_count", "last_total", "last_band",
    "previous_total",
]  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("scoresummary", schema=None) as batch_op:
        batch_op.drop_index("ix_scoresummary_client_scale")
        batch_op.create_index("ix_scoresummary_latest", LATEST, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scoresummary", schema=None) as batch_op:
        batch_op.drop_index("ix_scoresummary_latest")
        batch_op.create_index(
            "ix_scoresummary_client_scale", ["client_id", "scale_id"], unique=False
        )
