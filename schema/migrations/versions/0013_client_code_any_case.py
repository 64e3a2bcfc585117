"""A client code is one code whatever its case: MOM-01 and mom-01 are not two clients.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 10:00:00

Codes were unique only as typed, so a second client could be registered as mom-01 beside
MOM-01, and a search for either found both. A unique index on the lowered code now refuses
that for every role, whether or not it sees the other client (caseloads), and for two
practitioners registering at once. Codes are ASCII letters, digits, - and _, which ``lower()``
folds alike on SQLite and PostgreSQL.

A database may already hold such pairs. They are kept as they are: a code is the pseudonym on
paper forms, in the access log, the seals and exports, not something an upgrade may rename.
The first registered of each (the lowest id) is in the index, so a new code equal to it in any
case is still refused; the later ones are left out by the index's condition and are found by
their exact code.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEX = "ix_client_code_folded"

LATER_TWINS = """
SELECT later.id FROM client later
WHERE EXISTS (
    SELECT 1 FROM client earlier
    WHERE lower(earlier.code) = lower(later.code) AND earlier.id < later.id
)
ORDER BY later.id
"""


def upgrade() -> None:
    later = [int(found) for found in op.get_bind().execute(sa.text(LATER_TWINS)).scalars()]
    kept_out = sa.text(f"id NOT IN ({', '.join(map(str, later))})") if later else None
    op.create_index(
        INDEX, "client", [sa.text("lower(code)")], unique=True,
        sqlite_where=kept_out, postgresql_where=kept_out,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index(INDEX, table_name="client")
