"""Quarantined records carry their reason as a code and parameters beside the English text."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import ReasonCode
from ingest.files import read_file
from ingest.records import Quarantined
from tests.utils.data import SAMPLES

SDK = SAMPLES / "external" / "eforms-sdk-1.15.1"


def _quarantined(path: Path) -> list[Quarantined]:
    return [result for result in read_file(path) if isinstance(result, Quarantined)]


def test_real_faulty_notices_have_a_code() -> None:
    """The eForms SDK's invalid examples (real faults, not ours)."""
    codes = {}
    for path in sorted(SDK.glob("INVALID_*.xml")):
        for result in _quarantined(path):
            assert result.code is not None, (path.name, result.reason)
            codes[path.name] = result.code
    assert codes["INVALID_cn_24_empty.xml"] is ReasonCode.no_identifier


def test_a_bad_json_line_keeps_its_english_text_and_says_where(tmp_path: Path) -> None:
    lines = tmp_path / "notices.jsonl"
    lines.write_text('{"id": "x:1"\n', encoding="utf-8")
    [result] = _quarantined(lines)
    assert result.reason.startswith("line 1: invalid JSON")  # logs, CLI and API
    assert result.code is ReasonCode.invalid_json
    assert result.params["detail"].startswith("line 1: ")


def test_a_notice_without_title_names_the_notice(tmp_path: Path) -> None:
    lines = tmp_path / "notices.jsonl"
    lines.write_text('{"id": "x:1", "title": 3}\n', encoding="utf-8")
    [result] = _quarantined(lines)
    assert result.code is ReasonCode.invalid_notice
    assert result.params["notice"] == "x:1" and "title" in result.params["detail"]
