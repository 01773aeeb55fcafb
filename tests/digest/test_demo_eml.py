"""Done when: on the demo data, ``ingest-file`` of a new notice that fits the sample lead, then
``digest send`` writes an e-mail for her (an ``.eml``, no SMTP configured) that names it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.config import get_settings
from tests.utils.concertation import NOTICE, concertation_record
from tests.utils.data import DEVSET, devset_lines

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The demo's setting: SQLite under the data folder, no SMTP server."""
    get_settings.cache_clear()
    yield {"COTENDER_DATA_DIR": str(tmp_path / "data"), "COTENDER_EMBEDDER": "hashing"}
    get_settings.cache_clear()


def _run(env: dict[str, str], *args: str) -> Result:
    get_settings.cache_clear()
    result = runner.invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


def _eml(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _load_demo_people_and_notices(env: dict[str, str], tmp_path: Path) -> None:
    devset = tmp_path / "devset.jsonl"
    devset.write_text("".join(devset_lines(300)), encoding="utf-8")
    _run(env, "members", "import", str(DEVSET / "members.yaml"))
    _run(env, "groups", "import", str(DEVSET / "group.yaml"))
    _run(env, "ingest-file", str(devset))


def test_ingest_file_then_digest_send_writes_an_eml_for_the_lead(
    env: dict[str, str], tmp_path: Path
) -> None:
    _load_demo_people_and_notices(env, tmp_path)
    new = tmp_path / "new.jsonl"
    record = concertation_record(deadline=datetime.now(UTC) + timedelta(days=40))
    new.write_text(json.dumps(record) + "\n", encoding="utf-8")
    _run(env, "ingest-file", str(new))

    result = _run(env, "digest", "send")

    outbox = tmp_path / "data" / "outbox"
    assert f"to {outbox.resolve()}" in result.output  # the command says where
    messages = [_eml(path) for path in sorted(outbox.glob("*.eml"))]
    (lead,) = [m for m in messages if m["To"] == "ines.moreau@example.org"]
    text = lead.get_body(("plain",))
    assert text is not None
    body = str(text.get_content())
    assert "Animation de la concertation citoyenne" in body
    assert f"http://127.0.0.1:8000/notices/{NOTICE}" in body
    assert "Lot " in body.split(NOTICE)[0].split("Animation de la concertation citoyenne")[1]
    assert not list(outbox.glob("*.part"))

    again = _run(env, "digest", "send", "--json")
    assert json.loads(again.stdout)["composed"] == 0
    assert len(list(outbox.glob("*.eml"))) == len(messages)


def test_dry_run_shows_what_would_be_sent_and_records_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    _load_demo_people_and_notices(env, tmp_path)
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps(concertation_record()) + "\n", encoding="utf-8")
    _run(env, "ingest-file", str(new))

    dry = json.loads(_run(env, "digest", "send", "--dry-run", "--json").stdout)

    assert dry["dry_run"] and dry["composed"] > 0 and dry["sent"] == 0
    lead = next(m for m in dry["messages"] if m["to"] == "ines.moreau@example.org")
    assert lead["notices"][0] == NOTICE
    assert not (tmp_path / "data" / "outbox").exists()
    real = json.loads(_run(env, "digest", "send", "--json").stdout)
    assert real["composed"] == real["sent"] == dry["composed"]  # the dry run told nobody
