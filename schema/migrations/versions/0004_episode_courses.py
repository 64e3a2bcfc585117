"""Stored courses: each score summary judged by its scale's rule, and one row per episode.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:40:00

The rules come from the scale library, which a migration does not load: no rule is stored and
every course starts unjudged, and the first caseload read judges them (``hecht.schema.courses``).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FILL = """
INSERT INTO episodecourse (client_id, episode_lineage_id, judged, improved, deteriorated,
    last_completed_at)
SELECT client_id, episode_lineage_id, 0, 0, 0, MAX(last_completed_at)
FROM scoresummary WHERE episode_lineage_id IS NOT NULL
GROUP BY client_id, episode_lineage_id
"""


def upgrade() -> None:
    with op.batch_alter_table("scoresummary", schema=None) as batch_op:
        batch_op.add_column(sa.Column("course", sa.Integer(), nullable=True))
    op.create_table(
        "courserule",
        sa.Column("scale_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("sign", sa.Float(), nullable=False),
        sa.Column("step", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("scale_id"),
    )
    op.create_table(
        "episodecourse",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("episode_lineage_id", sa.Integer(), nullable=False),
        sa.Column("judged", sa.Integer(), nullable=False),
        sa.Column("improved", sa.Integer(), nullable=False),
        sa.Column("deteriorated", sa.Integer(), nullable=False),
        sa.Column("last_completed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "episode_lineage_id"),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("episodecourse")
    op.drop_table("courserule")
    with op.batch_alter_table("scoresummary", schema=None) as batch_op:
        batch_op.drop_column("course")
