"""Preferences, one-click unsubscribe (link and RFC 8058 POST), ICS and Atom feeds."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import feedparser
from fastapi.testclient import TestClient
from icalendar import Calendar

from app.digest.run import send_digests
from app.wiring.context import AppContext
from tests.digest.scenario import CLOSING, NOTICE, build_store, concertation_deadline, now_utc
from tests.digest.smtp import SmtpServer
from tests.utils.auth import admin_headers, member_headers

LEAD = "m-studies"
STRENGTH_LINE = (
    r"(correspondance (forte|possible|faible)|bonne correspondance) \(score -?\d+(,\d+)?\)"
)


def _unsubscribe_url(smtp: SmtpServer, address: str) -> str:
    (message,) = [m for m in smtp.handler.messages if m["To"] == address]
    return str(message["List-Unsubscribe"])[1:-1]


def test_preferences_api_defaults_change_and_permissions(
    context: AppContext, client: TestClient, tmp_path: Path
) -> None:
    build_store(context, tmp_path, now=now_utc())
    own = member_headers(context, LEAD)
    url = f"/api/members/{LEAD}/preferences"
    body = client.get(url, headers=own).json()
    assert body["frequency"] == "daily" and body["language"] == "fr"
    assert body["feeds"] == {"active": False, "created_at": None}

    changed = client.put(
        url, headers=own, json={"frequency": "weekly", "threshold": 12.5, "language": "en"}
    )
    assert changed.status_code == 200, changed.text
    assert client.get(url, headers=admin_headers(context)).json()["threshold"] == 12.5

    bad = client.put(url, headers=own, json={"frequency": "hourly"})
    assert bad.status_code == 422 and "frequency" in bad.text
    other = member_headers(context, "m-web")
    assert client.get(url, headers=other).status_code == 403
    assert client.put(url, headers=other, json={"frequency": "off"}).status_code == 403
    assert (
        client.get("/api/members/m-nobody/preferences", headers=admin_headers(context)).status_code
        == 404
    )


def test_unsubscribe_by_the_link_in_the_email(
    context: AppContext, client: TestClient, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    send_digests(context, now=now)
    link = _unsubscribe_url(smtp, "ines.moreau@example.org")
    path = link.removeprefix("http://127.0.0.1:8000")

    page = client.get(path)  # opening the link (or a mail scanner) changes nothing
    assert page.status_code == 200 and "Me désabonner" in page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action is not None and action.group(1) == path
    assert (
        client.get(f"/api/members/{LEAD}/preferences", headers=admin_headers(context)).json()[
            "frequency"
        ]
        == "daily"
    )

    done = client.post(action.group(1), data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "vous ne recevrez plus" in done.text
    prefs = client.get(f"/api/members/{LEAD}/preferences", headers=admin_headers(context)).json()
    assert prefs["frequency"] == "off"


def test_unsubscribe_by_rfc8058_one_click_post_without_session(
    context: AppContext, client: TestClient, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    send_digests(context, now=now)
    link = _unsubscribe_url(smtp, "participation@example.org")  # the group's list
    path = link.removeprefix("http://127.0.0.1:8000")

    response = client.post(
        path,
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert client.post(forged, content="List-Unsubscribe=One-Click").status_code == 404

    later = datetime.fromtimestamp(now.timestamp() + 8 * 86400, UTC)
    summary = send_digests(context, now=later, group_id="g-participation")
    assert summary.composed == 0 and summary.not_due == 1  # the list is told no more


def test_calendar_and_atom_feeds_parse_back_and_can_be_revoked(
    context: AppContext, client: TestClient, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    own = member_headers(context, LEAD)
    created = client.post(f"/api/members/{LEAD}/preferences/feeds", headers=own)
    assert created.status_code == 201, created.text
    urls = created.json()
    assert client.get(f"/api/members/{LEAD}/preferences", headers=own).json()["feeds"]["active"]

    ics = client.get(urls["calendar"].removeprefix("http://127.0.0.1:8000"))
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    deadline = by_uid[f"deadline.{NOTICE}@cotender"]
    assert deadline.decoded("DTSTART") == concertation_deadline(now)
    assert f"deadline.{CLOSING}@cotender" in by_uid
    steps = [e for e in events if str(e["UID"]).startswith("go_no_go.g-participation.")]
    assert steps and "Décision d'y aller ou non" in str(steps[0]["SUMMARY"])

    atom = client.get(urls["atom"].removeprefix("http://127.0.0.1:8000"))
    assert atom.status_code == 200 and "atom" in atom.headers["content-type"]
    feed = feedparser.parse(atom.content)
    assert not feed.bozo and feed.feed.title == "Cotender : nouveaux avis pour Inès Moreau"
    links = [entry.link for entry in feed.entries]
    assert f"http://127.0.0.1:8000/notices/{NOTICE}" in links
    # Each entry says how strongly it fits, in words and with the score.
    assert all(re.fullmatch(STRENGTH_LINE, entry.summary) for entry in feed.entries)

    assert client.delete(f"/api/members/{LEAD}/preferences/feeds", headers=own).status_code == 204
    gone = client.get(urls["calendar"].removeprefix("http://127.0.0.1:8000"))
    assert gone.status_code == 404
    assert client.get(urls["atom"].removeprefix("http://127.0.0.1:8000")).status_code == 404
