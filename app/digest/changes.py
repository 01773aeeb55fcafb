"""What changed in a notice since a member was last told, said in words.

A snapshot keeps what a digest told (deadline, status, lots); the next digest
diffs it with the notice as served now. Pure functions: the store only keeps the
snapshots (``digest_snapshot``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.digest.labels import Labels
from models.notice import Notice
from models.vocabulary.time import PARIS

Snapshot = dict[str, Any]


def snapshot_of(notice: Notice) -> Snapshot:
    """What a member is told of a notice, as JSON."""
    return {
        "deadline": notice.deadline.isoformat() if notice.deadline else None,
        "status": notice.status.value,
        "lots": {
            lot.id: {
                "title": lot.title,
                "deadline": lot.deadline.isoformat() if lot.deadline else None,
            }
            for lot in notice.lots
        },
    }


def short_date(value: datetime) -> str:
    """``15/01`` in Paris time (``15/01 12:00`` when the time of day is not the end of day)."""
    local = value.astimezone(PARIS)
    if (local.hour, local.minute) in ((23, 59), (0, 0)):
        return f"{local:%d/%m}"
    return f"{local:%d/%m %H:%M}"


def _deadline_change(before: str | None, after: str | None, labels: Labels) -> str | None:
    if before == after:
        return None
    if before is None and after is not None:
        return labels.deadline_set.format(new=short_date(datetime.fromisoformat(after)))
    if after is None:
        return labels.deadline_removed
    old, new = datetime.fromisoformat(before or ""), datetime.fromisoformat(after)
    if old == new:
        return None
    template = labels.deadline_earlier if new < old else labels.deadline_later
    return template.format(old=short_date(old), new=short_date(new))


def describe_changes(before: Snapshot, after: Snapshot, labels: Labels) -> list[str]:
    """Each difference between two snapshots as one sentence in the labels' language."""
    changes: list[str] = []
    if before.get("status") != after["status"] and after["status"] in ("cancelled", "awarded"):
        changes.append(labels.status_now[after["status"]])
    deadline = _deadline_change(before.get("deadline"), after["deadline"], labels)
    if deadline:
        changes.append(deadline)
    old_lots: dict[str, Any] = before.get("lots", {})
    new_lots: dict[str, Any] = after["lots"]
    for lot_id, lot in new_lots.items():
        old = old_lots.get(lot_id)
        if old is None:
            changes.append(labels.lot_added.format(lot=lot_id, title=lot["title"]))
            continue
        if old["title"] != lot["title"]:
            changes.append(
                labels.lot_renamed.format(lot=lot_id, old=old["title"], new=lot["title"])
            )
        moved = _deadline_change(old["deadline"], lot["deadline"], labels)
        if moved:
            changes.append(labels.lot_prefix.format(lot=lot_id) + moved)
    changes.extend(
        labels.lot_removed.format(lot=lot_id, title=lot["title"])
        for lot_id, lot in old_lots.items()
        if lot_id not in new_lots
    )
    return changes
