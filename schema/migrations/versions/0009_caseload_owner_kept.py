"""Only the practice's administrator sets or changes who created a client.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 16:00:00

Revision 0008 set ``client.owner_role`` only when an insert left it empty, and let any role
change it: a practitioner could have claimed a colleague's client, or handed one away. Now an
insert by a practitioner's role always names that role, and an update keeps the owner, unless
the role administers the tables (it owns them, or is a superuser), as an import or a hand-over
by the administrator needs.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OWNER_FUNCTION = """
CREATE OR REPLACE FUNCTION hecht_client_owner() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    administers boolean;
BEGIN
    SELECT pg_has_role(current_user, c.relowner, 'USAGE') INTO administers
        FROM pg_class c WHERE c.oid = TG_RELID;
    IF TG_OP = 'INSERT' THEN
        IF NEW.owner_role IS NULL OR NOT administers THEN
            NEW.owner_role := current_user;
        END IF;
    ELSIF NOT administers THEN
        NEW.owner_role := OLD.owner_role;
    END IF;
    RETURN NEW;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(OWNER_FUNCTION)
    op.execute("DROP TRIGGER client_owner ON client")
    op.execute(
        "CREATE TRIGGER client_owner BEFORE INSERT OR UPDATE ON client "
        "FOR EACH ROW EXECUTE FUNCTION hecht_client_owner()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER client_owner ON client")
    op.execute(
        "CREATE TRIGGER client_owner BEFORE INSERT ON client "
        "FOR EACH ROW EXECUTE FUNCTION hecht_client_owner()"
    )
