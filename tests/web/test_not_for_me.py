"""« Pas pour moi » and its undo: the notice leaves the member's home, comes back with
« Annuler » (htmx or a plain form), and stays listed on the profile until put back."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote

from fastapi.testclient import TestClient

from app.members.feedback import list_feedback, set_feedback
from app.members.feedback_examples import Verdict
from app.web.render import dom_id
from app.wiring.context import AppContext
from tests.utils.concertation import NOTICE
from tests.web.conftest import sign_in

NOTICE_LINK = re.compile(r'<h2 id="n-\d+"><a href="/notices/([^"]+)">')
HTMX = {"HX-Request": "true"}
REGION = f'id="st-{dom_id(NOTICE)}"'
"""The notice's live region, as the page names it and as a fragment's answer targets it."""


def verdicts(context: AppContext, member_id: str) -> list[tuple[str, str]]:
    with context.sessions() as session:
        return [
            (v.notice_id, v.verdict) for v in list_feedback(session=session, member_id=member_id)
        ]


def test_not_for_me_removes_the_notice_and_undo_brings_it_back(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-studies")
    home = web.get("/").text
    before = NOTICE_LINK.findall(home)
    assert before[0] == NOTICE
    assert f'action="/notices/{NOTICE}/not-for-me"' in home
    assert f'<p role="status" {REGION}></p>' in home
    marked = web.post(
        f"/notices/{NOTICE}/not-for-me", data={"csrf_token": csrf, "next": "/"}, headers=HTMX
    )
    assert marked.status_code == 200 and "<html" not in marked.text
    # The form turns into its undo, focused; the region says it out of band.
    assert f'action="/notices/{NOTICE}/restore"' in marked.text
    assert "<button autofocus>Annuler</button>" in marked.text
    assert (
        f'<p {REGION} hx-swap-oob="innerHTML">'
        "C'est noté : cet avis ne vous sera plus proposé.</p>" in marked.text
    )
    assert verdicts(web_context, "m-studies") == [(NOTICE, "not_relevant")]
    home = web.get("/").text
    after = NOTICE_LINK.findall(home)
    assert NOTICE not in after
    assert len(after) == len(before) and before[1] in after  # the others keep coming
    assert '<a href="/profile#set-aside">1 avis écarté</a>' in home
    undone = web.post(
        f"/notices/{NOTICE}/restore", data={"csrf_token": csrf, "next": "/"}, headers=HTMX
    )
    assert undone.status_code == 200 and "<html" not in undone.text
    assert f'action="/notices/{NOTICE}/not-for-me"' in undone.text
    assert "autofocus>Pas pour moi</button>" in undone.text
    assert "C'est annulé : cet avis revient parmi vos avis." in undone.text
    assert verdicts(web_context, "m-studies") == []
    home = web.get("/").text
    assert NOTICE_LINK.findall(home) == before
    assert "avis écarté" not in home


def test_without_javascript_the_home_comes_back_with_an_undo_banner(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-studies")
    plain = web.post(
        f"/notices/{NOTICE}/not-for-me",
        data={"csrf_token": csrf, "next": "/?f=1&nature=services"},
        follow_redirects=False,
    )
    assert plain.status_code == 303
    back = plain.headers["location"]
    assert back == f"/?f=1&nature=services&set_aside={quote(NOTICE, safe='')}"
    page = web.get(back).text
    assert NOTICE not in NOTICE_LINK.findall(page)
    banner = page[page.index('<div class="banner">') : page.index('<form class="filters"')]
    assert "« Animation de la concertation citoyenne" in banner
    assert "est écarté : il ne vous sera plus proposé." in banner
    assert f'action="/notices/{NOTICE}/restore"' in banner
    assert 'name="next" value="/?f=1&amp;nature=services"' in banner  # the banner left out
    restored = web.post(
        f"/notices/{NOTICE}/restore",
        data={"csrf_token": csrf, "next": "/?f=1&nature=services"},
        follow_redirects=False,
    )
    assert restored.status_code == 303 and restored.headers["location"] == "/?f=1&nature=services"
    assert NOTICE in NOTICE_LINK.findall(web.get("/?f=1&nature=services").text)
    assert verdicts(web_context, "m-studies") == []
    # A banner names only a notice the member set aside; the parameter alone changes nothing.
    ignored = web.get(back).text
    assert 'class="banner"' not in ignored and NOTICE in NOTICE_LINK.findall(ignored)
    assert 'name="open_only" value="1" checked' in web.get(back.replace("f=1&", "")).text


def test_the_profile_lists_the_notices_set_aside_and_puts_one_back(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-studies")
    assert "Vous n'avez écarté aucun avis." in web.get("/profile").text
    web.post(f"/notices/{NOTICE}/not-for-me", data={"csrf_token": csrf}, headers=HTMX)
    profile = web.get("/profile").text
    listed = profile[profile.index('<h2 id="set-aside"') : profile.index('id="digest-title"')]
    assert f'<a href="/notices/{NOTICE}">Animation de la concertation citoyenne' in listed
    assert "écarté le " in listed and ", " in listed  # when, Paris time
    assert f'action="/notices/{NOTICE}/restore"' in listed
    assert ">Remettre dans mes avis</button>" in listed
    assert f'<p role="status" {REGION}></p>' in listed
    put_back = web.post(
        f"/notices/{NOTICE}/restore",
        data={"csrf_token": csrf, "next": "/profile#set-aside"},
        follow_redirects=False,
    )
    assert put_back.status_code == 303 and put_back.headers["location"] == "/profile#set-aside"
    assert "Vous n'avez écarté aucun avis." in web.get("/profile").text
    assert NOTICE_LINK.findall(web.get("/").text)[0] == NOTICE


def test_undo_refuses_a_missing_csrf_token_and_a_notice_not_set_aside(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-studies")
    web.post(f"/notices/{NOTICE}/not-for-me", data={"csrf_token": csrf}, headers=HTMX)
    refused = web.post(f"/notices/{NOTICE}/restore", data={"next": "/"})
    assert refused.status_code == 403 and "Ce formulaire a expiré" in refused.text
    assert verdicts(web_context, "m-studies") == [(NOTICE, "not_relevant")]
    other = NOTICE_LINK.findall(web.get("/").text)[0]
    missing = web.post(f"/notices/{other}/restore", data={"csrf_token": csrf})
    assert missing.status_code == 404 and "Page introuvable" in missing.text
    assert "Traceback" not in missing.text


def test_not_for_me_refuses_a_post_without_csrf_token(
    web: TestClient, web_context: AppContext
) -> None:
    sign_in(web, web_context, "m-studies")
    refused = web.post(f"/notices/{NOTICE}/not-for-me", data={"next": "/"})
    assert refused.status_code == 403
    assert NOTICE in NOTICE_LINK.findall(web.get("/").text)
    assert verdicts(web_context, "m-studies") == []


def test_an_htmx_form_refused_says_why_in_the_page(
    web: TestClient, web_context: AppContext
) -> None:
    sign_in(web, web_context, "m-studies")
    refused = web.post(f"/notices/{NOTICE}/not-for-me", data={"next": "/"}, headers=HTMX)
    assert refused.status_code == 403 and "<html" not in refused.text
    assert refused.headers["HX-Retarget"] == "#main"
    assert refused.headers["HX-Reswap"] == "innerHTML"
    assert '<h1 tabindex="-1" autofocus>Ce formulaire a expiré</h1>' in refused.text
    web.cookies.clear()
    ended = web.post(f"/notices/{NOTICE}/restore", data={"next": "/"}, headers=HTMX)
    assert ended.status_code == 401 and ended.headers["HX-Retarget"] == "#main"
    assert "Connectez-vous" in ended.text and "<html" not in ended.text


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
