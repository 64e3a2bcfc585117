"""Provides the practice's own UUID, made once with its database (migration 0011).

What a practice numbers itself (client codes, practitioners, records) is only unique within it:
the UUID scopes those numbers wherever they leave the database (``hecht.schema.exchange.fhir``).
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from hecht.schema.tables import Practice


def practice_uuid(session: Session) -> uuid.UUID:
    """The UUID of the practice whose database the session is on."""
    return uuid.UUID(session.exec(select(Practice.uuid)).one())
