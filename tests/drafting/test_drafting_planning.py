"""Retro-planning: date arithmetic around weekends and French public holidays, owners."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.drafting.planning import (
    deadline_day,
    french_holidays,
    plan_steps,
    previous_working_day,
    resolve_owners,
)
from models.consortium import Consortium
from models.group import Group, OwnerRole, Procedure
from models.vocabulary.time import PARIS

OFFSET = 10


def one_step(owner: str = "mandataire", offset: int = OFFSET) -> Procedure:
    return Procedure.model_validate(
        {"steps": [{"key": "step", "title": "Étape", "owner": owner, "offset_days": offset}]}
    )


def plan_nominal(nominal: date, proposal: Consortium, today: date = date(2020, 1, 1)) -> Any:
    """Plan one step whose nominal date is ``nominal`` (deadline ``OFFSET`` days later)."""
    deadline = datetime.combine(nominal + timedelta(days=OFFSET), time(12), tzinfo=PARIS)
    return plan_steps(one_step(), deadline, proposal, ["m-studies"], today)[0]


@pytest.mark.parametrize(
    ("nominal", "expected", "reason_part"),
    [
        (date(2026, 12, 25), date(2026, 12, 24), "Noël"),  # Friday
        (date(2027, 1, 1), date(2026, 12, 31), "Jour de l'an"),  # Friday
        (date(2026, 3, 15), date(2026, 3, 13), "dimanche 15/03/2026 (week-end)"),
        (date(2026, 12, 27), date(2026, 12, 24), "vendredi 25/12/2026 (jour férié : Noël)"),
        # Easter Monday → Good Friday, a working day outside Alsace-Moselle.
        (date(2026, 4, 6), date(2026, 4, 3), "Lundi de Pâques"),
        (date(2026, 5, 10), date(2026, 5, 7), "Fête de la Victoire"),  # Sun → Sat → Fri 8 May
        (date(2027, 5, 2), date(2027, 4, 30), "Fête du Travail"),  # Sun → Sat 1 May
        (date(2027, 5, 8), date(2027, 5, 7), "Fête de la Victoire"),  # Saturday 8 May
        (date(2026, 5, 25), date(2026, 5, 22), "Lundi de Pentecôte"),
        (date(2026, 7, 14), date(2026, 7, 13), "Fête nationale"),  # Tuesday
    ],
)
def test_plan_steps_moves_to_previous_working_day(
    nominal: date, expected: date, reason_part: str, make_proposal: Any
) -> None:
    step = plan_nominal(nominal, make_proposal())
    assert step.due == expected
    assert step.moved_from == nominal
    assert step.moved_reason is not None and reason_part in step.moved_reason


def test_plan_steps_keeps_working_day(make_proposal: Any) -> None:
    step = plan_nominal(date(2026, 12, 23), make_proposal())
    assert step.due == date(2026, 12, 23)
    assert step.moved_from is None and step.moved_reason is None


def test_previous_working_day_lists_every_skipped_day() -> None:
    calendar = french_holidays([2026, 2027])
    due, skipped = previous_working_day(date(2027, 1, 3), calendar)
    assert due == date(2026, 12, 31)
    assert skipped == [
        "dimanche 03/01/2027 (week-end)",
        "samedi 02/01/2027 (week-end)",
        "vendredi 01/01/2027 (jour férié : Jour de l'an)",
    ]


def test_deadline_day_is_read_in_paris() -> None:
    # 23:30 UTC on 14 January is already 15 January in Paris.
    assert deadline_day(datetime.fromisoformat("2027-01-14T23:30:00+00:00")) == date(2027, 1, 15)
    assert deadline_day(datetime(2027, 1, 15, 0, 30)) == date(2027, 1, 15)


def test_plan_steps_sample_procedure(group: Group, make_proposal: Any) -> None:
    deadline = datetime(2027, 1, 15, 12, tzinfo=PARIS)
    planned = plan_steps(group.procedure, deadline, make_proposal(), group.leads, date(2026, 12, 1))
    assert [(s.key, s.due) for s in planned] == [
        ("read_need", date(2026, 12, 21)),
        ("declare_intentions", date(2026, 12, 24)),  # D-21 is Christmas
        ("go_no_go", date(2026, 12, 28)),
        ("questions_to_buyer", date(2026, 12, 31)),  # D-12 is Sunday 3 January
        ("draft_sections", date(2027, 1, 8)),
        ("review", date(2027, 1, 11)),
        ("sign_and_submit", date(2027, 1, 13)),
    ]
    assert [s.offset_days for s in planned] == [25, 21, 18, 12, 7, 4, 2]
    assert not any(s.in_past for s in planned)


def test_plan_steps_flags_past_steps(group: Group, make_proposal: Any) -> None:
    deadline = datetime(2027, 1, 15, 12, tzinfo=PARIS)
    planned = plan_steps(
        group.procedure, deadline, make_proposal(), group.leads, date(2026, 12, 28)
    )
    past = {s.key: s.in_past for s in planned}
    assert past["read_need"] and past["declare_intentions"]
    assert not past["go_no_go"]  # due today is not past
    assert not past["sign_and_submit"]


@pytest.mark.parametrize(
    ("role", "leads", "expected"),
    [
        (OwnerRole.lead, ["m-studies"], ["m-studies"]),
        (OwnerRole.lead, ["m-web", "m-comm"], ["m-comm"]),  # only leads in the team
        (OwnerRole.lead, ["m-web"], ["m-web"]),  # no lead in the team: the group's leads
        (OwnerRole.lead, [], ["m-studies"]),  # no lead at all: the mandataire
        (OwnerRole.mandataire, ["m-web"], ["m-studies"]),
        (OwnerRole.contributors, [], ["m-comm", "m-legal"]),
        (OwnerRole.members, [], ["m-studies", "m-comm", "m-legal"]),
    ],
)
def test_resolve_owners(
    role: OwnerRole, leads: list[str], expected: list[str], make_proposal: Any
) -> None:
    proposal = make_proposal(subcontractors=["m-legal"])
    assert resolve_owners(role, proposal=proposal, group_leads=leads) == expected


def test_resolve_owners_contributors_of_a_team_of_one(make_proposal: Any) -> None:
    alone = make_proposal(
        "cae", members=[{"member_id": "m-studies", "role": "mandataire", "share": 1.0}]
    )
    assert resolve_owners(OwnerRole.contributors, proposal=alone, group_leads=[]) == ["m-studies"]


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
    offsets=st.lists(st.integers(0, 60), min_size=1, max_size=8),
)
def test_plan_steps_lands_on_working_days_in_order(day: date, offsets: list[int]) -> None:
    offsets = sorted(offsets, reverse=True)
    procedure = Procedure.model_validate(
        {
            "steps": [
                {"key": f"s{i}", "title": "Étape", "owner": "members", "offset_days": offset}
                for i, offset in enumerate(offsets)
            ]
        }
    )
    proposal = Consortium.model_validate(
        {
            "members": [{"member_id": "m-a", "role": "mandataire", "share": 1.0}],
            "mandataire": "m-a",
            "legal_form": "cae",
            "coverage": 1.0,
            "score": 1.0,
        }
    )
    deadline = datetime.combine(day, time(12), tzinfo=PARIS)
    planned = plan_steps(procedure, deadline, proposal, [], day)
    calendar = french_holidays(range(day.year - 1, day.year + 1))
    for step in planned:
        assert step.due <= day - timedelta(days=step.offset_days)
        assert step.due.weekday() < 5 and step.due not in calendar
    assert [s.due for s in planned] == sorted(s.due for s in planned)
