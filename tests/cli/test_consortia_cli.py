"""``cotender consortia`` and ``cotender draft``, end to end on a temporary store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import docx
import pytest
from click.testing import Result
from icalendar import Calendar
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.config import Settings, get_settings
from app.wiring.context import AppContext
from tests.utils.concertation import NOTICE, concertation_record, declare_intentions
from tests.utils.data import DEVSET
from tests.utils.people import SAMPLE_GROUP

runner = CliRunner()


def _run(env: dict[str, str], *args: str) -> Result:
    get_settings.cache_clear()
    return runner.invoke(cli, list(args), env=env)


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A store with the sample people, the concertation notice and the sample intentions."""
    get_settings.cache_clear()
    env = {
        "COTENDER_DATA_DIR": str(tmp_path / "data"),
        "COTENDER_DATABASE_URL": database_url,
        "COTENDER_EMBEDDER": "hashing",
    }
    notices = tmp_path / "notices.jsonl"
    notices.write_text(json.dumps(concertation_record()) + "\n", encoding="utf-8")
    for args in (
        ("members", "import", str(DEVSET / "members.yaml")),
        ("groups", "import", str(DEVSET / "group.yaml")),
        ("ingest-file", str(notices)),
    ):
        result = _run(env, *args)
        assert result.exit_code == 0, result.output
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    context = AppContext.open(settings)
    try:
        declare_intentions(context)
    finally:
        context.close()
    yield env
    get_settings.cache_clear()


def test_consortia_json(env: dict[str, str]) -> None:
    result = _run(env, "consortia", NOTICE, "--group", SAMPLE_GROUP, "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["notice_id"] == NOTICE and answer["lots"] == ["1", "2", "3"]
    best = answer["proposals"][0]
    assert best["mandataire"] == "m-studies"
    assert sum(m["share"] for m in best["members"]) == pytest.approx(1.0)
    assert all("m-print" not in {m["member_id"] for m in p["members"]} for p in answer["proposals"])


def test_consortia_human(env: dict[str, str]) -> None:
    result = _run(
        env,
        "consortia",
        NOTICE,
        "-g",
        SAMPLE_GROUP,
        "--max-members",
        "3",
        "--lot",
        "1",
        "--lot",
        "2",
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"{NOTICE}, group {SAMPLE_GROUP}: lots 1, 2, at most 3 members")
    assert "Proposal 1: score " in out
    assert "  mandataire: m-studies" in out
    assert "  legal form: cae" in out
    assert "  go/no-go: " in out and "Pass: 1 declared lead(s) in the team (m-studies)" in out
    assert "    - Never considered, having declined: m-print." in out
    assert "lots 3" not in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("boamp:26-9999", "--group", SAMPLE_GROUP), 1, "notice boamp:26-9999 not found"),
        ((NOTICE, "--group", "g-unknown"), 1, "group g-unknown not found"),
        ((NOTICE, "--group", SAMPLE_GROUP, "--lot", "9"), 2, "has no lot 9"),
        ((NOTICE, "--group", SAMPLE_GROUP, "--max-members", "0"), 2, "--max-members"),
    ],
)
def test_consortia_refusals(
    env: dict[str, str], args: tuple[str, ...], code: int, message: str
) -> None:
    result = _run(env, "consortia", *args)
    assert result.exit_code == code
    assert message in result.stderr


@pytest.mark.parametrize("suffix", [".docx", ".md", ".ics", ".json"])
def test_draft_writes_the_file(env: dict[str, str], tmp_path: Path, suffix: str) -> None:
    out = tmp_path / "out" / f"draft{suffix}"
    result = _run(env, "draft", NOTICE, "--group", SAMPLE_GROUP, "--out", str(out))
    assert result.exit_code == 0, result.output
    draft_id = result.stdout.strip()
    assert len(draft_id) == 36
    assert (
        f"version 1 of the draft of {SAMPLE_GROUP} for {NOTICE}, written to {out}" in result.stderr
    )
    payload = out.read_bytes()
    if suffix == ".docx":
        document = docx.Document(BytesIO(payload))
        headings = [
            p.text
            for p in document.paragraphs
            if p.style is not None and p.style.name.startswith("Heading")
        ]
        assert "Rétroplanning" in headings and "Équipe et forme juridique" in headings
    elif suffix == ".md":
        assert "## Pièces administratives" in payload.decode()
    elif suffix == ".ics":
        events = list(Calendar.from_ical(payload).walk("VEVENT"))
        assert all(str(event["UID"]).endswith(f".{draft_id}@cotender") for event in events)
    else:
        assert json.loads(payload)["draft_id"] == draft_id


def test_draft_in_english(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "draft.md"
    result = _run(env, "draft", NOTICE, "--group", SAMPLE_GROUP, "--language", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "## Administrative documents" in text and "Pièces administratives" not in text
    refused = _run(env, "draft", NOTICE, "--group", SAMPLE_GROUP, "--language", "de")
    assert refused.exit_code == 2 and "--language" in refused.stderr


def test_draft_json_versions_and_proposal_choice(env: dict[str, str]) -> None:
    first = _run(env, "draft", NOTICE, "--group", SAMPLE_GROUP, "--json")
    assert first.exit_code == 0, first.output
    again = _run(env, "draft", NOTICE, "--group", SAMPLE_GROUP, "--proposal", "1", "--json")
    assert again.exit_code == 0, again.output
    one, two = json.loads(first.stdout), json.loads(again.stdout)
    assert (one["version"], two["version"]) == (1, 2)
    assert one["out"] is None and one["draft"]["draft_id"] == one["draft_id"]
    assert one["draft"]["mandataire"] == "m-studies"
    consortia = json.loads(_run(env, "consortia", NOTICE, "-g", SAMPLE_GROUP, "--json").stdout)
    second_best = {m["member_id"] for m in consortia["proposals"][1]["members"]}
    assert {entry["member_id"] for entry in two["draft"]["team"]} == second_best


def test_draft_refusals(env: dict[str, str], tmp_path: Path) -> None:
    bad = _run(env, "draft", NOTICE, "-g", SAMPLE_GROUP, "--out", str(tmp_path / "x.pdf"))
    assert bad.exit_code == 2 and "unknown format .pdf" in bad.stderr
    missing = _run(env, "draft", NOTICE, "-g", SAMPLE_GROUP, "--proposal", "40")
    assert missing.exit_code == 1 and "no proposal 40: there are " in missing.stderr
    unknown = _run(env, "draft", "boamp:26-9999", "-g", SAMPLE_GROUP)
    assert unknown.exit_code == 1 and "notice boamp:26-9999 not found" in unknown.stderr
