"""A combined embedder serves as any other: the index takes its joined dimension."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.core.config import Settings
from app.members.service import get_member, member_from_row
from app.wiring.context import AppContext
from tests.web.conftest import load_web_data


def test_members_are_matched_through_an_index_of_two_models_side_by_side(
    tmp_path: Path,
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'combined.sqlite3'}",
        embedder="hashing:16+hashing:48",
    )
    context = AppContext.open(settings)
    try:
        notice = load_web_data(context, notices=60)
        assert context.embedder.dimension == 64
        with context.sessions() as session:
            row = get_member(session=session, member_id="m-studies")
            assert row is not None
            member = member_from_row(row)
        matches = context.matching.match_member(member, now=datetime.now(UTC), limit=5)
        # The concertation notice is the sociologist's, whatever the embedder.
        assert [m.notice_id for m in matches][:1] == [notice]
    finally:
        context.close()
