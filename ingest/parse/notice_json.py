"""Notice JSON lines: the normalised form itself (``devset/notices.jsonl`` uses it)."""

from __future__ import annotations

import json

from pydantic import ValidationError

from ingest.errors import MalformedRecordError, ReasonCode
from models.notice import Notice, NoticeStatus, ParsedRecord, RecordKind


def _first_error(error: ValidationError) -> str:
    detail = error.errors()[0]
    field = ".".join(str(part) for part in detail["loc"]) or "(record)"
    return f"{field}: {detail['msg']}"


def parse_notice_json_line(line: str) -> ParsedRecord:
    """One line of notice JSON; awarded notices become award records."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        detail = f"{error.msg} at column {error.colno}"
        raise MalformedRecordError(
            f"invalid JSON: {detail}", code=ReasonCode.invalid_json, detail=detail
        ) from error
    if not isinstance(data, dict):
        raise MalformedRecordError(
            "a notice line must be a JSON object", code=ReasonCode.not_an_object
        )
    if isinstance(data.get("buyer"), str):
        data["buyer"] = {"name": data["buyer"]}
    if "lang" in data and "language" not in data:
        data["language"] = data.pop("lang")
    try:
        notice = Notice.model_validate(data)
    except ValidationError as error:
        detail = _first_error(error)
        raise MalformedRecordError(
            detail, code=ReasonCode.invalid_notice, notice=str(data.get("id", "")), detail=detail
        ) from error
    if not notice.source:
        notice.source = notice.id.split(":", 1)[0]
    if not notice.sources:
        notice.sources = [notice.id]
    kind = RecordKind.award if notice.status == NoticeStatus.awarded else RecordKind.notice
    return ParsedRecord(kind=kind, notice=notice, raw=line, raw_format="notice-json")
