"""``committed``: a racing insert of the same id is a ConflictError, and nothing is half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.db import committed
from app.wiring.context import AppContext
from models.errors import ConflictError
from models.schema import MemberRow


def _member(member_id: str) -> MemberRow:
    return MemberRow(
        id=member_id, name="Alice", kind="cae_member", profile={"id": member_id}, content_hash="x"
    )


def test_a_duplicate_key_is_a_conflict_and_rolls_back(context: AppContext) -> None:
    with context.sessions() as session, committed(session, conflict="member m-a already exists"):
        session.add(_member("m-a"))
    with context.sessions() as session:
        with pytest.raises(ConflictError, match="member m-a already exists"):
            with committed(session, conflict="member m-a already exists"):
                session.add(_member("m-b"))
                session.flush()
                session.add(_member("m-a"))  # as if another request had just created it
        assert session.scalar(select(func.count()).select_from(MemberRow)) == 1
