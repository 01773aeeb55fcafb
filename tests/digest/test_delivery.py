"""Exactly-once delivery against a real SMTP server that drops, defers and refuses."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.config import get_settings
from app.digest.run import send_digests
from app.wiring.context import AppContext
from models.schema import DigestMessageRow
from tests.digest.scenario import build_store, now_utc
from tests.digest.smtp import SmtpServer


def _one_each(smtp: SmtpServer) -> Counter[str]:
    received = Counter(str(m["To"]) for m in smtp.handler.messages)
    assert set(received.values()) == {1}, received  # nobody got a duplicate
    ids = [m["Message-ID"] for m in smtp.handler.messages]
    assert len(set(ids)) == len(ids)
    return received


def _statuses(context: AppContext) -> Counter[str]:
    with context.sessions() as session:
        return Counter(session.scalars(select(DigestMessageRow.status)))


def test_connection_dropped_mid_run_is_retried_without_duplicates(
    context: AppContext, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    smtp.handler.drop_after = 1  # the second message's DATA drops the connection, once

    summary = send_digests(context, now=now)

    assert summary.deferred == [] and summary.failed == [] and summary.exit_code == 0
    assert len(_one_each(smtp)) == summary.composed == summary.sent > 2
    assert smtp.handler.data_commands == summary.sent + 1
    assert _statuses(context) == {"sent": summary.sent}


def test_smtp_outage_mid_run_resumes_next_run_without_loss_or_duplicate(
    context: AppContext, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    smtp.handler.drop_after, smtp.handler.drop_times = 1, -1  # down after the first message

    cut = send_digests(context, now=now)

    assert cut.sent == 1 and len(cut.deferred) == cut.composed - 1 > 0 and cut.exit_code == 3
    assert _statuses(context) == {"sent": 1, "pending": cut.composed - 1}
    smtp.handler.drop_after = None  # the server is back

    resumed = send_digests(context, now=now)

    assert resumed.composed == 0  # nothing composed twice
    assert resumed.sent == cut.composed - 1 and resumed.exit_code == 0
    assert len(_one_each(smtp)) == cut.composed
    assert _statuses(context) == {"sent": cut.composed}


def test_a_4xx_reply_is_retried_then_succeeds(
    context: AppContext, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    smtp.handler.replies = ["451 4.3.0 Temporary failure, try again"]

    summary = send_digests(context, now=now)

    assert summary.exit_code == 0 and summary.sent == summary.composed
    assert smtp.handler.data_commands == summary.sent + 1
    assert len(_one_each(smtp)) == summary.sent


def test_a_5xx_reply_is_recorded_reported_and_sets_the_exit_code(
    context: AppContext, smtp: SmtpServer, tmp_path: Path
) -> None:
    now = now_utc()
    build_store(context, tmp_path, now=now)
    settings = context.settings
    context.close()  # the command opens the store and the embedded index itself
    env = {
        "COTENDER_DATA_DIR": str(settings.data_dir),
        "COTENDER_DATABASE_URL": settings.effective_database_url,
        "COTENDER_EMBEDDER": "hashing",
        "COTENDER_SMTP_URL": smtp.url,
        "COTENDER_SMTP_SECURITY": "none",
        "COTENDER_SMTP_RETRY_WAIT_SECONDS": "0.01",
    }
    smtp.handler.replies = ["550 5.1.1 Mailbox unavailable"]
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["digest", "send", "--json"], env=env)
        assert result.exit_code == 2, result.output
        report = json.loads(result.stdout)
        (failed,) = report["failed"]
        assert failed["code"] == 550 and "Mailbox unavailable" in failed["error"]
        assert report["sent"] == report["composed"] - 1
        assert smtp.handler.data_commands == report["composed"]  # a 5xx is never retried

        again = CliRunner().invoke(cli, ["digest", "send", "--json"], env=env)
        assert again.exit_code == 0, again.output
        assert json.loads(again.stdout)["sent"] == 0  # recorded as failed, not resent
    finally:
        get_settings.cache_clear()
    reopened = AppContext.open(settings)
    try:
        assert _statuses(reopened) == {"sent": report["sent"], "failed": 1}
        with reopened.sessions() as session:
            row = session.scalars(
                select(DigestMessageRow).where(DigestMessageRow.status == "failed")
            ).one()
        assert row.to_address == failed["to"] and "550" in (row.last_error or "")
    finally:
        reopened.close()
