"""The profile page: what the member sells (declared or inferred) and their digest preferences."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient
from markupsafe import escape

from app.digest.preferences import Frequency, member_recipient, preferences_of, subscription
from app.matching.usecases import member_trade
from app.members.service import get_member, member_from_row
from app.web.pages.profile import ProfileForm
from app.wiring.context import AppContext
from models.member import Member
from models.notice import Nature
from models.vocabulary.cpv import cpv_labels
from tests.web.conftest import sign_in


def _stored(context: AppContext, member_id: str) -> Member:
    with context.sessions() as session:
        row = get_member(session=session, member_id=member_id)
        assert row is not None
        return member_from_row(row)


def _form(member: Member) -> dict[str, str]:
    return {k: v for k, v in dataclasses.asdict(ProfileForm.of(member)).items() if k != "sells"}


def test_profile_shows_and_edits_what_the_member_sells(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-studies")
    member = _stored(web_context, "m-studies")
    assert member.sells is None  # the sample sociologist declares nothing
    page = web.get("/profile").text
    assert "Ce que je vends" in page
    assert "Non déclaré : d'après vos compétences, vous vendez des services." in page
    assert 'name="sells" value="works" checked' not in page
    saved = web.post(
        "/profile",
        data={**_form(member), "sells": ["works", "services"], "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert _stored(web_context, "m-studies").sells == [Nature.services, Nature.works]
    page = web.get("/profile").text
    assert 'name="sells" value="works" checked' in page
    assert 'name="sells" value="supplies" >' in page
    assert "Non déclaré" not in page
    # Nothing ticked: back to what the statements say.
    web.post("/profile", data={**_form(member), "csrf_token": csrf})
    assert _stored(web_context, "m-studies").sells is None


def test_profile_reads_and_saves_the_digest_preferences(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-studies")
    page = web.get("/profile").text
    assert "Mon récapitulatif" in page
    assert '<option value="daily" selected>' in page and 'value="8.0"' in page
    wanted = {"frequency": "weekly", "threshold": "5.5", "language": "en"}
    assert web.post("/profile/digest", data=wanted).status_code == 403  # no CSRF token
    saved = web.post("/profile/digest", data={**wanted, "csrf_token": csrf}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/profile?saved=digest"
    with web_context.sessions() as session:
        stored = preferences_of(
            subscription(session, member_recipient("m-studies")), _stored(web_context, "m-studies")
        )
    assert (stored.frequency, stored.threshold, stored.language) == (Frequency.weekly, 5.5, "en")
    page = web.get("/profile?saved=digest").text
    assert "Vos préférences de récapitulatif sont enregistrées." in page
    assert '<option value="weekly" selected>' in page and 'value="5.5"' in page
    assert '<option value="en" lang="en" selected>' in page
    wrong = web.post("/profile/digest", data={**wanted, "threshold": "500", "csrf_token": csrf})
    assert wrong.status_code == 422 and "threshold" in wrong.text


def test_profile_shows_how_matching_reads_the_member_s_trade(
    web: TestClient, web_context: AppContext
) -> None:
    sign_in(web, web_context, "m-studies")
    page = web.get("/profile").text
    assert "Comment Cotender lit mon métier" in page
    trade = member_trade(web_context.matching, _stored(web_context, "m-studies"))
    assert trade, "the sociologist's words find notices whose codes they support"
    labels = cpv_labels()
    for code in trade:
        assert f'{escape(labels[code.code].fr)} <span class="hint">({code.code})</span>' in page
    # Each branch once: no listed code contains another.
    listed = [(c.code, c.depth) for c in trade]
    assert not any(a != b and a[0][: a[1]] == b[0][: a[1]] for a in listed for b in listed)
