"""Clients imported into PostgreSQL by Hecht 0.1 are sealed again with their owning role.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 13:00:00

The server fills in ``client.owner_role`` as a client is stored. Hecht 0.1's import kept the
export's seals, made without that role, so ``hecht audit verify`` on the new practice reported
every client changed, and its next export was refused by ``hecht import``. In a practice whose
access log shows that import, each client whose newest seal differs from the row only by that
role is sealed again as stored; a client changed in any other way is still reported, and so is
a role set beside such a seal in a practice never imported (only a hand could have set it).
What the import's seals never held cannot be checked: a role changed by hand since that import
is sealed again too. The rule is the seals' own (as revision 0007's): a seal is only ever
compared with the digest ``hecht audit verify`` computes.
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from hecht.schema.trail.seals import seal_server_filled

    seal_server_filled(op.get_bind())


def downgrade() -> None:
    """The seals are append-only: sealing again is not undone."""
