"""Initial schema, with the audit log made append-only by triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 23:21:35.643181
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditevent",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("client_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("on_behalf_of_id", sa.Integer(), nullable=True),
        sa.Column("access_point", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditevent_client_id"), ["client_id"], unique=False)

    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("destroyed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_code"), ["code"], unique=True)

    op.create_table(
        "practitioner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "couple",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_client_id", sa.Integer(), nullable=False),
        sa.Column("second_client_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("first_client_id <> second_client_id", name="couple_two_clients"),
        sa.ForeignKeyConstraint(
            ["first_client_id"],
            ["client.id"],
        ),
        sa.ForeignKeyConstraint(
            ["second_client_id"],
            ["client.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("first_client_id", "second_client_id"),
    )
    with op.batch_alter_table("couple", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_couple_first_client_id"), ["first_client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_couple_second_client_id"), ["second_client_id"], unique=False
        )

    op.create_table(
        "episode",
        sa.Column("lineage_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("change_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("couple_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("referral_reasons", sa.JSON(), nullable=True),
        sa.Column("referral_text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("referrer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("episode_status", sa.String(length=12), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(client_id IS NULL) <> (couple_id IS NULL)", name="episode_client_or_couple"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
        ),
        sa.ForeignKeyConstraint(
            ["couple_id"],
            ["couple.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["practitioner.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_episode_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_episode_couple_id"), ["couple_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_episode_lineage_id"), ["lineage_id"], unique=False)

    op.create_table(
        "visit",
        sa.Column("lineage_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("change_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_lineage_id", sa.Integer(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("attendee_ids", sa.JSON(), nullable=True),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("themes", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_lineage_id"],
            ["episode.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["practitioner.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_episode_lineage_id"), ["episode_lineage_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_visit_lineage_id"), ["lineage_id"], unique=False)

    op.create_table(
        "administration",
        sa.Column("lineage_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("change_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("episode_lineage_id", sa.Integer(), nullable=True),
        sa.Column("visit_lineage_id", sa.Integer(), nullable=True),
        sa.Column("scale_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("scale_version", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("respondent", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("observed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("entered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["practitioner.id"],
        ),
        sa.ForeignKeyConstraint(
            ["episode_lineage_id"],
            ["episode.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["practitioner.id"],
        ),
        sa.ForeignKeyConstraint(
            ["visit_lineage_id"],
            ["visit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("administration", schema=None) as batch_op:
        batch_op.create_index(
            "ix_administration_client_scale", ["client_id", "scale_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_administration_episode_lineage_id"), ["episode_lineage_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_administration_lineage_id"), ["lineage_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_administration_visit_lineage_id"), ["visit_lineage_id"], unique=False
        )

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("item", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("raised_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("acknowledged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("action_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["practitioner.id"],
        ),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administration.id"],
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_administration_id"), ["administration_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_alert_client_id"), ["client_id"], unique=False)

    op.create_table(
        "itemresponse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("missing_reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("entered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administration.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("administration_id", "item_id"),
    )
    with op.batch_alter_table("itemresponse", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_itemresponse_administration_id"), ["administration_id"], unique=False
        )

    op.create_table(
        "score",
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("raw_total", sa.Float(), nullable=True),
        sa.Column("band", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("prorated", sa.Boolean(), nullable=False),
        sa.Column("missing_items", sa.JSON(), nullable=True),
        sa.Column("subscales", sa.JSON(), nullable=True),
        sa.Column("computed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administration.id"],
        ),
        sa.PrimaryKeyConstraint("administration_id"),
    )
    create_append_only_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS hecht_audit_append_only() CASCADE")
    op.drop_table("score")
    with op.batch_alter_table("itemresponse", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_itemresponse_administration_id"))

    op.drop_table("itemresponse")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_client_id"))
        batch_op.drop_index(batch_op.f("ix_alert_administration_id"))

    op.drop_table("alert")
    with op.batch_alter_table("administration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_administration_visit_lineage_id"))
        batch_op.drop_index(batch_op.f("ix_administration_lineage_id"))
        batch_op.drop_index(batch_op.f("ix_administration_episode_lineage_id"))
        batch_op.drop_index("ix_administration_client_scale")

    op.drop_table("administration")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_lineage_id"))
        batch_op.drop_index(batch_op.f("ix_visit_episode_lineage_id"))

    op.drop_table("visit")
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_episode_lineage_id"))
        batch_op.drop_index(batch_op.f("ix_episode_couple_id"))
        batch_op.drop_index(batch_op.f("ix_episode_client_id"))

    op.drop_table("episode")
    with op.batch_alter_table("couple", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_couple_second_client_id"))
        batch_op.drop_index(batch_op.f("ix_couple_first_client_id"))

    op.drop_table("couple")
    op.drop_table("practitioner")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_code"))

    op.drop_table("client")
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditevent_client_id"))

    op.drop_table("auditevent")


SQLITE_TRIGGERS = [
    """CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]

POSTGRESQL_TRIGGERS = [
    """CREATE FUNCTION hecht_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
    """CREATE TRIGGER auditevent_no_change BEFORE UPDATE OR DELETE ON auditevent
       FOR EACH ROW EXECUTE FUNCTION hecht_audit_append_only()""",
    """CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION hecht_audit_append_only()""",
]


def create_append_only_triggers() -> None:
    """Reject UPDATE and DELETE on the audit log in the database itself (NEN 7513)."""
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)
