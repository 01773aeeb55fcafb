"""Sample members, the sample group and open notices with lots, for API tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from app.demo import load_sample_people
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from tests.utils.data import devset_lines

SAMPLE_GROUP = "g-participation"
SAMPLE_LEAD = "m-studies"  # leads g-participation
GROUP_MEMBER = "m-comm"  # member of g-participation, not a lead
OUTSIDER = "m-archi"  # in no group


def load_people(context: AppContext) -> None:
    """Import ``devset/members.yaml`` and ``devset/group.yaml`` into the store."""
    people = load_sample_people(context)
    assert people.members.ok and people.groups.ok, (people.members, people.groups)


def make_notice(
    context: AppContext,
    *,
    notice_id: str = "boamp:26-0001",
    status: str = "open",
    deadline: datetime | None = None,
    lots: list[dict[str, Any]] | None = None,
) -> str:
    """Store a devset notice under ``notice_id`` with the given status, deadline and lots."""
    data = json.loads(devset_lines(1)[0])
    deadline = deadline or datetime.now(UTC) + timedelta(days=30)
    data.update(id=notice_id, source=notice_id.split(":")[0], status=status)
    data["deadline"] = deadline.isoformat()
    data["lots"] = (
        lots
        if lots is not None
        else [{"id": "1", "title": "Site internet"}, {"id": "2", "title": "Hébergement"}]
    )
    NoticeStore(context.sessions).apply(parse_notice_json_line(json.dumps(data)))
    return notice_id
