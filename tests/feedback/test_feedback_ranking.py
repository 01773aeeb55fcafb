"""Feedback changes a member's next matches, the reasons say why, and a refusal is final."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.wiring.background import sync_once
from app.wiring.context import AppContext
from ingest.parse.notice_json import parse_notice_json_line
from ingest.store import NoticeStore
from tests.utils.auth import member_headers
from tests.utils.data import devset_lines
from tests.utils.people import load_people

MATCHES = "/api/members/m-web/matches"


def _load(context: AppContext, count: int = 150) -> None:
    NoticeStore(context.sessions).apply_batch(
        [parse_notice_json_line(line) for line in devset_lines(count)]
    )
    load_people(context)
    assert sync_once(context)


def _matches(client: TestClient, headers: dict[str, str], limit: int) -> list[dict[str, Any]]:
    response = client.get(MATCHES, params={"limit": limit}, headers=headers)
    assert response.status_code == 200, response.text
    matches: list[dict[str, Any]] = response.json()["matches"]
    return matches


def _title(client: TestClient, headers: dict[str, str], notice_id: str) -> str:
    title: str = client.get(f"/api/notices/{notice_id}", headers=headers).json()["title"]
    return title


def _feedback(match: dict[str, Any]) -> list[dict[str, Any]]:
    return [reason for reason in match["reasons"] if reason["type"] == "feedback"]


def test_feedback_changes_the_next_ranking_and_the_reasons_say_why(
    context: AppContext, client: TestClient
) -> None:
    _load(context)
    headers = member_headers(context, "m-web")
    before = _matches(client, headers, 10)
    assert len(before) == 10 and not any(_feedback(m) for m in before)
    refused, liked = before[0]["notice_id"], before[1]["notice_id"]
    for notice_id, verdict in ((refused, "not_relevant"), (liked, "relevant")):
        url = f"/api/members/m-web/feedback/{notice_id}"
        assert client.put(url, json={"verdict": verdict}, headers=headers).status_code == 200

    after = _matches(client, headers, 10)
    ids = [m["notice_id"] for m in after]
    assert refused not in ids and len(ids) == 10
    assert ids != [m["notice_id"] for m in before if m["notice_id"] != refused][: len(ids)]
    scores = [m["score"] for m in after]
    assert scores == sorted(scores, reverse=True)
    marked = next(m for m in after if m["notice_id"] == liked)
    assert [r["detail_fr"] for r in _feedback(marked)][0] == "vous avez jugé cet avis pertinent"
    moved = [(m, r) for m in after for r in _feedback(m) if r["effect"] != "marked"]
    assert moved, "no match says feedback moved it"
    titles = {liked: _title(client, headers, liked), refused: _title(client, headers, refused)}
    for _, reason in moved:
        assert reason["notice_id"] in titles and reason["title"] == titles[reason["notice_id"]]
        assert titles[reason["notice_id"]] in reason["detail"]
        assert titles[reason["notice_id"]] in reason["detail_fr"]
        assert reason["detail"].startswith(("like the notices you marked relevant", "close to"))

    url = f"/api/members/m-web/feedback/{refused}"
    assert client.delete(url, headers=headers).status_code == 204
    client.delete(f"/api/members/m-web/feedback/{liked}", headers=headers)
    assert _matches(client, headers, 10) == before  # withdrawn: the engine's list again


def test_a_notice_marked_not_for_me_or_declined_is_never_proposed_again(
    context: AppContext, client: TestClient
) -> None:
    _load(context)
    headers = member_headers(context, "m-web")
    first = _matches(client, headers, 60)
    refused, declined = first[0]["notice_id"], first[3]["notice_id"]
    client.put(
        f"/api/members/m-web/feedback/{refused}", json={"verdict": "not_relevant"}, headers=headers
    )
    declared = client.put(
        f"/api/notices/{declined}/intentions/m-web", json={"role": "declined"}, headers=headers
    )
    assert declared.status_code == 200, declared.text
    for limit in (1, 10, 60, 200):
        ids = {m["notice_id"] for m in _matches(client, headers, limit)}
        assert refused not in ids and declined not in ids
    # whatever feedback moved names one of the refusals (the pure tests show it moves)
    moved = [r for m in _matches(client, headers, 20) for r in _feedback(m)]
    assert {r["notice_id"] for r in moved} <= {refused, declined}
    assert all(r["effect"] in ("near_rejected", "unlike_rejected") for r in moved)
