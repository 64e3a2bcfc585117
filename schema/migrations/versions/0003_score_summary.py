"""Score summaries (one derived row per client, episode and scale) and the caseload's indexes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 01:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FILL = """
INSERT INTO scoresummary (client_id, episode_lineage_id, scale_id, first_total, first_at,
    last_total, last_at, last_band, previous_total, valid_count, invalid_count, last_completed_at)
SELECT client_id, episode_lineage_id, scale_id,
    MAX(CASE WHEN ok = 1 AND from_start = 1 THEN total END),
    MAX(CASE WHEN ok = 1 AND from_start = 1 THEN observed_at END),
    MAX(CASE WHEN ok = 1 AND from_end = 1 THEN total END),
    MAX(CASE WHEN ok = 1 AND from_end = 1 THEN observed_at END),
    MAX(CASE WHEN ok = 1 AND from_end = 1 THEN band END),
    MAX(CASE WHEN ok = 1 AND from_end = 2 THEN total END),
    SUM(ok), SUM(1 - ok), MAX(observed_at)
FROM (
    SELECT base.*,
        ROW_NUMBER() OVER (PARTITION BY client_id, episode_lineage_id, scale_id, ok
                           ORDER BY observed_at, id) AS from_start,
        ROW_NUMBER() OVER (PARTITION BY client_id, episode_lineage_id, scale_id, ok
                           ORDER BY observed_at DESC, id DESC) AS from_end
    FROM (
        SELECT a.id, a.client_id, a.episode_lineage_id, a.scale_id, a.observed_at, s.total, s.band,
            CASE WHEN s.valid AND s.total IS NOT NULL THEN 1 ELSE 0 END AS ok
        FROM administration a
        JOIN score s ON s.administration_id = a.id
        JOIN (SELECT lineage_id, MAX(version) AS newest FROM administration GROUP BY lineage_id) n
            ON a.lineage_id = n.lineage_id AND a.version = n.newest
        WHERE a.status = 'complete'
    ) base
) ranked
GROUP BY client_id, episode_lineage_id, scale_id
"""


INDEXES = [
    ("episode", "ix_episode_lineage_version", ["lineage_id", "version"]),
    ("visit", "ix_visit_lineage_version", ["lineage_id", "version"]),
    ("administration", "ix_administration_lineage_version", ["lineage_id", "version"]),
    ("administration", "ix_administration_status_client", ["status", "client_id"]),
    ("alert", "ix_alert_client_open", ["client_id", "acknowledged_at"]),
]
"""Indexes for the current-version subqueries and the caseload's counts."""


def upgrade() -> None:
    op.create_table(
        "scoresummary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("episode_lineage_id", sa.Integer(), nullable=True),
        sa.Column("scale_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("first_total", sa.Float(), nullable=True),
        sa.Column("first_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_total", sa.Float(), nullable=True),
        sa.Column("last_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_band", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("previous_total", sa.Float(), nullable=True),
        sa.Column("valid_count", sa.Integer(), nullable=False),
        sa.Column("invalid_count", sa.Integer(), nullable=False),
        sa.Column("last_completed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scoresummary", schema=None) as batch_op:
        batch_op.create_index(
            "ix_scoresummary_client_scale", ["client_id", "scale_id"], unique=False
        )
        batch_op.create_index(
            "ix_scoresummary_episode",
            [
                "episode_lineage_id", "client_id", "scale_id", "valid_count", "first_total",
                "last_total", "last_completed_at",
            ],
            unique=False,
        )  # fmt: skip
    op.execute(FILL)
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, name, _columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    with op.batch_alter_table("scoresummary", schema=None) as batch_op:
        batch_op.drop_index("ix_scoresummary_episode")
        batch_op.drop_index("ix_scoresummary_client_scale")
    op.drop_table("scoresummary")
