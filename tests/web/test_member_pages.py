"""A member's pages: « Pour moi » with reasons and filters, intentions, the notice page,
the profile with its preview, search, error pages and the language switch."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from app.matching.strength import CONFIDENT, MatchStrength, strength_of
from app.members.service import get_member, member_from_row
from app.web.render import dom_id
from app.wiring.background import sync_once
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from models.schema import IntentionRow
from tests.utils.concertation import NOTICE, concertation_record
from tests.web.conftest import sign_in

NOTICE_LINK = re.compile(r'<h2 id="n-\d+"><a href="/notices/([^"]+)">')
STRENGTH = re.compile(r'<(?:li|span) class="fit (\w+)">([^<]+)</(?:li|span)>')
FEW_GOOD = "Aucun n'est une correspondance forte ou bonne"


def test_home_lists_the_best_matches_with_reasons(web: TestClient, web_context: AppContext) -> None:
    sign_in(web, web_context, "m-studies")
    page = web.get("/")
    assert page.status_code == 200
    ids = NOTICE_LINK.findall(page.text)
    assert ids[0] == NOTICE  # the concertation notice fits the sociologist best
    assert "Pourquoi il vous correspond" in page.text
    # A passage of the notice next to the member's own statement, and the CPV overlap.
    assert "Enquête qualitative et quantitative auprès des habitants" in page.text
    assert "Sociologue, enquêtes qualitatives et quantitatives" in page.text
    assert "79416000 Services de relations publiques" in page.text
    assert "CONSEIL DEPARTEMENTAL DES PYRENEES-ORIENTALES" in page.text
    assert "(dans 6 semaines)" in page.text
    assert "Pas pour moi" in page.text


def test_each_match_says_how_strongly_it_fits_and_a_weak_list_says_so(
    web: TestClient, web_context: AppContext
) -> None:
    words = {
        MatchStrength.STRONG: "correspondance forte",
        MatchStrength.GOOD: "bonne correspondance",
        MatchStrength.POSSIBLE: "correspondance possible",
        MatchStrength.WEAK: "correspondance faible",
    }
    seen: set[MatchStrength] = set()
    banners: dict[str, bool] = {}
    for member_id in ("m-studies", "m-print", "m-web"):
        sign_in(web, web_context, member_id)
        page = web.get("/").text
        with web_context.sessions() as session:
            row = get_member(session=session, member_id=member_id)
            assert row is not None
            # The engine's scores; the home may order them by the member's feedback.
            served = web_context.matching.match_member(
                member_from_row(row), now=datetime.now(UTC), limit=100
            )
        scores = {m.notice_id: m.score for m in served}
        bands = [strength_of(scores[notice_id]) for notice_id in NOTICE_LINK.findall(page)]
        assert len(bands) == 20
        assert STRENGTH.findall(page) == [(band.value, words[band]) for band in bands]
        seen |= set(bands)
        banners[member_id] = FEW_GOOD in page
        assert banners[member_id] == (not any(band in CONFIDENT for band in bands))
    # The three members span every band, and one of them has no good match at all.
    assert seen == set(MatchStrength)
    assert banners == {"m-studies": False, "m-print": True, "m-web": False}


def test_home_filters_by_text_region_and_nature(web: TestClient, web_context: AppContext) -> None:
    sign_in(web, web_context, "m-studies")
    assert NOTICE_LINK.findall(web.get("/?f=1&open_only=1&q=concertation").text) == [NOTICE]
    assert NOTICE_LINK.findall(web.get("/?f=1&q=zzzyyyxxx").text) == []
    # The concertation notice gives no place: a department filter leaves it out.
    assert NOTICE not in NOTICE_LINK.findall(web.get("/?f=1&region=75").text)
    # Twins of the concertation notice classified as services and as works.
    for notice_id, nature in (("boamp:26-4243", "services"), ("boamp:26-4244", "works")):
        record = concertation_record(notice_id=notice_id)
        record["nature"] = nature
        NoticeStore(web_context.sessions).apply(parse_notice_json_line(json.dumps(record)))
    assert sync_once(web_context)
    web_context.matching.refresh()
    assert "boamp:26-4243" in NOTICE_LINK.findall(web.get("/?f=1&nature=services").text)
    assert "boamp:26-4243" not in NOTICE_LINK.findall(web.get("/?f=1&nature=works").text)
    # Every statement of the sociologist names a service: a works-only notice is not hers.
    assert "boamp:26-4244" not in NOTICE_LINK.findall(web.get("/?f=1").text)
    assert "boamp:26-4243" in NOTICE_LINK.findall(web.get("/?f=1").text)


def test_one_click_intention_with_htmx_and_without(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-training")
    url = f"/notices/{NOTICE}/intention"
    fragment = web.post(
        url,
        data={"csrf_token": csrf, "role": "contributor", "lots": ["2"], "next": "/"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text
    # Said in the card's live region, which the page holds and the answer fills out of band.
    region = f'id="st-{dom_id(NOTICE)}"'
    assert f'<p role="status" {region}>' in web.get("/").text
    assert f'<p {region} hx-swap-oob="innerHTML">Enregistré : Contributeur (lots 2)</p>' in (
        fragment.text
    )
    assert (
        'value="contributor" aria-pressed="true" autofocus>' in fragment.text
    )  # the focus stays on the button pressed
    plain = web.post(
        url,
        data={"csrf_token": csrf, "role": "declined", "next": f"/notices/{NOTICE}"},
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"] == f"/notices/{NOTICE}"
    with web_context.sessions() as session:
        row = session.get(IntentionRow, (NOTICE, "m-training"))
        assert row is not None and row.role == "declined" and row.lots == []
    unknown_lot = web.post(url, data={"csrf_token": csrf, "role": "lead", "lots": ["9"]})
    assert unknown_lot.status_code == 422 and "lots.0" in unknown_lot.text


def test_notice_page_shows_deadlines_lots_sources_and_intentions(
    web: TestClient, web_context: AppContext
) -> None:
    sign_in(web, web_context, "m-studies")  # the lead of g-participation
    page = web.get(f"/notices/{NOTICE}").text
    assert "Date limite de remise des offres" in page
    assert "Lot 3\u00a0: Communication de la concertation" in page
    assert "https://www.boamp.fr/pages/avis/?q=idweb:26-4242" in page
    assert "Claire Dumont\u00a0: Contributeur" in page
    assert "Membres de vos groupes qui correspondent le mieux" in page
    # The lead's list says each member's band; the page says the reader's own, as the home.
    listed = re.findall(r"</span> <span class=\"hint\">\(score [0-9,\u202f-]+\)</span>", page)
    assert listed and len(STRENGTH.findall(page)) == len(listed) + 1
    assert STRENGTH.findall(page)[0] == _strength_on_home(web, NOTICE)
    assert "Pour vous\u00a0:" in page
    sign_in(web, web_context, "m-comm")  # a member, not a lead: only their own intention
    member_view = web.get(f"/notices/{NOTICE}").text
    assert "Membres de vos groupes qui correspondent le mieux" not in member_view
    assert "Hugo Lambert" not in member_view
    assert STRENGTH.findall(member_view)[:1] == [_strength_on_home(web, NOTICE)]


def _strength_on_home(web: TestClient, notice_id: str) -> tuple[str, str]:
    """The band « Pour moi » gives the notice (open notices only, as the notice page)."""
    home = web.get("/?f=1&open_only=1&q=concertation").text
    cards = home.split('<article class="card"')[1:]
    card = next(c for c in cards if f'href="/notices/{notice_id}"' in c)
    found = STRENGTH.search(card)
    assert found is not None
    return found.group(1), found.group(2)


def test_unknown_pages_and_bad_input_get_friendly_pages(
    web: TestClient, web_context: AppContext
) -> None:
    sign_in(web, web_context, "m-comm")
    missing = web.get("/notices/boamp:00-0000")
    assert missing.status_code == 404 and "Page introuvable" in missing.text
    malformed = web.get("/notices/nope-not-an-id")
    assert malformed.status_code == 404 and "Page introuvable" in malformed.text
    bad = web.get("/?nature=spaceships")
    assert bad.status_code == 422 and "Certaines informations ne sont pas valides" in bad.text
    assert "nature" in bad.text and "Traceback" not in bad.text


def test_a_refused_field_is_said_in_the_pages_language(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-comm")
    long_region = web.get("/?region=ZZZZ")
    assert long_region.status_code == 422
    assert "<strong>region</strong>\u00a0: Au plus 3 caractères." in long_region.text
    assert "String should" not in long_region.text
    no_statement = web.post("/profile", data={"csrf_token": csrf, "statements": ""})
    assert no_statement.status_code == 422
    assert "<strong>expertise</strong>\u00a0: Au moins 1 entrée(s)." in no_statement.text
    statement = "Conception de supports imprimés."
    bad_region = web.post(
        "/profile", data={"csrf_token": csrf, "statements": statement, "regions": "66, 999"}
    )
    assert bad_region.status_code == 422
    assert (
        "<strong>regions</strong>\u00a0: Code de département français inconnu : 999."
        in bad_region.text
    )
    assert "not a French" not in bad_region.text
    web.get("/lang/en?next=/")
    assert "<strong>region</strong>: At most 3 characters." in web.get("/?region=ZZZZ").text


def test_language_switch_shows_every_text_in_english(
    web: TestClient, web_context: AppContext
) -> None:
    sign_in(web, web_context, "m-comm")
    switched = web.get("/lang/en?next=/search", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/search"
    page = web.get("/search")
    assert '<html lang="en">' in page.text and "Search notices" in page.text
    assert "Page not found" in web.get("/nowhere").text
    assert (
        web.get("/lang/en?next=//evil.example", follow_redirects=False).headers["location"] == "/"
    )


def test_search_finds_notices_by_free_text(web: TestClient, web_context: AppContext) -> None:
    sign_in(web, web_context, "m-comm")
    page = web.get("/search?q=concertation citoyenne habitants")
    assert page.status_code == 200 and f'href="/notices/{NOTICE}"' in page.text
    assert "Tapez au moins trois caractères." in web.get("/search?q=ab").text
    for nothing in ("de la", "!!!"):  # no word to search for: no notices, and why
        page = web.get("/search", params={"q": nothing})
        assert page.status_code == 200 and "Tapez au moins un mot" in page.text
        assert 'class="card"' not in page.text


def test_profile_preview_changes_with_the_edit_and_saving_applies_it(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-comm")
    form = web.get("/profile").text
    assert "Création d&#39;identités visuelles, chartes graphiques" in form
    assert (
        "Campagne de sensibilisation au tri des déchets | Métropole européenne de Lille | 2024"
        in form
    )
    edited = {
        "csrf_token": csrf,
        "statements": "Sociologue : enquêtes auprès des habitants, diagnostics territoriaux.",
        "references": "Diagnostic social de quartier | Ville de Perpignan | 2024",
        "regions": "66, 11",
        "availability": "6",
    }
    preview = web.post("/profile/preview", data=edited, headers={"HX-Request": "true"})
    assert preview.status_code == 200 and 'id="preview" aria-live="polite"' in preview.text
    assert f'href="/notices/{NOTICE}"' in preview.text
    assert "nouveau" in preview.text  # notices the stored profile does not match
    with web_context.sessions() as session:
        before = get_member(session=session, member_id="m-comm")
        assert before is not None and "66" not in before.profile["regions"]  # not saved yet
    saved = web.post("/profile", data=edited, follow_redirects=False)
    assert saved.status_code == 303
    with web_context.sessions() as session:
        after = get_member(session=session, member_id="m-comm")
        assert after is not None
        assert after.profile["regions"] == ["66", "11"]
        assert after.profile["availability_days_per_month"] == 6
        assert after.profile["references"][0]["buyer"] == "Ville de Perpignan"
    refused = web.post("/profile", data={**edited, "regions": "99"})
    assert refused.status_code == 422 and "regions" in refused.text
    assert "Le profil n'a pas été enregistré" in refused.text


def test_pages_ask_to_sign_in_first(web: TestClient) -> None:
    welcome = web.get("/")
    assert welcome.status_code == 200 and "Bienvenue sur Cotender" in welcome.text
    for path in ("/profile", f"/notices/{NOTICE}", "/groups/g-participation", "/search?q=x"):
        page = web.get(path)
        assert page.status_code == 401 and "Connectez-vous" in page.text, path
