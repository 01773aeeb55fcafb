"""Fixtures for drafting tests: real devset notices, the sample group and members.

The devset has no deadlines nor lots (``data/devset/README.md``), so the
notices are built from a real devset line plus a deadline, and lots for the
multi-lot case.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import yaml

from app.drafting.assemble import build_draft
from models.consortium import Consortium
from models.draft import Draft
from models.group import Group
from models.member import Member
from models.notice import Notice
from models.paths import BUNDLED_DATA_DIR

DEVSET = BUNDLED_DATA_DIR / "devset"
CONCERTATION_ID = "decp:226600013000162018201902200"  # title only, Pyrénées-Orientales
PARIS_ANIM_ID = "ted:307400-2017"  # title and description, no lots
DEADLINE = "2027-01-15T12:00:00+01:00"  # a Friday; D-21 is Christmas, D-12 is 3 January
TODAY = date(2026, 12, 20)
NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)

LOTS: list[dict[str, Any]] = [
    {
        "id": "1",
        "title": "Enquête auprès des habitants",
        "description": "Réalisation d'une enquête qualitative et quantitative auprès des "
        "habitants, analyse statistique et restitution publique.",
        "criteria": [{"name": "Prix", "weight": 40}, {"name": "Valeur technique", "weight": 60}],
    },
    {"id": "2", "title": "Communication de la concertation", "description": ""},
]


def devset_notice(notice_id: str) -> dict[str, Any]:
    """One line of ``devset/notices.jsonl`` as a dict."""
    with (DEVSET / "notices.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if f'"{notice_id}"' in line:
                record: dict[str, Any] = json.loads(line)
                return record
    raise LookupError(notice_id)


@pytest.fixture
def notice() -> Notice:
    """The concertation notice with a deadline, two lots and notice-level criteria."""
    record = devset_notice(CONCERTATION_ID)
    record |= {
        "deadline": DEADLINE,
        "lots": LOTS,
        "criteria": [{"name": "Valeur technique", "weight": 0.7}, {"name": "Prix", "weight": 0.3}],
    }
    return Notice.model_validate(record)


@pytest.fixture
def notice_without_lots() -> Notice:
    """A real TED notice (description, no lots) with a deadline."""
    return Notice.model_validate(devset_notice(PARIS_ANIM_ID) | {"deadline": DEADLINE})


@pytest.fixture
def group() -> Group:
    """The sample group ``g-participation`` (lead: m-studies)."""
    data = yaml.safe_load((DEVSET / "group.yaml").read_text(encoding="utf-8"))
    return Group.model_validate(data)


@pytest.fixture
def members() -> dict[str, Member]:
    """The twelve sample members by id."""
    data = yaml.safe_load((DEVSET / "members.yaml").read_text(encoding="utf-8"))
    return {record["id"]: Member.model_validate(record) for record in data}


@pytest.fixture
def today() -> date:
    """The day drafts are generated in tests (before every sample step)."""
    return TODAY


@pytest.fixture
def now() -> datetime:
    """The generation time of drafts in tests."""
    return NOW


ProposalFactory = Callable[..., Consortium]


@pytest.fixture
def make_proposal() -> ProposalFactory:
    """Build a proposal: m-studies mandataire on lot 1, m-comm on lot 2, overridable."""

    def make(legal_form: str = "joint", **overrides: Any) -> Consortium:
        data: dict[str, Any] = {
            "members": [
                {"member_id": "m-studies", "role": "mandataire", "lots": ["1"], "share": 0.5},
                {"member_id": "m-comm", "role": "cotraitant", "lots": ["2"], "share": 0.5},
            ],
            "mandataire": "m-studies",
            "legal_form": legal_form,
            "coverage": 0.9,
            "score": 1.0,
            "gaps": [
                {
                    "lot": "2",
                    "requirement_id": "r-print",
                    "requirement": "Impression des supports de la concertation",
                    "suggestions": ["m-print"],
                }
            ],
        }
        return Consortium.model_validate(data | overrides)

    return make


@pytest.fixture
def draft(
    notice: Notice, group: Group, members: dict[str, Member], make_proposal: ProposalFactory
) -> Draft:
    """A joint-and-several draft with a subcontractor, two lots, a gap and one past step."""
    proposal = make_proposal(
        "joint_and_several",
        members=[
            {"member_id": "m-studies", "role": "mandataire", "lots": ["1"], "share": 0.5},
            {"member_id": "m-comm", "role": "cotraitant", "lots": ["2"], "share": 0.4},
            {"member_id": "m-legal", "role": "subcontractor", "lots": ["1"], "share": 0.1},
        ],
        subcontractors=["m-legal"],
    )
    return build_draft(
        notice=notice,
        group=group,
        members=members,
        proposal=proposal,
        today=date(2026, 12, 22),  # read_need (21 December) is past
        now=NOW,
    )
