"""A group's weekly digest: the new notices that fit its members, lot by lot.

A notice fits the group when some member of it fits the notice or one of its lots
above that member's own threshold; the digest names who fits which lot and the
intentions the group's members declared so far.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.digest.content import GroupDigest, GroupNotice
from app.digest.gather import line_of, stored_notices, told_items
from app.digest.labels import labels_for
from app.digest.preferences import group_recipient, member_recipient, preferences_of, subscription
from app.digest.selection import DigestMatcher
from models.group import Group
from models.member import Member
from models.schema import IntentionRow

MAX_NOTICES = 30


def gather_group(
    session: Session,
    matcher: DigestMatcher,
    group: Group,
    members: dict[str, Member],
    *,
    since: datetime,
    now: datetime,
    public_url: str,
) -> GroupDigest:
    """The group's digest of notices stored after ``since`` (maybe empty)."""
    recipient = group_recipient(group.id)
    labels = labels_for("fr")
    digest = GroupDigest(recipient, group.mailing_list, group.id, group.name, labels)
    told = told_items(session, recipient)
    fits: dict[str, dict[str | None, list[tuple[float, str]]]] = {}
    best: dict[str, float] = {}
    for member_id in group.members:
        member = members.get(member_id)
        if member is None:
            continue
        threshold = preferences_of(subscription(session, member_recipient(member_id)), member)
        for match in matcher.matches(
            member, now=now, threshold=threshold.threshold, since=since, per_lot=True
        ):
            if match.notice_id in told:
                continue
            per_lot = fits.setdefault(match.notice_id, {})
            per_lot.setdefault(match.lot, []).append((match.score, member.name))
            best[match.notice_id] = max(best.get(match.notice_id, match.score), match.score)
    ranked = sorted(best, key=lambda n: (-best[n], n))[:MAX_NOTICES]
    stored = stored_notices(session, ranked)
    intentions: dict[str, list[tuple[str, str]]] = {}
    for row in session.scalars(
        select(IntentionRow)
        .where(IntentionRow.notice_id.in_(ranked), IntentionRow.member_id.in_(group.members))
        .order_by(IntentionRow.member_id)
    ):
        name = members[row.member_id].name if row.member_id in members else row.member_id
        intentions.setdefault(row.notice_id, []).append((name, labels.role[row.role]))
    for notice_id in ranked:
        found = stored[notice_id]
        lots = {lot.id: lot.title for lot in found.notice.lots}
        lines = []
        for lot_id, people in sorted(
            fits[notice_id].items(), key=lambda kv: (kv[0] is not None, kv[0] or "")
        ):
            label = (
                labels.lot.format(lot=lot_id, title=lots.get(lot_id, ""))
                if lot_id is not None
                else labels.whole_notice
            )
            names = [name for _, name in sorted(people, key=lambda p: (-p[0], p[1]))]
            lines.append((label, list(dict.fromkeys(names))))
        digest.notices.append(
            GroupNotice(
                line_of(found, public_url, labels.language), lines, intentions.get(notice_id, [])
            )
        )
        digest.items[notice_id] = best[notice_id]
    return digest
