"""End to end in a real browser: the journeys of a member and a group lead, accessibility.

A uvicorn server on 127.0.0.1 serves a temporary store loaded with real devset
notices, the sample people and the concertation notice; Debian's chromium drives the
pages. axe-core checks every page for serious or critical WCAG 2.1 AA violations.
Screenshots of the home, notice and board pages go to ``docs/screenshots/``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest

from app.core.config import Settings
from app.wiring.context import AppContext
from models.schema import IntentionRow
from tests.utils.auth import make_token
from tests.utils.concertation import NOTICE
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, serious_violations, served
from tests.web.conftest import load_web_data

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BOARD = "/groups/g-participation"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, AppContext]]:
    """The served app and a context on the same store (for links and checks)."""
    folder = tmp_path_factory.mktemp("site")
    settings = Settings(
        data_dir=folder / "data",
        database_url=f"sqlite:///{folder / 'site.sqlite3'}",
        embedder="hashing",
    )
    context = AppContext.open(settings)
    load_web_data(context)
    context.close()  # the server owns the embedded index
    env = {
        "COTENDER_DATA_DIR": str(settings.data_dir),
        "COTENDER_DATABASE_URL": settings.effective_database_url,
        "COTENDER_EMBEDDER": "hashing",
    }
    checks = AppContext.open(settings)  # the store only: never opens the index
    try:
        with served(env) as base_url:
            yield base_url, checks
    finally:
        checks.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian chromium."""
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; CSP bypassed only so the tests can inject axe-core."""
    context = browser.new_context(
        bypass_csp=True, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Any, site: tuple[str, AppContext], member_id: str) -> None:
    base_url, context = site
    page.goto(f"{base_url}/signin/{make_token(context, member_id=member_id)}")


def assert_accessible(page: Any) -> None:
    assert serious_violations(page) == [], page.url


def test_member_signs_in_sees_reasons_and_declares_an_intention_on_a_lot(
    page: Any, site: tuple[str, AppContext]
) -> None:
    base_url, context = site
    sign_in(page, site, "m-training")
    assert page.url == f"{base_url}/"
    expect = playwright_api.expect
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pour moi")
    card = page.locator("article.card").filter(has=page.locator(f'a[href="/notices/{NOTICE}"]'))
    expect(card.get_by_text("Pourquoi il vous correspond")).to_be_visible()
    expect(card.locator("ul.why li").first).to_contain_text("L'avis demande")
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home.png"))
    # Lot 2 fits (ticked already); keyboard only: tick lot 1, press « Contributeur ».
    expect(card.get_by_role("checkbox", name=re.compile("Lot 2"))).to_be_checked()
    card.get_by_role("checkbox", name=re.compile("Lot 1")).focus()
    page.keyboard.press("Space")
    card.get_by_role("button", name="Contributeur").focus()
    page.keyboard.press("Enter")
    expect(card.get_by_role("status")).to_have_text("Enregistré : Contributeur (lots 1, 2)")
    pressed = card.get_by_role("button", name="Contributeur")
    expect(pressed).to_have_attribute("aria-pressed", "true")
    expect(pressed).to_be_focused()  # the keyboard user stays where they were
    with context.sessions() as session:
        row = session.get(IntentionRow, (NOTICE, "m-training"))
        assert row is not None and row.role == "contributor" and row.lots == ["1", "2"]
    # « Pas pour moi » on another notice: said in the card's live region, gone on reload.
    other = (
        page.locator("article.card")
        .filter(has_not=page.locator(f'a[href="/notices/{NOTICE}"]'))
        .first
    )
    other_href = other.locator("h2 a").get_attribute("href")
    assert other_href and other_href != f"/notices/{NOTICE}"
    other.get_by_role("button", name="Pas pour moi").click()
    expect(other.get_by_role("status")).to_have_text(
        "C'est noté : cet avis ne vous sera plus proposé."
    )
    # « Annuler » takes the focus: Enter brings the notice back, said in the same region.
    expect(other.get_by_role("button", name="Annuler")).to_be_focused()
    page.keyboard.press("Enter")
    expect(other.get_by_role("status")).to_have_text(
        "C'est annulé : cet avis revient parmi vos avis."
    )
    expect(other.get_by_role("button", name="Pas pour moi")).to_be_focused()
    page.reload()
    expect(page.locator(f'article.card a[href="{other_href}"]')).to_have_count(1)
    page.locator("article.card").filter(has=page.locator(f'a[href="{other_href}"]')).get_by_role(
        "button", name="Pas pour moi"
    ).click()
    expect(other.get_by_role("button", name="Annuler")).to_be_visible()
    page.reload()
    expect(page.locator(f'article.card a[href="{other_href}"]')).to_have_count(0)
    expect(page.locator(f'article.card a[href="/notices/{NOTICE}"]')).to_have_count(1)
    # The profile lists it, and puts it back.
    page.get_by_role("link", name="1 avis écarté").click()
    listed = page.locator("ul.set-aside li").filter(has=page.locator(f'a[href="{other_href}"]'))
    assert_accessible(page)
    listed.get_by_role("button", name="Remettre dans mes avis").click()
    expect(listed.get_by_role("status")).to_have_text(
        "C'est annulé : cet avis revient parmi vos avis."
    )
    page.goto(f"{base_url}/")
    expect(page.locator(f'article.card a[href="{other_href}"]')).to_have_count(1)


def test_forms_work_without_javascript_and_refuse_a_missing_csrf_token(
    browser: Any, site: tuple[str, AppContext]
) -> None:
    base_url, context = site
    no_js = browser.new_context(java_script_enabled=False)
    page = no_js.new_page()
    try:
        sign_in(page, site, "m-web")
        page.goto(f"{base_url}/notices/{NOTICE}")
        page.get_by_role("button", name="Intéressé").click()
        assert page.url == f"{base_url}/notices/{NOTICE}"  # the plain form came back here
        with context.sessions() as session:
            row = session.get(IntentionRow, (NOTICE, "m-web"))
            assert row is not None and row.role == "interested"
        # The same form without its token (as a forged one would be) is refused.
        page.goto(f"{base_url}/notices/{NOTICE}")
        forged = page.request.post(f"{base_url}/notices/{NOTICE}/intention", form={"role": "lead"})
        assert forged.status == 403 and "Ce formulaire a expiré" in forged.text()
    finally:
        no_js.close()


def test_lead_goes_from_pour_moi_to_a_downloaded_docx_draft(
    page: Any, site: tuple[str, AppContext]
) -> None:
    expect = playwright_api.expect
    sign_in(page, site, "m-studies")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pour moi")
    page.locator(f'article.card h2 a[href="/notices/{NOTICE}"]').click()
    expect(
        page.get_by_text("Membres de vos groupes qui correspondent le mieux").first
    ).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "notice.png"))
    page.get_by_role("link", name="Groupe g-participation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de")
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "board.png"))
    page.locator("#stage-go_no_go").locator("..").get_by_role("link").first.click()
    assert_accessible(page)
    page.get_by_label("Taille maximale de l'équipe").fill("4")
    page.get_by_role("button", name="Proposer des équipes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipes proposées")
    expect(page.locator("section.card")).not_to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Choisir la proposition 1 et générer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brouillon, version 1")
    assert_accessible(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Document Word (DOCX)").click()
    download = downloading.value
    assert download.suggested_filename == "draft-boamp-26-4242-g-participation-v1.docx"
    document = docx.Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Animation de la concertation citoyenne" in text


def test_member_edits_the_profile_and_sees_the_preview_change(
    page: Any, site: tuple[str, AppContext]
) -> None:
    base_url, _ = site
    expect = playwright_api.expect
    sign_in(page, site, "m-comm")
    page.goto(f"{base_url}/profile")
    assert_accessible(page)
    preview = page.locator("#preview")
    statements = page.get_by_label("Ce que je fais (une phrase par ligne)")
    statements.fill("Sociologue : enquêtes qualitatives auprès des habitants, diagnostics.")
    page.get_by_role("button", name="Prévisualiser mes avis").click()
    expect(preview.locator(f'a[href="/notices/{NOTICE}"]')).to_be_visible()
    first = preview.locator("li").all_inner_texts()
    statements.fill("Installation électrique, courants faibles et éclairage public.")
    page.get_by_role("button", name="Prévisualiser mes avis").click()
    expect(preview.locator(f'a[href="/notices/{NOTICE}"]')).to_have_count(0)
    assert preview.locator("li").all_inner_texts() != first
    assert_accessible(page)


def test_a_form_sent_after_the_session_ended_says_so_in_the_page(
    page: Any, site: tuple[str, AppContext]
) -> None:
    expect = playwright_api.expect
    sign_in(page, site, "m-web")
    card = page.locator("article.card").first
    expect(card).to_be_visible()
    page.context.clear_cookies()  # the session ends (signed out elsewhere, or expired)
    card.get_by_role("button", name="Pas pour moi").click()
    heading = page.locator("main h1")
    expect(heading).to_have_text("Connectez-vous")
    expect(heading).to_be_focused()  # read out at once
    assert_accessible(page)


def test_a_member_cannot_open_another_groups_board(page: Any, site: tuple[str, AppContext]) -> None:
    base_url, _ = site
    sign_in(page, site, "m-archi")
    response = page.goto(f"{base_url}{BOARD}")
    assert response is not None and response.status == 403
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vous ne pouvez pas voir cette page"
    )
    assert "Traceback" not in page.content()
    assert_accessible(page)


def test_every_other_page_is_accessible_and_usable_by_keyboard(
    page: Any, site: tuple[str, AppContext]
) -> None:
    base_url, context = site
    page.goto(f"{base_url}/")
    assert_accessible(page)  # the welcome page
    page.goto(f"{base_url}/nowhere")
    assert_accessible(page)
    page.goto(f"{base_url}/signin/{make_token(context, admin=True)}")
    assert page.url == f"{base_url}/admin"
    assert_accessible(page)
    page.goto(f"{base_url}/search?q=concertation+citoyenne")
    playwright_api.expect(page.locator(f'a[href="/notices/{NOTICE}"]')).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Aller au contenu"  # the skip link comes first
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
