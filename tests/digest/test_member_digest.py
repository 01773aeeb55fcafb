"""A member's digest on real devset notices, delivered to a real SMTP server on loopback."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import yaml

from app.core.db import transaction
from app.digest.changes import short_date
from app.digest.gather import all_groups, candidates_since, gather_member
from app.digest.labels import labels_for
from app.digest.preferences import preferences_of
from app.digest.run import send_digests
from app.digest.selection import DigestMatcher, indexed_encoder
from app.feedback.service import rerank_for_member
from app.intentions.service import IntentionIn, declare
from app.members.feedback import member_examples, set_feedback
from app.members.feedback_examples import Verdict
from app.members.service import get_member, member_from_row
from app.wiring.background import sync_once
from app.wiring.context import AppContext
from models.consortium import IntentionRole
from tests.digest.scenario import (
    CLOSING,
    NOTICE,
    build_store,
    concertation_deadline,
    move_deadline,
    now_utc,
)
from tests.digest.smtp import SmtpServer
from tests.utils.data import DEVSET


def _address(member_id: str) -> str:
    members = yaml.safe_load((DEVSET / "members.yaml").read_text(encoding="utf-8"))
    return str(next(m["email"] for m in members if m["id"] == member_id))


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _html(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def test_lead_digest_names_new_fits_closing_notices_and_her_steps(
    context: AppContext, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)

    summary = send_digests(context, now=now)

    assert summary.failed == [] and summary.deferred == []
    assert summary.sent == summary.composed == len(smtp.handler.messages) > 1
    (message,) = smtp.handler.to(_address("m-studies"))
    text, html = _text(message), _html(message)
    assert message["Subject"].startswith("Cotender : ")
    # new fits: the concertation notice, with its deadline, a lot, why, and its page
    assert "== Nouveaux avis pour vous ==" in text
    assert "Animation de la concertation citoyenne" in text
    assert f"http://127.0.0.1:8000/notices/{NOTICE}" in text
    assert f'href="http://127.0.0.1:8000/notices/{NOTICE}"' in html
    new_part = text.split("== Nouveaux avis pour vous ==")[1].split("==")[0]
    assert "Date limite : " in new_part and "Pourquoi : « " in new_part
    assert "Lot " in new_part
    # closing soon: the notice she is interested in closes in 5 days
    closing = text.split("== Bientôt clos (moins de 7 jours) ==")[1].split("==")[0]
    assert f"/notices/{CLOSING}" in closing and "(intéressé)" in closing
    assert NOTICE not in closing  # 22 days away
    # her step: the go/no-go of the group procedure, D-18 of the concertation notice
    steps = text.split("== Vos étapes des prochains jours ==")[1].split("--")[0]
    assert "Décision d'y aller ou non" in steps and NOTICE in steps
    # every e-mail carries the one-click unsubscribe headers (RFC 8058)
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"][1:-1] in text


def test_english_member_gets_english(context: AppContext, smtp: SmtpServer, tmp_path: Path) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    send_digests(context, now=now, member_id="m-web")  # languages [en, fr]
    (message,) = smtp.handler.messages
    assert message["To"] == _address("m-web")
    assert "new notice(s) for you" in message["Subject"]
    assert "== New notices for you ==" in _text(message)


def test_corrigendum_that_moves_the_deadline_is_said_in_words(
    context: AppContext, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    send_digests(context, now=now)
    before = len(smtp.handler.messages)

    move_deadline(context, tmp_path, now=now, days=-3)  # a new version, 3 days earlier
    assert sync_once(context)
    later = now + timedelta(days=1)
    summary = send_digests(context, now=later)

    lead = smtp.handler.to(_address("m-studies"))
    assert len(lead) == 2
    text = _text(lead[1])
    changes = text.split("== Changements sur vos avis ==")[1].split("==")[0]
    old = short_date(concertation_deadline(now))
    new = short_date(concertation_deadline(now) - timedelta(days=3))
    assert f"date limite avancée du {old} au {new}" in changes
    assert "Nouveaux avis pour vous" not in text  # nothing new was ingested
    # members who work on nothing that changed get no e-mail
    assert summary.composed == len(smtp.handler.messages) - before
    assert all(m["To"] != _address("m-web") for m in smtp.handler.messages[before:])


def test_nothing_new_sends_nothing_and_a_second_run_sends_nothing(
    context: AppContext, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    first = send_digests(context, now=now)
    assert first.sent > 0

    again = send_digests(context, now=now)  # run twice: nobody is due
    assert again.composed == again.sent == 0 and again.not_due == first.sent + first.nothing_new
    tomorrow = send_digests(context, now=now + timedelta(days=1, hours=1))  # due, nothing new
    assert tomorrow.nothing_new > 0
    later = smtp.handler.messages[first.sent :]
    assert tomorrow.composed == tomorrow.sent == len(later)
    # the only news a day can bring without a new notice: a step that entered the week
    # overnight (whether one does depends on the calendar: weekends and holidays move steps)
    languages = [labels_for(language) for language in ("fr", "en")]
    for message in later:
        text = _text(message)
        assert not any(
            f"== {title} ==" in text
            for labels in languages
            for title in (labels.new_title, labels.closing_title, labels.changes_title)
        )
        steps = _step_lines(text)
        assert steps
        told = [_step_lines(_text(m)) for m in smtp.handler.to(message["To"])[:-1]]
        assert not set(steps) & {line for lines in told for line in lines}


def _step_lines(text: str) -> list[str]:
    """The step lines of a plain-text digest, in either language (none without steps)."""
    for language in ("fr", "en"):
        heading = f"== {labels_for(language).steps_title} =="
        if heading in text:
            section = text.split(heading)[1].split("--")[0]
            return [line for line in section.splitlines() if line.startswith("* ")]
    return []


def _new_fits(context: AppContext, member_id: str, *, now: datetime) -> list[str]:
    """The notices a member's digest would tell as new, composed as ``digest send`` does."""
    since = now - timedelta(days=7)
    with context.sessions() as session:
        row = get_member(session=session, member_id=member_id)
        assert row is not None
        member = member_from_row(row)
        candidates = candidates_since(session, since, now)
        encoder = indexed_encoder(context.index, context.embedder, [c.notice for c in candidates])
        digest = gather_member(
            session,
            DigestMatcher(context.matching, candidates, encoder),
            member,
            preferences_of(None, member),
            groups=all_groups(session),
            since=since,
            now=now,
            public_url=context.settings.public_url,
        )
    return [new.notice.notice_id for new in digest.new]


def test_a_new_notice_set_aside_or_declined_is_not_told_as_new(
    context: AppContext, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    before = _new_fits(context, "m-web", now=now)
    set_aside, declined, *rest = before
    with transaction(context.sessions) as session:
        set_feedback(
            session=session,
            member_id="m-web",
            notice_id=set_aside,
            verdict=Verdict.not_relevant,
            now=now,
        )
        declare(
            session=session,
            notice_id=declined,
            member_id="m-web",
            intention=IntentionIn(role=IntentionRole.declined),
            actor="test",
            now=now,
        )

    after = _new_fits(context, "m-web", now=now)
    assert set_aside not in after and declined not in after
    kept = [i for i in before if i not in (set_aside, declined)]
    assert after[: len(kept)] == kept  # the others still told, in the same order

    send_digests(context, now=now, member_id="m-web")
    (message,) = smtp.handler.to(_address("m-web"))
    text = _text(message)
    assert f"/notices/{set_aside}" not in text and f"/notices/{declined}" not in text
    assert any(f"/notices/{notice_id}" in text for notice_id in rest)


def test_the_new_notices_are_ordered_as_the_member_s_feedback_orders_them(
    context: AppContext, tmp_path: Path
) -> None:
    """A notice like one the member marked relevant comes up in the digest, as in their list."""
    now = now_utc()
    build_store(context, tmp_path, now=now)
    before = _new_fits(context, "m-web", now=now)
    refused, liked = before[0], before[-1]
    with transaction(context.sessions) as session:
        for notice_id, verdict in ((refused, Verdict.not_relevant), (liked, Verdict.relevant)):
            set_feedback(
                session=session, member_id="m-web", notice_id=notice_id, verdict=verdict, now=now
            )
        examples = member_examples(session=session, member_id="m-web")

    after = _new_fits(context, "m-web", now=now)
    engine_order = [i for i in before if i != refused]
    assert sorted(after) == sorted(engine_order)  # the same notices, the refused one aside
    assert after != engine_order  # feedback moved them
    engine = context.matching
    with context.sessions() as session:
        row = get_member(session=session, member_id="m-web")
        assert row is not None
        member = member_from_row(row)
    listed = {m.notice_id: m for m in engine.match_member(member, now=now, limit=200)}
    ranked = rerank_for_member(engine, [listed[i] for i in before], examples, limit=len(before))
    assert after == [r.match.notice_id for r in ranked]  # what the member's list gives them
