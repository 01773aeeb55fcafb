"""The group board, proposing teams, generating and downloading a draft; the admin page."""

from __future__ import annotations

import io
import re

import docx
from fastapi.testclient import TestClient
from icalendar import Calendar

from app.wiring.context import AppContext
from models.consortium import IntentionRole
from models.schema import DraftRow, MemberRow
from tests.utils.concertation import NOTICE, declare_intentions
from tests.utils.people import OUTSIDER, SAMPLE_GROUP, SAMPLE_LEAD
from tests.web.conftest import sign_in

BOARD = f"/groups/{SAMPLE_GROUP}"
WORKSPACE = f"{BOARD}/notices/{NOTICE}"


def test_board_shows_the_notice_at_its_stage_with_the_next_step(
    web: TestClient, web_context: AppContext
) -> None:
    sign_in(web, web_context, "m-comm")  # a member of the group
    page = web.get(BOARD).text
    column = page[page.index('id="stage-go_no_go"') : page.index('id="stage-drafting"')]
    assert f'href="{WORKSPACE}"' in column  # m-studies declared to lead it
    assert "Prochaine étape" in column and "Lire le besoin" in column


def test_another_groups_board_is_a_403_page(web: TestClient, web_context: AppContext) -> None:
    sign_in(web, web_context, OUTSIDER)
    for path in (BOARD, "/groups/g-nonexistent", WORKSPACE):
        page = web.get(path)
        assert page.status_code == 403, path
        assert "Vous ne pouvez pas voir cette page" in page.text
        assert "Traceback" not in page.text and '{"error"' not in page.text  # not the API's JSON


def test_a_member_who_does_not_lead_cannot_propose_teams(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, "m-comm")
    assert "Proposer des équipes" not in web.get(WORKSPACE).text
    refused = web.post(f"{WORKSPACE}/consortia", data={"csrf_token": csrf})
    assert refused.status_code == 403


def test_a_lead_proposes_teams_picks_one_and_downloads_the_draft(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, SAMPLE_LEAD)
    assert "Proposer des équipes" in web.get(WORKSPACE).text
    proposals = web.post(f"{WORKSPACE}/consortia", data={"csrf_token": csrf, "max_members": 4})
    assert proposals.status_code == 200
    sections = re.findall(r'<section class="card" aria-labelledby="p-\d+">', proposals.text)
    assert len(sections) >= 2  # side by side
    assert "Mandataire" in proposals.text and "Inès Moreau" in proposals.text
    assert "Au sein de la coopérative (CAE)" in proposals.text and 'class="go"' in proposals.text
    # The go/no-go verdict in French: one check per rule, none of the domain's English.
    assert "1 pilote déclaré dans l'équipe, 1 requis (Inès Moreau)." in proposals.text
    assert "couverture de lot 1 100\u00a0%, 80\u00a0% requis" in proposals.text
    assert "Pass:" not in proposals.text and "declared lead" not in proposals.text
    created = web.post(
        f"{WORKSPACE}/drafts",
        data={"csrf_token": csrf, "max_members": 4, "proposal": 1},
        follow_redirects=False,
    )
    assert created.status_code == 303
    draft_url = created.headers["location"]
    page = web.get(draft_url).text
    assert "Brouillon, version 1" in page and "Rétroplanning" in page
    download = web.get(f"{draft_url}/download/docx")
    assert download.status_code == 200
    assert (
        'filename="draft-boamp-26-4242-g-participation-v1.docx"'
        in download.headers["content-disposition"]
    )
    document = docx.Document(io.BytesIO(download.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Animation de la concertation citoyenne" in text
    calendar = Calendar.from_ical(web.get(f"{draft_url}/download/ics").content)
    assert len(calendar.walk("VEVENT")) >= 3
    markdown = web.get(f"{draft_url}/download/md").text
    assert markdown.startswith("# Brouillon de réponse — ")  # the page's language
    web.cookies.set("lang", "en")
    created = web.post(
        f"{WORKSPACE}/drafts",
        data={"csrf_token": csrf, "max_members": 4, "proposal": 0},
        follow_redirects=False,
    )
    english = web.get(f"{created.headers['location']}/download/md").text
    assert english.startswith("# Draft response — ") and "Rétroplanning" not in english
    web.cookies.set("lang", "fr")
    with web_context.sessions() as session:
        row = session.get(DraftRow, draft_url.rsplit("/", 1)[1])
        assert row is not None and row.created_by == f"member:{SAMPLE_LEAD}"
    board = web.get(BOARD).text
    drafting = board[board.index('id="stage-drafting"') : board.index('id="stage-submitted"')]
    assert f'href="{WORKSPACE}"' in drafting
    sign_in(web, web_context, OUTSIDER)
    assert web.get(f"{draft_url}/download/docx").status_code == 403


def test_no_team_is_explained_in_the_page_language(
    web: TestClient, web_context: AppContext
) -> None:
    with web_context.sessions() as session:
        everyone = [row.id for row in session.query(MemberRow)]
    declare_intentions(web_context, intentions={m: (IntentionRole.declined, []) for m in everyone})
    csrf = sign_in(web, web_context, SAMPLE_LEAD)
    page = web.post(f"{WORKSPACE}/consortia", data={"csrf_token": csrf}).text
    assert "Aucune équipe ne peut être proposée : aucun membre disponible ne couvre" in page
    assert "no eligible candidate" not in page
    web.cookies.set("lang", "en")
    page = web.post(f"{WORKSPACE}/consortia", data={"csrf_token": csrf}).text
    assert "No team can be proposed: no available member covers any requirement" in page


def test_admin_imports_with_a_line_by_line_report_and_issues_links(
    web: TestClient, web_context: AppContext
) -> None:
    csrf = sign_in(web, web_context, None)
    bad = "- id: m-new\n  name: Nouvelle\n  expertise: []\n  regions: ['99']\n"
    report = web.post(
        "/admin/import/members",
        data={"csrf_token": csrf},
        files={"file": ("members.yaml", bad.encode(), "application/yaml")},
    )
    assert report.status_code == 422
    assert "Rien n'a été importé" in report.text and "<td>3</td>" in report.text
    good = "- id: m-new\n  name: Nouvelle\n  expertise: [Formation des élus aux marchés publics]\n"
    imported = web.post(
        "/admin/import/members",
        data={"csrf_token": csrf},
        files={"file": ("members.yaml", good.encode(), "application/yaml")},
    )
    assert imported.status_code == 200 and "Importé : 1 nouveaux" in imported.text
    issued = web.post("/admin/links", data={"csrf_token": csrf, "member_id": "m-new", "days": 7})
    link = re.search(
        r'<code id="signin-link">http://127\.0\.0\.1:8000(/signin/[^<]+)</code>', issued.text
    )
    assert link, issued.text
    token_id = link.group(1).split("_")[1]
    revoked = web.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 200 and "révoqué" in revoked.text
    assert web.get(link.group(1)).status_code == 401  # a revoked link no longer signs in
    sign_in(web, web_context, "m-comm")
    assert web.get("/admin").status_code == 403
