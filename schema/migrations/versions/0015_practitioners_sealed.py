"""Practitioners and the sharing of dossiers are sealed, as the clinical rows are.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 14:00:00

The access log names who did what by the practitioner's number; a practitioner's name changed
with another tool than Hecht would change, unseen, who the log says read or changed a dossier.
Who else a dossier is shared with (``caseloadmember``, PostgreSQL) decides who may read it.
Both were stored unsealed, and a JSON export could be edited there without import noticing.
Every such row already stored is sealed as it is now; ``hecht audit verify`` reports what
changes from here on outside Hecht. Only these two kinds are sealed here: a clinical row
without a seal was added outside Hecht and stays reported.
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

KINDS = ("practitioner", "caseloadmember")


def upgrade() -> None:
    from hecht.schema.trail.seals import seal_unsealed

    seal_unsealed(op.get_bind(), KINDS)


def downgrade() -> None:
    """The seals are append-only: sealing is not undone."""
