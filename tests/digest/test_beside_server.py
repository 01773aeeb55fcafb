"""Done when, with the server running: ``ingest-file`` of a new notice that fits the sample
lead, then ``digest send``, writes an e-mail for her that names it and links its page.

A real ``cotender serve`` process owns the embedded index on loopback; ``digest send``
asks it to compose (``POST /api/admin/digests``) and delivers the outbox itself.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import httpx
import pytest
from click.testing import Result
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.config import Settings, get_settings
from app.wiring.context import AppContext
from models.schema import ApiTokenRow
from tests.utils.concertation import NOTICE, concertation_record
from tests.utils.data import DEVSET, devset_lines

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
LEAD = "ines.moreau@example.org"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The demo's setting: SQLite under the data folder, no SMTP server."""
    get_settings.cache_clear()
    yield {
        "COTENDER_DATA_DIR": str(tmp_path / "data"),
        "COTENDER_EMBEDDER": "hashing",
        "COTENDER_INDEX_SYNC_SECONDS": "0.5",
    }
    get_settings.cache_clear()


def _run(env: dict[str, str], *args: str) -> Result:
    get_settings.cache_clear()
    result = runner.invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """The demo's people and 300 devset notices, then ``cotender serve`` on loopback."""
    devset = tmp_path / "devset.jsonl"
    devset.write_text("".join(devset_lines(300)), encoding="utf-8")
    _run(env, "members", "import", str(DEVSET / "members.yaml"))
    _run(env, "groups", "import", str(DEVSET / "group.yaml"))
    _run(env, "ingest-file", str(devset))
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "serve", "--port", str(port)],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server never answered /health"
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def test_digest_send_beside_a_running_server_writes_the_leads_email(
    env: dict[str, str], tmp_path: Path, server: str
) -> None:
    data = tmp_path / "data"
    assert json.loads((data / "server.json").read_text())["url"] == server
    new = tmp_path / "new.jsonl"
    record = concertation_record(deadline=datetime.now(UTC) + timedelta(days=40))
    new.write_text(json.dumps(record) + "\n", encoding="utf-8")
    ingested = _run(env, "ingest-file", str(new))
    assert "owned by a running Cotender server" in ingested.output  # left to the server

    result = _run(env, "digest", "send", "--json")

    summary = json.loads(result.stdout)
    assert not summary["index_locked"] and summary["composed"] >= 1
    lead = next(m for m in summary["messages"] if m["to"] == LEAD)
    assert lead["notices"][0] == NOTICE
    outbox = data / "outbox"
    assert summary["delivered_to"] == str(outbox.resolve())
    messages = [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in outbox.glob("*.eml")
    ]
    assert len(messages) == summary["sent"] == summary["composed"]
    (mail,) = [m for m in messages if m["To"] == LEAD]
    body = str(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "Animation de la concertation citoyenne" in body
    assert f"{server}/notices/{NOTICE}" in body  # the server composed it: its own address

    again = json.loads(_run(env, "digest", "send", "--json").stdout)
    assert again["composed"] == 0 and not again["index_locked"]  # told once
    context = AppContext.open(Settings(data_dir=data))
    try:
        with context.sessions() as session:
            minted = list(session.scalars(select(ApiTokenRow)))
    finally:
        context.close()
    # one token for the one call (the second run had nobody due), revoked after it
    assert len(minted) == 1 and minted[0].is_admin and minted[0].revoked_at is not None


def test_digest_send_says_so_when_the_index_is_busy_and_no_server_answers(
    env: dict[str, str],
) -> None:
    _run(env, "members", "import", str(DEVSET / "members.yaml"))
    get_settings.cache_clear()
    holder = subprocess.Popen(  # another process holds the index, without serving
        [
            sys.executable,
            "-c",
            "import sys, time; from app.wiring.context import AppContext; "
            "from app.core.config import get_settings; c = AppContext.open(get_settings()); "
            "c.index; print('held', flush=True); time.sleep(120)",
        ],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        get_settings.cache_clear()
        result = runner.invoke(cli, ["digest", "send"], env=env)
    finally:
        holder.terminate()
        holder.wait(timeout=30)
        holder.stdout.close()  # type: ignore[union-attr]
    assert result.exit_code == 3, result.output
    assert "composed 0 digest(s)" in result.stdout
    assert "no running server recorded its address" in result.stderr
