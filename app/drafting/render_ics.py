"""Render a draft's retro-planning as an iCalendar file (RFC 5545, ``icalendar``).

One all-day, non-blocking ``VEVENT`` per step (``DTEND`` the next day, as the
RFC wants for all-day events) and one timed event at the deadline itself (no
``DTEND``: it ends when it starts). UIDs are stable, ``<step key>.<base>@cotender``
where base is the draft id, or the notice and group ids for a draft not yet
stored, so importing a regenerated calendar updates the events instead of
duplicating them. ``DTSTAMP`` is the draft's ``generated_at``: the same draft
always renders to the same bytes.
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta

from icalendar import Calendar, Event

from app.drafting import render_common as common
from app.drafting.labels import translator
from models.draft import Draft

PRODID = "-//Cotender//Brouillon de reponse//{language}"
"""The product id, ending with the calendar's language as RFC 5545's formal public ids do."""
UID_DOMAIN = "cotender"
DEADLINE_KEY = "deadline"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SHORT_TITLE = 60


def event_uid(draft: Draft, key: str) -> str:
    """The stable UID of the event for step ``key`` (or ``deadline``)."""
    base = draft.draft_id or f"{draft.notice_id}.{draft.group_id}"
    return f"{key}.{_UNSAFE.sub('-', base)}@{UID_DOMAIN}"


def render_ics(draft: Draft) -> bytes:
    """The steps and the deadline as a VCALENDAR, in the draft's language."""
    _ = translator(draft.language)
    calendar = Calendar()
    calendar.add("prodid", PRODID.format(language=draft.language.upper()))
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add(
        "x-wr-calname", _("Response — %(notice)s") % {"notice": _short(draft.notice_title)}
    )
    stamp = draft.generated_at.astimezone(UTC)
    notice = common.label_line(draft, _("Notice")) + f"{draft.notice_id} — {draft.notice_title}"

    for step in draft.planning:
        event = Event()
        event.add("uid", event_uid(draft, step.key))
        event.add("dtstamp", stamp)
        event.add("dtstart", step.due)
        event.add("dtend", step.due + timedelta(days=1))
        summary = _("D-%(days)d · %(step)s — %(notice)s") % {
            "days": step.offset_days,
            "step": step.title,
            "notice": _short(draft.notice_title),
        }
        event.add("summary", summary)
        owner = common.label_line(draft, _("Owner")) + common.owners_text(draft, step)
        lines = [owner, notice]
        if step.moved_from is not None or step.in_past:
            lines.append(common.step_remark(draft, step))
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        if draft.notice_url:
            event.add("url", draft.notice_url)
        calendar.add_component(event)

    deadline = Event()
    deadline.add("uid", event_uid(draft, DEADLINE_KEY))
    deadline.add("dtstamp", stamp)
    deadline.add("dtstart", draft.deadline.astimezone(UTC))
    deadline.add("summary", f"{common.headings(draft).deadline} — {_short(draft.notice_title)}")
    mandataire = draft.name_of(draft.mandataire)
    submitter = common.label_line(draft, _("Submitted by the mandataire")) + mandataire
    deadline.add("description", f"{notice}\n{submitter}")
    if draft.notice_url:
        deadline.add("url", draft.notice_url)
    calendar.add_component(deadline)
    return bytes(calendar.to_ical())


def _short(text: str) -> str:
    return text if len(text) <= _SHORT_TITLE else text[: _SHORT_TITLE - 1].rstrip() + "…"
