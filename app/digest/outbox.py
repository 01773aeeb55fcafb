"""The outbox: exactly-once digests over an unreliable SMTP server.

Composing and recording are one transaction: the message (as it will be sent), the
items it tells (a notice, a closing or step reminder: each once per recipient, by
primary key), the snapshots of what it told and the recipient's ``last_digest_at``.
Delivery is a second phase that only moves a message from ``pending`` to ``sent``
(after the server's 250) or ``failed`` (a permanent 5xx). A crash or an SMTP outage
leaves messages ``pending``: the next run sends them, and composes nothing twice
because their items are already recorded. The one window left is a crash between the
server's 250 and our commit: the message is sent again with the same Message-ID.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.digest.changes import Snapshot
from app.digest.preferences import Frequency, ensure_subscription
from models.schema import DigestItemRow, DigestMessageRow, DigestSnapshotRow

PENDING, SENT, FAILED = "pending", "sent", "failed"


def new_message_id() -> str:
    """A fresh outbox id (also the Message-ID's local part)."""
    return str(uuid.uuid4())


def record_digest(
    session: Session,
    *,
    message_id: str,
    recipient: str,
    to_address: str,
    message: bytes,
    notices: list[str],
    items: dict[str, float],
    snapshots: dict[str, Snapshot],
    member_id: str | None,
    frequency: Frequency,
    now: datetime,
) -> DigestMessageRow:
    """Record a composed digest and everything it tells (the caller commits)."""
    row = DigestMessageRow(
        id=message_id,
        recipient=recipient,
        to_address=to_address,
        status=PENDING,
        message=message.decode("utf-8"),
        notices=notices,
        attempts=0,
        created_at=now,
    )
    session.add(row)
    session.flush()
    if items:  # one statement for all: a digest may tell a hundred notices
        session.execute(
            insert(DigestItemRow),
            [
                {
                    "recipient": recipient,
                    "item": item,
                    "message_id": message_id,
                    "score": score,
                    "told_at": now,
                }
                for item, score in items.items()
            ],
        )
    if member_id is not None:
        record_snapshots(session, member_id, snapshots, now=now)
    mark_digested(session, recipient, frequency=frequency, now=now)
    return row


def record_snapshots(
    session: Session, member_id: str, snapshots: dict[str, Snapshot], *, now: datetime
) -> None:
    """Keep what the member now knows of these notices (the next changes are diffs from it)."""
    if not snapshots:
        return
    session.execute(
        delete(DigestSnapshotRow).where(
            DigestSnapshotRow.member_id == member_id,
            DigestSnapshotRow.notice_id.in_(list(snapshots)),
        )
    )
    session.execute(
        insert(DigestSnapshotRow),
        [
            {
                "member_id": member_id,
                "notice_id": notice_id,
                "snapshot": snapshot,
                "updated_at": now,
            }
            for notice_id, snapshot in snapshots.items()
        ],
    )


def mark_digested(session: Session, recipient: str, *, frequency: Frequency, now: datetime) -> None:
    """The recipient's digest period starts again now."""
    subscription = ensure_subscription(session, recipient, frequency=frequency)
    subscription.last_digest_at = now
    session.flush()


def pending_messages(
    session: Session, recipients: set[str] | None = None
) -> list[DigestMessageRow]:
    """Messages waiting for delivery, oldest first (only ``recipients`` when given)."""
    query = select(DigestMessageRow).where(DigestMessageRow.status == PENDING)
    if recipients is not None:
        query = query.where(DigestMessageRow.recipient.in_(sorted(recipients)))
    return list(session.scalars(query.order_by(DigestMessageRow.created_at, DigestMessageRow.id)))


def mark_sent(session: Session, message_id: str, *, now: datetime) -> None:
    """The server accepted the message."""
    row = session.get_one(DigestMessageRow, message_id)
    row.status, row.sent_at, row.attempts = SENT, now, row.attempts + 1
    row.last_error = None


def mark_failed(session: Session, message_id: str, error: str, *, permanent: bool) -> None:
    """An attempt failed: permanently (5xx: never retried) or for now (stays pending)."""
    row = session.get_one(DigestMessageRow, message_id)
    row.attempts += 1
    row.last_error = error
    if permanent:
        row.status = FAILED
