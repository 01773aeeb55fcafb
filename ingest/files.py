"""``cotender ingest-file``: read any supported payload file, format auto-detected.

Supported: BOAMP API responses (Explore v2.1 ``{"results": [...]}``, v2.0
``{"records": [{"record": {"fields": ...}}]}``) and exports (a JSON list or
JSON lines of flat records), one BOAMP notice in the DILA API shape, TED
Search API responses (``{"notices": [...]}``), eForms XML notices, DECP
contract files (``{"marches": ...}``) and notice JSON lines. Detection looks
at content, not only at the file name, because exports are often renamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ingest.errors import ReasonCode, UnknownFormatError
from ingest.parse.boamp import parse_boamp_record
from ingest.parse.boamp_dila import is_dila_notice, parse_dila_notice
from ingest.parse.decp import iter_decp_contracts, parse_decp_contract
from ingest.parse.eforms import parse_eforms_xml
from ingest.parse.notice_json import parse_notice_json_line
from ingest.parse.ted_search import iter_ted_search_response, parse_ted_search_notice
from ingest.records import Quarantined, RecordResult, parse_or_quarantine


def _dump(item: object) -> str:
    return json.dumps(item, ensure_ascii=False)


def _boamp_fields(item: Mapping[str, Any]) -> Mapping[str, Any]:
    inner = item.get("record", item)
    return inner.get("fields", inner) if isinstance(inner, Mapping) else item


def _is_boamp(item: object) -> bool:
    return isinstance(item, Mapping) and "idweb" in _boamp_fields(item)


def _read_boamp(items: list[Any], path: Path) -> Iterator[RecordResult]:
    for position, item in enumerate(items, start=1):
        ref = f"{path.name}#{position}"
        if isinstance(item, Mapping):
            ref = f"{path.name}#{_boamp_fields(item).get('idweb', position)}"
        yield parse_or_quarantine(
            parse_boamp_record, item, source="boamp", record_ref=ref, raw=_dump(item)
        )


def _read_json_document(payload: Any, path: Path) -> Iterator[RecordResult]:
    if is_dila_notice(payload):
        ref = f"{path.name}#{payload['gestion']['reference']['idweb']}"
        yield parse_or_quarantine(
            parse_dila_notice, payload, source="boamp", record_ref=ref, raw=_dump(payload)
        )
        return
    if isinstance(payload, Mapping):
        if isinstance(payload.get("results"), list):
            yield from _read_boamp(payload["results"], path)
            return
        if isinstance(payload.get("records"), list):
            yield from _read_boamp(payload["records"], path)
            return
        if isinstance(payload.get("notices"), list):
            for position, item in enumerate(iter_ted_search_response(payload), start=1):
                ref = f"{path.name}#{item.get('publication-number', position)}"
                yield parse_or_quarantine(
                    parse_ted_search_notice, item, source="ted", record_ref=ref, raw=_dump(item)
                )
            return
        if "marches" in payload:
            for position, contract in enumerate(iter_decp_contracts(payload), start=1):
                ref = f"{path.name}#{contract.get('id', position)}"
                yield parse_or_quarantine(
                    parse_decp_contract,
                    contract,
                    source="decp",
                    record_ref=ref,
                    raw=_dump(contract),
                )
            return
    if isinstance(payload, list) and payload and all(_is_boamp(item) for item in payload):
        yield from _read_boamp(payload, path)
        return
    raise UnknownFormatError(
        f"{path.name}: JSON that is neither a BOAMP (Opendatasoft or DILA), TED search "
        "nor DECP payload"
    )


def _read_json_lines(text: str, path: Path) -> Iterator[RecordResult]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        ref = f"{path.name}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            reason = f"line {number}: invalid JSON: {error.msg}"
            yield Quarantined(
                source="file",
                record_ref=ref,
                reason=reason,
                raw=line,
                code=ReasonCode.invalid_json,
                params={"detail": f"line {number}: {error.msg}"},
            )
            continue
        if _is_boamp(item):
            yield parse_or_quarantine(
                parse_boamp_record, item, source="boamp", record_ref=ref, raw=line
            )
        else:
            yield parse_or_quarantine(
                parse_notice_json_line, line, source="file", record_ref=ref, raw=line
            )


def read_file(path: Path) -> Iterator[RecordResult]:
    """Every record of ``path``; raises UnknownFormatError for unsupported files."""
    data = path.read_bytes()
    if not data.strip():
        raise UnknownFormatError(f"{path.name}: the file is empty, it holds no record")
    head = data.lstrip()[:200]
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        yield parse_or_quarantine(
            parse_eforms_xml,
            data,
            source="ted",
            record_ref=path.name,
            raw=data.decode("utf-8", "replace"),
        )
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnknownFormatError(f"{path.name}: not UTF-8 text ({error.reason})") from error
    if path.suffix == ".jsonl":
        yield from _read_json_lines(text, path)
        return
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        if text.lstrip().startswith("{") and "\n" in text.strip():
            yield from _read_json_lines(text, path)
            return
        raise UnknownFormatError(f"{path.name}: neither JSON, JSON lines nor XML") from None
    yield from _read_json_document(payload, path)


def reparse(source: str, raw: str, record_ref: str) -> RecordResult:
    """Parse one kept raw record again with the current code (``cotender quarantine retry``)."""
    if raw.lstrip().startswith("<"):
        data = raw.encode()
        return parse_or_quarantine(
            parse_eforms_xml, data, source=source, record_ref=record_ref, raw=raw
        )
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as error:
        reason = f"the kept record is not valid JSON: {error.msg}"
        return Quarantined(
            source=source,
            record_ref=record_ref,
            reason=reason,
            raw=raw,
            code=ReasonCode.invalid_json,
            params={"detail": error.msg},
        )
    parse: Any = parse_notice_json_line
    value: Any = raw
    if is_dila_notice(item):
        parse, value = parse_dila_notice, item
    elif _is_boamp(item):
        parse, value = parse_boamp_record, item
    elif source == "ted" and isinstance(item, Mapping):
        parse, value = parse_ted_search_notice, item
    elif source == "decp" and isinstance(item, Mapping):
        parse, value = parse_decp_contract, item
    return parse_or_quarantine(parse, value, source=source, record_ref=record_ref, raw=raw)
