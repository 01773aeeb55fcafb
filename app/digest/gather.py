"""A member's digest: new fits, closing soon, changes and steps, read from the store.

Reads only; what telling the digest records (items, snapshots) is returned in the
:class:`MemberDigest` for the outbox to write with the message, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.digest import links
from app.digest.changes import describe_changes, snapshot_of
from app.digest.content import (
    ChangedNotice,
    ClosingNotice,
    MemberDigest,
    NewNotice,
    NoticeLine,
    StepReminder,
    format_value,
    why_line,
)
from app.digest.labels import labels_for
from app.digest.preferences import PERIODS, Frequency, Preferences, member_recipient
from app.digest.selection import Candidate, DigestMatcher, StoredNotice
from app.digest.steps import due_steps
from app.feedback.service import rerank_for_member
from app.members.feedback import member_examples
from models.group import Group
from models.member import Member
from models.notice import Notice, NoticeStatus
from models.schema import (
    DigestItemRow,
    DigestSnapshotRow,
    GroupRow,
    IntentionRow,
    NoticeRow,
)

MAX_NEW = 20
"""New notices listed in one e-mail; the others are counted and on the member's page."""
CLOSING_DAYS = 7
WORKING_ROLES = ("lead", "contributor", "interested")


def candidates_since(session: Session, since: datetime, now: datetime) -> list[Candidate]:
    """Open notices first stored after ``since`` whose deadline has not passed."""
    rows = session.execute(
        select(NoticeRow.document, NoticeRow.created_at)
        .where(NoticeRow.kind == "notice", NoticeRow.status == NoticeStatus.open.value)
        .where(NoticeRow.created_at > since)
        .where((NoticeRow.deadline_at.is_(None)) | (NoticeRow.deadline_at > now))
        .order_by(NoticeRow.id)
    ).all()
    return [Candidate(Notice.model_validate(r.document), r.document, r.created_at) for r in rows]


def stored_notices(session: Session, ids: Sequence[str]) -> dict[str, StoredNotice]:
    """Stored notices by id."""
    rows = session.execute(
        select(NoticeRow.id, NoticeRow.document).where(NoticeRow.id.in_(list(ids)))
    ).all()
    return {r.id: StoredNotice(Notice.model_validate(r.document), r.document) for r in rows}


def all_groups(session: Session) -> list[Group]:
    """Every group (their procedures date the steps of their members)."""
    rows = session.scalars(select(GroupRow).order_by(GroupRow.id))
    return [Group.model_validate(row.document) for row in rows]


def member_groups(session: Session, member_id: str) -> list[Group]:
    """The groups a member belongs to."""
    return [group for group in all_groups(session) if member_id in group.members]


def told_items(session: Session, recipient: str) -> set[str]:
    """Everything a recipient was already told."""
    return set(
        session.scalars(select(DigestItemRow.item).where(DigestItemRow.recipient == recipient))
    )


def line_of(stored: StoredNotice, public_url: str, language: str) -> NoticeLine:
    """How a digest names a notice."""
    notice = stored.notice
    return NoticeLine(
        notice_id=notice.id,
        title=notice.title,
        url=links.notice_url(public_url, notice.id),
        deadline=notice.effective_deadline(),
        value=format_value(stored.document.get("value"), language),
    )


def digest_window(
    preferences: Preferences, last_digest_at: datetime | None, now: datetime
) -> datetime:
    """Notices stored after this are new: since the last digest, or one period for a first one."""
    if last_digest_at is not None:
        return last_digest_at
    return now - PERIODS.get(preferences.frequency, PERIODS[Frequency.weekly])


def gather_member(
    session: Session,
    matcher: DigestMatcher,
    member: Member,
    preferences: Preferences,
    *,
    groups: Sequence[Group],
    since: datetime,
    now: datetime,
    public_url: str,
) -> MemberDigest:
    """The member's digest (maybe empty): only what they were not told yet.

    The new notices are ordered as the member's own list orders them: re-ranked by
    their feedback (:func:`app.feedback.service.rerank_for_member`), so a notice like
    those they set aside comes lower, and one they already set aside ("pas pour
    moi") or declined between its arrival and the digest is not told at all: a
    refusal is final wherever notices are proposed. ``groups``: every group (read
    once per run); the member's own date their steps.
    """
    recipient = member_recipient(member.id)
    labels = labels_for(preferences.language)
    digest = MemberDigest(recipient, member.email, member.name, labels)
    told = told_items(session, recipient)

    new = [
        m
        for m in matcher.matches(member, now=now, threshold=preferences.threshold, since=since)
        if m.notice_id not in told
    ]
    examples = member_examples(session=session, member_id=member.id)
    fits = [r.match for r in rerank_for_member(matcher.engine, new, examples, limit=len(new))]
    working = {
        row.notice_id: row.role
        for row in session.scalars(select(IntentionRow).where(IntentionRow.member_id == member.id))
        if row.role in WORKING_ROLES
    }
    known = matcher.candidates  # a copy of the mapping, not of its notices: once per member
    stored: dict[str, StoredNotice] = {
        **known,
        **stored_notices(session, [i for i in working if i not in known]),
    }
    for match in fits[:MAX_NEW]:
        notice = stored[match.notice_id]
        lot = next((lot for lot in notice.notice.lots if lot.id == match.lot), None)
        digest.new.append(
            NewNotice(
                notice=line_of(notice, public_url, labels.language),
                score=round(match.score, 2),
                lot=labels.lot.format(lot=lot.id, title=lot.title) if lot else None,
                why=why_line(match, labels),
            )
        )
    digest.more = max(0, len(fits) - MAX_NEW)
    for match in fits:
        digest.items[match.notice_id] = match.score
    for listed in fits[:MAX_NEW]:  # what they saw: changes are told from there if they join
        digest.snapshots[listed.notice_id] = snapshot_of(stored[listed.notice_id].notice)

    _working_notices(session, digest, member, working, stored, told, now=now, public_url=public_url)
    new_ids = [m.notice_id for m in fits]
    mine = [group for group in groups if member.id in group.members]
    _steps(
        session, digest, mine, [*working, *new_ids], stored, told, now=now, public_url=public_url
    )
    return digest


def _working_notices(
    session: Session,
    digest: MemberDigest,
    member: Member,
    working: dict[str, str],
    stored: dict[str, StoredNotice],
    told: set[str],
    *,
    now: datetime,
    public_url: str,
) -> None:
    """Closing soon and changes, on the notices the member declared they work on."""
    labels = digest.labels
    snapshots = {
        row.notice_id: row.snapshot
        for row in session.scalars(
            select(DigestSnapshotRow).where(DigestSnapshotRow.member_id == member.id)
        )
    }
    for notice_id, role in sorted(working.items()):
        found = stored.get(notice_id)
        if found is None:
            continue
        line = line_of(found, public_url, labels.language)
        current = snapshot_of(found.notice)
        before = snapshots.get(notice_id)
        if before is not None:
            changes = describe_changes(before, current, labels)
            if changes:
                digest.changes.append(ChangedNotice(line, changes))
        if before != current:
            digest.snapshots[notice_id] = current
        closes = line.deadline
        key = f"closing:{notice_id}"
        if (
            found.notice.status == NoticeStatus.open
            and closes is not None
            and now < closes <= now + timedelta(days=CLOSING_DAYS)
            and key not in told
        ):
            digest.closing.append(ClosingNotice(line, labels.role[role]))
            digest.items[key] = 0.0
    digest.closing.sort(key=lambda c: (c.notice.deadline or now, c.notice.notice_id))


def _steps(
    session: Session,
    digest: MemberDigest,
    groups: list[Group],
    notice_ids: list[str],
    stored: dict[str, StoredNotice],
    told: set[str],
    *,
    now: datetime,
    public_url: str,
) -> None:
    """Procedure steps falling to the member on the notices they work on or are told of."""
    member_id = digest.recipient.partition(":")[2]
    if not groups or not notice_ids:
        return
    roles: dict[str, dict[str, str]] = {}
    for row in session.scalars(select(IntentionRow).where(IntentionRow.notice_id.in_(notice_ids))):
        roles.setdefault(row.notice_id, {})[row.member_id] = row.role
    today = now.date()
    for notice_id in dict.fromkeys(notice_ids):
        found = stored.get(notice_id)
        deadline = found.notice.effective_deadline() if found else None
        if found is None or deadline is None or found.notice.status != NoticeStatus.open:
            continue
        for step in due_steps(
            member_id,
            notice_id=notice_id,
            deadline=deadline,
            groups=groups,
            intentions=roles.get(notice_id, {}),
            today=today,
        ):
            key = f"step:{step.key}:{notice_id}"
            if key in told or key in digest.items:
                continue
            line = line_of(found, public_url, digest.labels.language)
            digest.steps.append(StepReminder(line, step.title, step.due))
            digest.items[key] = 0.0
    digest.steps.sort(key=lambda s: (s.due, s.notice.notice_id))
