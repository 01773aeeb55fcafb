"""ICS rendering, parsed back with icalendar: events, dates, stable UIDs, determinism."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Calendar

from app.drafting.render_ics import render_ics
from models.draft import Draft


def events(payload: bytes) -> list[Any]:
    calendar = Calendar.from_ical(payload)
    assert calendar["VERSION"] == "2.0"
    return list(calendar.walk("VEVENT"))


def test_render_ics_one_all_day_event_per_step_and_the_deadline(draft: Draft) -> None:
    found = events(render_ics(draft))
    assert len(found) == len(draft.planning) + 1
    for event, step in zip(found, draft.planning, strict=False):
        start = event.decoded("DTSTART")
        assert type(start) is date and start == step.due
        assert event.decoded("DTEND") == step.due + timedelta(days=1)
        assert str(event["SUMMARY"]).startswith(f"J-{step.offset_days} · {step.title}")
        assert event.decoded("DTSTAMP") == datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
    christmas = found[1]
    assert "Noël" in str(christmas["DESCRIPTION"])
    assert "Toute l'équipe : Inès Moreau, Claire Dumont et Alexandre Martin" in str(
        christmas["DESCRIPTION"]
    )
    deadline = found[-1]
    assert deadline.decoded("DTSTART") == draft.deadline
    assert "DTEND" not in deadline
    assert str(deadline["SUMMARY"]).startswith("Date limite de remise des offres")


def test_render_ics_uids_are_stable_and_unique(draft: Draft) -> None:
    uids = [str(event["UID"]) for event in events(render_ics(draft))]
    assert len(set(uids)) == len(uids)
    assert uids[0] == "read_need.decp-226600013000162018201902200.g-participation@cotender"
    assert uids[-1] == "deadline.decp-226600013000162018201902200.g-participation@cotender"
    later = draft.model_copy(update={"generated_at": datetime(2027, 1, 2, tzinfo=UTC)})
    assert [str(e["UID"]) for e in events(render_ics(later))] == uids
    stored = draft.model_copy(update={"draft_id": "dr_42"})
    assert str(events(render_ics(stored))[3]["UID"]) == "questions_to_buyer.dr_42@cotender"


def test_render_ics_is_deterministic(draft: Draft) -> None:
    assert render_ics(draft) == render_ics(draft.model_copy(deep=True))
