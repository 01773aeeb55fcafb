"""Dates and deadlines.

A misread deadline is a lost contract. BOAMP's flat ``datelimitereponse``
labels Paris wall-clock time as UTC, and some values carry no offset at all, so
local values are read as Europe/Paris (``shared/DATA-FORMATS.md``, "Pitfalls").
eForms splits a deadline into ``EndDate`` (``2023-12-07+01:00``) and
``EndTime`` (``17:00:00+01:00``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from models.vocabulary.time import PARIS

_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_DATE_PART = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def parse_local_datetime(value: str | None, *, zone: ZoneInfo = PARIS) -> datetime | None:
    """Read a wall-clock date-time in ``zone`` and ignore any offset it claims.

    Used for BOAMP values, whose offsets cannot be trusted. A bare date means the
    end of that day is unknown, so midnight is not assumed: noon is not either;
    the date alone is kept at 23:59 local, the latest moment it can mean.
    """
    if not value:
        return None
    text = value.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime.combine(day, time(23, 59), tzinfo=zone)
    text = _OFFSET.sub("", text.replace(" ", "T"))
    naive = datetime.fromisoformat(text).replace(tzinfo=None, microsecond=0)
    return naive.replace(tzinfo=zone)


def parse_aware_datetime(value: str | None, *, default_zone: ZoneInfo = PARIS) -> datetime | None:
    """Read an ISO date-time that carries a trustworthy offset (``default_zone`` if none)."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_zone)
    return parsed.replace(microsecond=0)


def combine_date_time(date_value: str | None, time_value: str | None) -> datetime | None:
    """Combine an eForms ``EndDate`` and ``EndTime`` (each possibly with an offset).

    The offset of the time wins, then the date's; without any, Europe/Paris.
    A missing time means the end of the day (23:59) local to the offset.
    """
    if not date_value:
        return None
    day_match = _DATE_PART.match(date_value.strip())
    if not day_match:
        raise ValueError(f"not a date: {date_value!r}")
    day = day_match.group(1)
    date_offset = _OFFSET.search(date_value.strip())
    if time_value:
        clock = time_value.strip()
        time_offset = _OFFSET.search(clock)
        bare_clock = _OFFSET.sub("", clock)
        offset = time_offset or date_offset
    else:
        bare_clock = "23:59:00"
        offset = date_offset
    text = f"{day}T{bare_clock}"
    if offset:
        return parse_aware_datetime(text + offset.group(1))
    return parse_aware_datetime(text)


def parse_date(value: str | None) -> date | None:
    """The calendar date at the start of ``value`` (``2026-06-29+02:00`` → 2026-06-29)."""
    if not value:
        return None
    match = _DATE_PART.match(value.strip())
    return date.fromisoformat(match.group(1)) if match else None
