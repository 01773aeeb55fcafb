"""A real devset notice given three lots and a future deadline, and the sample intentions.

The notice is ``decp:226600013000162018201902200`` ("Animation de la concertation
citoyenne…", Pyrénées-Orientales, CPV 79416000) from ``data/devset``, stored under
a BOAMP id with three lots (survey, facilitation, communication) that match the
trades of the sample group ``g-participation``. Intentions: m-studies leads,
m-social contributes, m-comm contributes on lot 3, m-print declines.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from app.core.db import transaction
from app.intentions.service import IntentionIn, declare
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from models.consortium import IntentionRole
from tests.utils.data import DEVSET

CONCERTATION_ID = "decp:226600013000162018201902200"
NOTICE = "boamp:26-4242"
LOTS: list[dict[str, Any]] = [
    {
        "id": "1",
        "title": "Diagnostic et enquête auprès des habitants",
        "description": "Enquête qualitative et quantitative auprès des habitants. Entretiens "
        "avec les acteurs locaux, analyse statistique et rapport de diagnostic.",
    },
    {
        "id": "2",
        "title": "Animation de la concertation",
        "description": "Animation d'ateliers participatifs et de réunions publiques avec les "
        "habitants. Médiation sociale pour mobiliser les publics éloignés.",
    },
    {
        "id": "3",
        "title": "Communication de la concertation",
        "description": "Identité visuelle, affiches et flyers. Relations presse et réseaux "
        "sociaux pour faire connaître la démarche.",
    },
]
INTENTIONS: dict[str, tuple[IntentionRole, list[str]]] = {
    "m-studies": (IntentionRole.lead, []),
    "m-social": (IntentionRole.contributor, []),
    "m-comm": (IntentionRole.contributor, ["3"]),
    "m-print": (IntentionRole.declined, []),
}


def concertation_record(
    *, notice_id: str = NOTICE, status: str = "open", deadline: datetime | None = None
) -> dict[str, Any]:
    """The notice JSON: the devset line with an id, a status, a deadline and three lots."""
    with (DEVSET / "notices.jsonl").open(encoding="utf-8") as lines:
        record: dict[str, Any] = next(
            json.loads(line) for line in lines if f'"{CONCERTATION_ID}"' in line
        )
    deadline = deadline or datetime.now(UTC) + timedelta(days=40)
    record.update(
        id=notice_id,
        source=notice_id.split(":")[0],
        status=status,
        deadline=deadline.isoformat(),
        lots=LOTS,
    )
    return record


def make_concertation_notice(
    context: AppContext, *, notice_id: str = NOTICE, status: str = "open"
) -> str:
    """Store the concertation notice; returns its id."""
    record = concertation_record(notice_id=notice_id, status=status)
    NoticeStore(context.sessions).apply(parse_notice_json_line(json.dumps(record)))
    return notice_id


def declare_intentions(
    context: AppContext,
    notice_id: str = NOTICE,
    intentions: dict[str, tuple[IntentionRole, list[str]]] | None = None,
) -> None:
    """Declare the sample intentions (or the given ones) on the notice."""
    with transaction(context.sessions) as session:
        for member_id, (role, lots) in (intentions or INTENTIONS).items():
            declare(
                session=session,
                notice_id=notice_id,
                member_id=member_id,
                intention=IntentionIn(role=role, lots=lots),
                actor="test",
                now=datetime.now(UTC),
            )
