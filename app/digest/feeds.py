"""Subscriptions without e-mail: a member's calendar (ICS) and new-matches (Atom) feeds.

The calendar holds the deadline of every open notice the member works on (declared
``lead``, ``contributor`` or ``interested``) and the procedure steps that fall to
them on those notices; UIDs are stable so a calendar client updates events when a
corrigendum moves a deadline. The Atom feed lists the member's current matches above
their threshold, newest in the store first, written with ``feedgen``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.digest import links
from app.digest.gather import WORKING_ROLES, member_groups, stored_notices
from app.digest.labels import labels_for
from app.digest.steps import due_steps
from app.matching.engine import MatchingEngine
from models.member import Member
from models.notice import NoticeStatus
from models.schema import IntentionRow, NoticeRow

PRODID = "-//Cotender//Calendrier du membre//FR"
CALENDAR_HORIZON_DAYS = 400
ATOM_ENTRIES = 50


@dataclass(frozen=True)
class CalendarItem:
    """One event: a notice's deadline (a time) or a step (a day)."""

    uid: str
    summary: str
    url: str
    at: datetime | None = None
    day: date | None = None


def calendar_items(
    session: Session, member: Member, *, now: datetime, public_url: str
) -> list[CalendarItem]:
    """Deadlines and the member's steps on the open notices they work on."""
    intentions = {
        row.notice_id: row.role
        for row in session.scalars(select(IntentionRow).where(IntentionRow.member_id == member.id))
        if row.role in WORKING_ROLES
    }
    stored = stored_notices(session, list(intentions))
    roles: dict[str, dict[str, str]] = {}
    for row in session.scalars(
        select(IntentionRow).where(IntentionRow.notice_id.in_(list(stored)))
    ):
        roles.setdefault(row.notice_id, {})[row.member_id] = row.role
    groups = member_groups(session, member.id)
    items: list[CalendarItem] = []
    for notice_id in sorted(stored):
        notice = stored[notice_id].notice
        deadline = notice.effective_deadline()
        if notice.status != NoticeStatus.open or deadline is None or deadline < now:
            continue
        url = links.notice_url(public_url, notice_id)
        items.append(
            CalendarItem(
                f"deadline.{notice_id}@cotender", f"Date limite — {notice.title}", url, at=deadline
            )
        )
        for step in due_steps(
            member.id,
            notice_id=notice_id,
            deadline=deadline,
            groups=groups,
            intentions=roles.get(notice_id, {}),
            today=now.date(),
            horizon_days=CALENDAR_HORIZON_DAYS,
        ):
            items.append(
                CalendarItem(
                    f"{step.key}.{step.group_id}.{notice_id}@cotender",
                    f"{step.title} — {notice.title}",
                    url,
                    day=step.due,
                )
            )
    return items


def render_calendar(member: Member, items: list[CalendarItem], *, now: datetime) -> bytes:
    """The member's calendar as ICS (RFC 5545)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Cotender — {member.name}")
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now.astimezone(UTC))
        if item.at is not None:
            event.add("dtstart", item.at.astimezone(UTC))
        elif item.day is not None:
            event.add("dtstart", item.day)
            event.add("dtend", item.day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        event.add("summary", item.summary)
        event.add("url", item.url)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def render_atom(
    session: Session,
    engine: MatchingEngine,
    member: Member,
    *,
    threshold: float,
    language: str,
    now: datetime,
    public_url: str,
    feed_url: str,
) -> bytes:
    """The member's current matches above their threshold as an Atom feed."""
    labels = labels_for(language)
    matches = [
        m for m in engine.match_member(member, now=now, limit=ATOM_ENTRIES) if m.score >= threshold
    ]
    ids = [m.notice_id for m in matches]
    rows = {
        r.id: r
        for r in session.execute(
            select(NoticeRow.id, NoticeRow.title, NoticeRow.created_at).where(NoticeRow.id.in_(ids))
        )
    }
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(labels.feed_title.format(name=member.name))
    feed.link(href=feed_url, rel="self")
    feed.link(href=links.profile_url(public_url), rel="alternate")
    feed.language(language)
    feed.updated(max((r.created_at for r in rows.values()), default=now))
    ordered = sorted(matches, key=lambda m: (rows[m.notice_id].created_at, m.score))
    for match in ordered:  # feedgen puts the last added first
        row = rows[match.notice_id]
        url = links.notice_url(public_url, match.notice_id)
        entry = feed.add_entry()
        entry.id(url)
        entry.title(row.title)
        entry.link(href=url)
        entry.updated(row.created_at)
        entry.summary(labels.strength(match.score))
    return bytes(feed.atom_str(pretty=True))
