"""An acknowledged alert records every action taken, not only one: room for several in a list.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.alter_column(
            "action", existing_type=sa.String(length=40), type_=sa.String(length=200)
        )


def downgrade() -> None:
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.alter_column(
            "action", existing_type=sa.String(length=200), type_=sa.String(length=40)
        )
