"""The practice a database belongs to, with a UUID of its own.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:30:00

A FHIR export named client codes, practitioners and records in systems shared by every Hecht
installation, so one practice's C001 imported into another attached to that practice's C001,
a different person. Each database now gets a random UUID when it is made (or upgraded); the
export's identifier systems and resource URNs are scoped by it, and an import takes only client
codes in this practice's own system. On PostgreSQL every role may read the UUID.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    practice = op.create_table(
        "practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(practice, [{"id": 1, "uuid": str(uuid.uuid4())}])
    if op.get_bind().dialect.name == "postgresql":
        # not clinical, and printed in every export: every practitioner's role may read it,
        # including roles granted before this table existed (``hecht db grant`` is per table)
        op.execute("GRANT SELECT ON practice TO PUBLIC")


def downgrade() -> None:
    op.drop_table("practice")
