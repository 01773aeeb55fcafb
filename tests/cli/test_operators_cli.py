"""``cotender runs`` and ``cotender quarantine``, and the one-line ``--json`` summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ingest.parse.ted_search
from app.cli.main import cli
from app.core.config import get_settings
from tests.utils.data import SAMPLES

runner = CliRunner()
EXTERNAL = SAMPLES / "external"
ALIAS_FIELDS = EXTERNAL / "ted-search" / "ted_search_v3_alias_fields.json"
INVALID = EXTERNAL / "eforms-sdk-1.15.1" / "INVALID_cn_24_empty.xml"


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "COTENDER_DATA_DIR": str(tmp_path),
        "COTENDER_DATABASE_URL": database_url,
        "COTENDER_EMBEDDER": "hashing",
    }


def _run(env: dict[str, str], *args: str) -> tuple[int, str]:
    get_settings.cache_clear()
    result = runner.invoke(cli, list(args), env=env)
    get_settings.cache_clear()
    return result.exit_code, result.stdout


def _json(env: dict[str, str], *args: str) -> object:
    code, out = _run(env, *args, "--json")
    assert code == 0, out
    lines = out.strip().splitlines()
    assert len(lines) == 1, out  # one JSON object per line, for logs of runs
    return json.loads(lines[0])


def test_retry_after_a_parser_change_rescues_what_the_fix_reads(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as before_the_fix:
        before_the_fix.setattr(ingest.parse.ted_search, "FIELD_ALIASES", {})
        summary = _json(env, "ingest-file", str(ALIAS_FIELDS), str(INVALID))
    assert summary == {"ingested": 0, "updated": 0, "unchanged": 0, "skipped": 0, "quarantined": 4}
    entries = _json(env, "quarantine", "list")
    assert isinstance(entries, list) and len(entries) == 4
    reasons = {entry["record_ref"]: entry["reason"] for entry in entries}
    assert reasons["ted_search_v3_alias_fields.json#475939-2026"] == (
        "ted:475939-2026: no notice-title in the search item"
    )
    shown = _json(env, "quarantine", "show", str(entries[0]["id"]))
    assert isinstance(shown, dict) and shown["raw"]
    report = _json(env, "quarantine", "retry", "--all")
    assert report == {
        "retried": 4,
        "ingested": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "still_quarantined": 1,
    }
    left = _json(env, "quarantine", "list")
    assert isinstance(left, list) and [e["record_ref"] for e in left] == [INVALID.name]
    code, out = _run(env, "notices", "show", "ted:475939-2026", "--json")
    assert code == 0 and json.loads(out)["language"] == "sv"


def test_runs_lists_each_file_run_with_counts(env: dict[str, str]) -> None:
    _json(env, "ingest-file", str(ALIAS_FIELDS))
    runs = _json(env, "runs")
    assert isinstance(runs, list) and len(runs) == 1
    (run,) = runs
    assert run["source"] == "file:ted_search_v3_alias_fields.json"
    assert run["status"] == "succeeded" and run["finished_at"] is not None
    assert run["counts"]["ingested"] == 3 and run["errors"] == [] and run["watermark"] is None
    code, out = _run(env, "runs")
    assert code == 0 and "file:ted_search_v3_alias_fields.json succeeded" in out


def test_quarantine_show_unknown_id_and_retry_without_ids(env: dict[str, str]) -> None:
    code, _ = _run(env, "quarantine", "show", "999")
    assert code == 1
    code, _ = _run(env, "quarantine", "retry")
    assert code == 2
