"""The profile's preview ranks the edited profile as « Pour moi » will once it is saved:
the member's feedback included, so a notice set aside does not come back in it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.web.pages.profile import PREVIEWED
from app.wiring.context import AppContext
from tests.utils.concertation import NOTICE
from tests.web.conftest import sign_in

HOME_LINK = re.compile(r'<h2 id="n-\d+"><a href="/notices/([^"]+)">')
PREVIEW_LINK = re.compile(r'<li><a href="/notices/([^"]+)">')
PREVIEW_STRENGTH = re.compile(
    r'</a> <span class="fit (strong|good|possible|weak)">'
    r"(correspondance (forte|possible|faible)|bonne correspondance)</span>"
)
HTMX = {"HX-Request": "true"}


def previewed(web: TestClient, form: dict[str, str]) -> list[str]:
    """The notices the preview lists for the posted profile, in its order."""
    answer = web.post("/profile/preview", data=form, headers=HTMX)
    assert answer.status_code == 200, answer.text
    listed = PREVIEW_LINK.findall(answer.text)
    # Each says how strongly the edited profile would match it, as the home will.
    assert len(PREVIEW_STRENGTH.findall(answer.text)) == len(listed)
    return listed


def test_the_preview_leaves_out_what_was_set_aside_and_is_the_home_once_saved(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-comm")
    edited = {
        "csrf_token": csrf,
        "statements": "Sociologue : enquêtes qualitatives auprès des habitants, diagnostics.",
        "regions": "66",
    }
    first = previewed(web, edited)
    assert NOTICE in first and len(first) == PREVIEWED
    marked = web.post(f"/notices/{NOTICE}/not-for-me", data={"csrf_token": csrf}, headers=HTMX)
    assert marked.status_code == 200
    second = previewed(web, edited)
    assert NOTICE not in second and len(second) == PREVIEWED
    assert set(first) - {NOTICE} <= set(second)  # the others still come
    assert web.post("/profile", data=edited, follow_redirects=False).status_code == 303
    assert HOME_LINK.findall(web.get("/").text)[:PREVIEWED] == second
