"""``cotender digest send``: compose what is due into the outbox, then deliver the outbox.

Run by cron after ``cotender ingest``. Members are told by their preferences
(frequency, threshold, language); groups with a mailing list weekly. Composing is
skipped for a recipient who is not due or has nothing new (no empty e-mail);
delivery then sends every pending message, including those a crashed or
interrupted earlier run left (see :mod:`app.digest.outbox`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import transaction
from app.digest import links
from app.digest.compose import Written, write_group, write_member
from app.digest.delivery import (
    DeliveryError,
    EmlTransport,
    SmtpTransport,
    Transport,
    deliver,
    parse_smtp_url,
)
from app.digest.gather import candidates_since, digest_window, gather_member
from app.digest.group_digest import gather_group
from app.digest.message import build_message
from app.digest.outbox import (
    mark_failed,
    mark_sent,
    new_message_id,
    pending_messages,
    record_digest,
    record_snapshots,
)
from app.digest.preferences import (
    PERIODS,
    Frequency,
    group_recipient,
    is_due,
    member_recipient,
    preferences_of,
)
from app.digest.selection import Candidate, DigestMatcher, indexed_encoder
from app.matching.engine import MatchingEngine
from app.members.service import member_from_row
from app.search.index import IndexLockedError
from app.wiring.context import AppContext
from models.group import Group
from models.member import Member
from models.schema import DigestSubscriptionRow, GroupRow, MemberRow

log = logging.getLogger(__name__)

COMPOSE_CHUNK = 50
"""Recipients composed and recorded per transaction. One commit per recipient cost more
than composing (a synced write each, 1,000 a night); a crash loses at most the chunk
under way, whose recipients are composed again next run: nothing was sent from it yet,
since delivery starts once composing is done."""


@dataclass
class SendSummary:
    """What a run did (the ``--json`` summary)."""

    dry_run: bool
    composed: int = 0
    nothing_new: int = 0
    not_due: int = 0
    no_address: int = 0
    sent: int = 0
    deferred: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    delivered_to: str = ""
    index_locked: bool = False
    messages: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The summary as JSON."""
        return {
            "dry_run": self.dry_run,
            "composed": self.composed,
            "nothing_new": self.nothing_new,
            "not_due": self.not_due,
            "no_address": self.no_address,
            "sent": self.sent,
            "deferred": self.deferred,
            "failed": self.failed,
            "delivered_to": self.delivered_to,
            "index_locked": self.index_locked,
            "messages": self.messages,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SendSummary:
        """The summary another process sent as JSON (``as_json``)."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})

    @property
    def exit_code(self) -> int:
        """0 done; 2 a permanent failure; 3 to be done next run (SMTP outage, index busy)."""
        if self.failed:
            return 2
        return 3 if self.deferred or self.index_locked else 0


def transport_for(settings: Settings) -> Transport:
    """SMTP when configured, else ``.eml`` files under the data folder."""
    if settings.smtp_url is None:
        return EmlTransport(settings.outbox_dir)
    server = parse_smtp_url(
        settings.smtp_url.get_secret_value(),
        security=settings.smtp_security,
        timeout=settings.smtp_timeout_seconds,
    )
    return SmtpTransport(server)


@dataclass(frozen=True)
class _Due:
    """A recipient whose digest is due, and since when notices are new to them."""

    member: Member | None
    group: Group | None
    since: datetime
    frequency: Frequency


def _due_recipients(
    context: AppContext, *, now: datetime, member_id: str | None, group_id: str | None
) -> tuple[list[_Due], dict[str, Member], list[Group], SendSummary]:
    summary = SendSummary(dry_run=False)
    with context.sessions() as session:
        subscriptions = {
            row.recipient: row for row in session.scalars(select(DigestSubscriptionRow))
        }
        members = {row.id: member_from_row(row) for row in session.scalars(select(MemberRow))}
        groups = [Group.model_validate(row.document) for row in session.scalars(select(GroupRow))]
    due: list[_Due] = []
    if group_id is None:
        for member in sorted(members.values(), key=lambda m: m.id):
            if member_id is not None and member.id != member_id:
                continue
            row = subscriptions.get(member_recipient(member.id))
            preferences = preferences_of(row, member)
            last = row.last_digest_at if row else None
            if not is_due(preferences.frequency, last, now):
                summary.not_due += 1
                continue
            since = digest_window(preferences, last, now)
            due.append(_Due(member, None, since, preferences.frequency))
    if member_id is None:
        for group in sorted(groups, key=lambda g: g.id):
            if (group_id is not None and group.id != group_id) or not group.mailing_list:
                continue
            row = subscriptions.get(group_recipient(group.id))
            frequency = Frequency(row.frequency) if row else Frequency.weekly
            last = row.last_digest_at if row else None
            if not is_due(frequency, last, now):
                summary.not_due += 1
                continue
            due.append(_Due(None, group, last or now - PERIODS[Frequency.weekly], frequency))
    # The matcher builds one batch per window: recipients told since the same date in a row.
    due.sort(key=lambda d: d.since)
    return due, members, groups, summary


def compose_digests(
    context: AppContext,
    *,
    now: datetime,
    member_id: str | None = None,
    group_id: str | None = None,
    dry_run: bool = False,
) -> SendSummary:
    """Compose every due digest into the outbox (a dry run records nothing).

    Raises ``IndexLockedError`` when a digest is due and another process owns the
    embedded index: the running server composes them then (``POST /api/admin/digests``).
    """
    due, members, groups, summary = _due_recipients(
        context, now=now, member_id=member_id, group_id=group_id
    )
    summary.dry_run = dry_run
    if not due:
        return summary
    engine = context.matching
    engine.refresh()  # a server's catalog may predate the notices another process stored
    with context.sessions() as session:
        candidates = candidates_since(session, min(d.since for d in due), now)
    notices = [c.notice for c in candidates]
    encoder = indexed_encoder(context.index, context.embedder, notices)
    matcher = DigestMatcher(engine, candidates, encoder)
    told = [d.member for d in due if d.member]
    told += [members[m] for d in due if d.group for m in d.group.members if m in members]
    _warm_contexts(engine, told, candidates)
    for start in range(0, len(due), COMPOSE_CHUNK):
        with transaction(context.sessions) as session:
            for item in due[start : start + COMPOSE_CHUNK]:
                _compose(
                    session,
                    context,
                    matcher,
                    item,
                    members,
                    groups,
                    summary,
                    now=now,
                    dry_run=dry_run,
                )
    return summary


Composer = Callable[[], SendSummary]
"""Composes the due digests where the index is when this process cannot open it."""


def send_digests(
    context: AppContext,
    *,
    now: datetime,
    member_id: str | None = None,
    group_id: str | None = None,
    dry_run: bool = False,
    elsewhere: Composer | None = None,
) -> SendSummary:
    """Compose every due digest into the outbox, then deliver the outbox.

    When another process owns the embedded index, ``elsewhere`` composes them (the CLI
    asks the running server); without it, or when it cannot, only the outbox is
    delivered and the summary says ``index_locked``.
    """
    try:
        summary = compose_digests(
            context, now=now, member_id=member_id, group_id=group_id, dry_run=dry_run
        )
    except IndexLockedError:
        summary = elsewhere() if elsewhere else SendSummary(dry_run=dry_run, index_locked=True)
    if dry_run:
        return summary
    recipients: set[str] | None = None
    if member_id is not None or group_id is not None:
        recipients = {member_recipient(member_id)} if member_id else set()
        recipients |= {group_recipient(group_id)} if group_id else set()
    _deliver_pending(context, summary, recipients=recipients, now=now)
    return summary


def _warm_contexts(
    engine: MatchingEngine,
    told: list[Member],
    candidates: list[Candidate],
) -> None:
    """Compute the members' matching contexts on every core before composing.

    A context (CPV profile and signal scales over the whole catalog, cached by the engine)
    is most of a member's cost; the engine is thread-safe (the API server serves requests
    and warms contexts in parallel), and its numpy and index work releases the GIL.
    """
    if not candidates:
        return
    wanted = {m.id: m for m in told}  # a group's members too: its digest scores them
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 1))) as pool:
        for _ in pool.map(engine.context, wanted.values()):
            pass


def _compose(
    session: Session,
    context: AppContext,
    matcher: DigestMatcher,
    due: _Due,
    members: dict[str, Member],
    groups: list[Group],
    summary: SendSummary,
    *,
    now: datetime,
    dry_run: bool,
) -> None:
    settings = context.settings
    secret = settings.secret_key.get_secret_value()
    public = settings.public_url
    if due.member is not None:
        row = session.get(DigestSubscriptionRow, member_recipient(due.member.id))
        preferences = preferences_of(row, due.member)
        digest: Any = gather_member(
            session,
            matcher,
            due.member,
            preferences,
            groups=groups,
            since=due.since,
            now=now,
            public_url=public,
        )
        member_id: str | None = due.member.id
    else:
        assert due.group is not None
        digest = gather_group(
            session, matcher, due.group, members, since=due.since, now=now, public_url=public
        )
        member_id = None
    recipient: str = digest.recipient
    if digest.is_empty():
        summary.nothing_new += 1
        if member_id is not None and not dry_run:
            # a notice declared on since the last digest: its changes count from now
            record_snapshots(session, member_id, digest.snapshots, now=now)
        return
    if not digest.to_address:
        summary.no_address += 1
        return
    unsubscribe = links.unsubscribe_url(public, secret, recipient)
    written: Written = (
        write_member(digest, public_url=public, unsubscribe_url=unsubscribe)
        if member_id is not None
        else write_group(digest, public_url=public, unsubscribe_url=unsubscribe)
    )
    message_id = new_message_id()
    message = build_message(
        written,
        message_id=message_id,
        sender=settings.mail_from,
        to=digest.to_address,
        unsubscribe_url=unsubscribe,
        list_id="digest" if member_id else f"group-{due.group.id if due.group else ''}",
        now=now,
    )
    summary.composed += 1
    summary.messages.append(
        {
            "recipient": recipient,
            "to": digest.to_address,
            "subject": written.subject,
            "notices": digest.notice_ids,
        }
    )
    if dry_run:  # gathering only read: the transaction has nothing to commit
        return
    record_digest(
        session,
        message_id=message_id,
        recipient=recipient,
        to_address=digest.to_address,
        message=message.as_bytes(),
        notices=digest.notice_ids,
        items=digest.items,
        snapshots=getattr(digest, "snapshots", {}),
        member_id=member_id,
        frequency=due.frequency,
        now=now,
    )


def _deliver_pending(
    context: AppContext, summary: SendSummary, *, recipients: set[str] | None, now: datetime
) -> None:
    settings = context.settings
    transport = transport_for(settings)
    summary.delivered_to = transport.where
    with context.sessions() as session:
        waiting = [
            (r.id, r.recipient, r.to_address, r.message)
            for r in pending_messages(session, recipients)
        ]
    try:
        for message_id, recipient, to, message in waiting:
            try:
                deliver(
                    transport,
                    message_id=message_id,
                    sender=settings.mail_from,
                    to=to,
                    message=message.encode("utf-8"),
                    attempts=settings.smtp_max_attempts,
                    first_wait=settings.smtp_retry_wait_seconds,
                )
            except DeliveryError as error:
                problem = {
                    "recipient": recipient,
                    "to": to,
                    "message_id": message_id,
                    "code": error.code,
                    "error": str(error),
                }
                (summary.failed if error.permanent else summary.deferred).append(problem)
                log.warning("digest %s to %s not delivered: %s", message_id, to, error)
                with transaction(context.sessions) as session:
                    mark_failed(session, message_id, str(error), permanent=error.permanent)
                continue
            with transaction(context.sessions) as session:
                mark_sent(session, message_id, now=now)
            summary.sent += 1
    finally:
        transport.close()
