"""« Pas pour moi » on the home page: the notice leaves the member's home, CSRF required."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from app.members.feedback import list_feedback, set_feedback
from app.members.feedback_examples import Verdict
from app.wiring.context import AppContext
from tests.utils.concertation import NOTICE
from tests.web.conftest import sign_in

NOTICE_LINK = re.compile(r'<h2 id="n-\d+"><a href="/notices/([^"]+)">')


def test_not_for_me_removes_the_notice_from_the_next_home_page(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-studies")
    before = NOTICE_LINK.findall(web.get("/").text)
    assert before[0] == NOTICE
    assert f'action="/notices/{NOTICE}/not-for-me"' in web.get("/").text
    fragment = web.post(
        f"/notices/{NOTICE}/not-for-me",
        data={"csrf_token": csrf, "next": "/"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'role="status"' in fragment.text
    assert "cet avis ne vous sera plus proposé" in fragment.text
    after = NOTICE_LINK.findall(web.get("/").text)
    assert NOTICE not in after
    assert len(after) == len(before) and before[1] in after  # the others keep coming
    with web_context.sessions() as session:
        verdicts = list_feedback(session=session, member_id="m-studies")
        assert [(v.notice_id, v.verdict) for v in verdicts] == [(NOTICE, "not_relevant")]


def test_not_for_me_without_javascript_redirects_back(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-studies")
    plain = web.post(
        f"/notices/{NOTICE}/not-for-me",
        data={"csrf_token": csrf, "next": "/?f=1"},
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"] == "/?f=1"
    assert NOTICE not in NOTICE_LINK.findall(web.get("/?f=1").text)


def test_not_for_me_refuses_a_post_without_csrf_token(
    web: TestClient, web_context: AppContext
) -> None:
    sign_in(web, web_context, "m-studies")
    refused = web.post(f"/notices/{NOTICE}/not-for-me", data={"next": "/"})
    assert refused.status_code == 403
    assert NOTICE in NOTICE_LINK.findall(web.get("/").text)
    with web_context.sessions() as session:
        assert list_feedback(session=session, member_id="m-studies") == []


def test_home_says_how_feedback_moved_a_notice(web: TestClient, web_context: AppContext) -> None:
    sign_in(web, web_context, "m-studies")
    assert "Vous avez jugé cet avis pertinent" not in web.get("/").text
    liked = NOTICE_LINK.findall(web.get("/").text)[1]
    with web_context.sessions() as session:
        set_feedback(
            session=session,
            member_id="m-studies",
            notice_id=liked,
            verdict=Verdict.relevant,
            now=datetime.now(UTC),
        )
        session.commit()
    home = web.get("/").text
    card = home[home.index(f'<a href="/notices/{liked}">') :]
    card = card[: card.index("</article>")]
    assert "Vous avez jugé cet avis pertinent" in card  # the reason, in the page's language
    assert home.count("Vous avez jugé cet avis pertinent") == 1
