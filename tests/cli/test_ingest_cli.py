"""``cotender ingest`` end to end against a loopback BOAMP/TED built from real payloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli.main import cli
from app.core.config import get_settings
from tests.utils.data import sample
from tests.utils.loopback import FakeSources, cli_env, serve

runner = CliRunner()


def _boamp_records() -> list[dict[str, object]]:
    """The five real 2026 records, the first two moved one day earlier to span two days."""
    path = sample("boamp/ods_v21_records_5_fnsimple_2026.json")
    records: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["results"]
    for record in records[:2]:
        record["dateparution"] = "2026-01-20"
    return records


def _run(env: dict[str, str], *args: str) -> tuple[int, dict[str, object]]:
    get_settings.cache_clear()
    result = runner.invoke(cli, ["ingest", *args, "--json"], env=env)
    get_settings.cache_clear()
    payload = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, payload


@pytest.fixture
def fake_sources() -> FakeSources:
    return FakeSources(boamp_records=_boamp_records())


def test_ingest_boamp_is_idempotent(
    fake_sources: FakeSources, database_url: str, tmp_path: Path
) -> None:
    days = sorted({str(r["dateparution"]) for r in fake_sources.boamp_records})
    with serve(fake_sources) as sources:
        env = cli_env(sources, database_url, str(tmp_path))
        code, first = _run(env, "--source", "boamp", "--since", days[0], "--until", days[-1])
        assert code == 0, first
        assert first["ingested"] == len(fake_sources.boamp_records) == 5
        code, second = _run(env, "--source", "boamp", "--since", days[0], "--until", days[-1])
    assert code == 0
    assert second["ingested"] == 0 and second["unchanged"] == 5


def test_ingest_unreachable_source_fails_then_resumes(
    fake_sources: FakeSources, database_url: str, tmp_path: Path
) -> None:
    days = sorted({str(r["dateparution"]) for r in fake_sources.boamp_records})
    assert len(days) >= 2
    fake_sources.fail_boamp_day = days[-1]
    with serve(fake_sources) as sources:
        env = cli_env(sources, database_url, str(tmp_path))
        code, failed = _run(env, "--source", "boamp", "--since", days[0], "--until", days[-1])
        assert code == 2
        assert failed["failed_sources"] == ["boamp"]
        before_failure = sum(1 for r in fake_sources.boamp_records if r["dateparution"] < days[-1])
        assert failed["ingested"] == before_failure
        # The source is back: a run without --since continues from the watermark.
        fake_sources.fail_boamp_day = None
        code, resumed = _run(env, "--source", "boamp", "--until", days[-1])
    assert code == 0
    assert resumed["ingested"] == len(fake_sources.boamp_records) - before_failure
    assert resumed["ingested"] + resumed["unchanged"] >= resumed["ingested"] > 0


def test_ingest_rejects_bad_dates(database_url: str, tmp_path: Path) -> None:
    env = {"COTENDER_DATA_DIR": str(tmp_path), "COTENDER_DATABASE_URL": database_url}
    get_settings.cache_clear()
    result = runner.invoke(cli, ["ingest", "--since", "2026-13-01"], env=env)
    assert result.exit_code == 2
    assert "--since" in result.output
