"""Each client is in one couple at most, kept by the database, whoever can see which couple.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 18:00:00

The couple service refused a client already in a couple, but it could only look at the couples
the acting role sees: with caseloads on, a couple whose other partner is outside a
practitioner's caseload is hidden, so a shared client could be put in a second couple.
``couplemember`` holds one row per client in a couple, keyed on the client, filled by a trigger
on every new couple; the key refuses a second couple for anyone, seen or not. On PostgreSQL the
trigger function runs with its owner's rights (the practice's administrator), so practitioners'
roles need, and get, no rights on the table. Couples stored before this revision fill it; were a
client already in two couples, the first (lowest id) is the one kept there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FILL = """
INSERT INTO couplemember (client_id, couple_id)
SELECT client_id, min(couple_id) FROM (
    SELECT first_client_id AS client_id, id AS couple_id FROM couple
    UNION ALL
    SELECT second_client_id AS client_id, id AS couple_id FROM couple
) members GROUP BY client_id
"""

SQLITE_TRIGGER = """
CREATE TRIGGER couple_members AFTER INSERT ON couple
BEGIN
    INSERT INTO couplemember (client_id, couple_id)
    VALUES (NEW.first_client_id, NEW.id), (NEW.second_client_id, NEW.id);
END
"""

POSTGRES_FUNCTION = """
CREATE FUNCTION hecht_couple_members() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    INSERT INTO couplemember (client_id, couple_id)
    VALUES (NEW.first_client_id, NEW.id), (NEW.second_client_id, NEW.id);
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.create_table(
        "couplemember",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.ForeignKeyConstraint(["couple_id"], ["couple.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("client_id"),
    )
    op.execute(FILL)
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        op.execute(SQLITE_TRIGGER)
        return
    schema = bind.execute(sa.text("SELECT quote_ident(current_schema())")).scalar()
    op.execute(POSTGRES_FUNCTION.format(schema=schema))
    op.execute(
        "CREATE TRIGGER couple_members AFTER INSERT ON couple "
        "FOR EACH ROW EXECUTE FUNCTION hecht_couple_members()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER couple_members ON couple")
        op.execute("DROP FUNCTION hecht_couple_members()")
    else:
        op.execute("DROP TRIGGER couple_members")
    op.drop_table("couplemember")
