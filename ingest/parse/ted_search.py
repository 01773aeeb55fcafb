"""Parse one TED Search API v3 result item when no eForms XML is available.

An item is flat (``shared/DATA-FORMATS.md``, "TED"): ``notice-title``,
``buyer-name`` and the descriptions are multilingual objects (``{"fra": ["…"]}``)
or plain strings; French is preferred, then English, then any language. Per-lot
arrays (CPV, deadlines) cannot be zipped reliably, so the item gives no lots;
the notice deadline is the latest lot deadline. ``place-of-performance`` mixes
NUTS codes with ISO-3 countries: countries become NUTS level-0 codes (``FRA`` →
``FR``; ``FRA`` is also a NUTS-1 code, overseas France, but the API means the
country). Without it, ``buyer-country`` stands in.

TED prefixes ``notice-title`` with the country and the main CPV label
(``France – Services de conseil en informatique – Audit du SI``). The prefix is
removed only when it is obvious: at least three `` – ``-separated parts whose
second part is a CPV label (French or English, compared folded).

Notice types are classified as in :mod:`ingest.parse.eforms`; legacy ``corr``
and a ``change-notice-version-identifier`` make a corrigendum.

Fields requested by their alias names (``TI``, ``ND``, ``AU``, … as the API
returns them when asked so) are read as the full names (:data:`FIELD_ALIASES`).
The notice's language is its own, the language its original text is written in:
the original-language field when given, else the title's when it has only one,
else the one language of the buyer's name (TED does not translate names), else
the title's; the title itself prefers
the French variant because TED translates only its ``Country – CPV –`` prefix.
The value is the estimated value of the procedure (``estimated-value-proc``),
else ``total-value``, with its currency.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

from pydantic import ValidationError

from ingest.errors import MalformedRecordError, ReasonCode
from ingest.normalise.dates import combine_date_time, parse_aware_datetime, parse_date
from ingest.parse.eforms import (
    NUTS_COUNTRIES,
    TED_NOTICE_URL,
    language_code,
    normalise_publication_number,
    nuts_country,
)
from models.notice import (
    Buyer,
    Deadline,
    DeadlineKind,
    Money,
    Nature,
    Notice,
    NoticeStatus,
    ParsedRecord,
    RecordKind,
)
from models.vocabulary.cpv import cpv_labels, normalise_cpv_list
from models.vocabulary.places import normalise_places
from models.vocabulary.text import as_list, clean_line, clean_text, fold
from models.vocabulary.time import PARIS

PREFERRED_LANGUAGES = ("fra", "eng")
FIELD_ALIASES = {
    "TI": "notice-title",
    "ND": "publication-number",
    "AU": "buyer-name",
    "organisation-name-buyer": "buyer-name",
    "CY": "buyer-country",
    "PC": "classification-cpv",
    "RC": "place-of-performance",
    "NC": "contract-nature",
    "OL": "notice-language",
    "DT": "deadline-receipt-tender-date-lot",
}
"""TED Search alias → full field name (``PD`` is read by :func:`_published` itself)."""
_TITLE_SEPARATOR = " – "
_UUID_LENGTH = 36
_NUTS0 = frozenset(NUTS_COUNTRIES.values())


def iter_ted_search_response(payload: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Each result item of a Search API response (``{"notices": [...], ...}``)."""
    for item in as_list(payload.get("notices")):
        if isinstance(item, Mapping):
            yield item


def parse_ted_search_notice(item: Mapping[str, Any]) -> ParsedRecord:
    """Parse one search result item; raise MalformedRecordError with the reason when it can't."""
    raw = json.dumps(item, ensure_ascii=False)
    item = with_full_names(item)
    publication = normalise_publication_number(_first(item.get("publication-number")))
    if not publication:
        raise MalformedRecordError(
            f"TED item without a publication number: {_keys(item)}",
            code=ReasonCode.no_identifier,
            source="TED",
        )
    notice_id = f"ted:{publication}"
    titles, language = _pick_language(item.get("notice-title"))
    title = strip_title_prefix(clean_line(titles[0])) if titles else ""
    if not title:
        raise MalformedRecordError(
            f"{notice_id}: no notice-title in the search item",
            code=ReasonCode.no_title,
            notice=notice_id,
        )
    descriptions, _ = _pick_language(item.get("description-proc"))
    if not descriptions:
        lot_descriptions, _ = _pick_language(item.get("description-lot"))
        descriptions = lot_descriptions if len(lot_descriptions) == 1 else []
    buyers, buyer_language = _pick_language(item.get("buyer-name"))
    buyer_name = clean_line(buyers[0]) if buyers else ""
    kind, status, parents = _classify(item)
    try:
        deadline = _deadline(item)
    except ValueError as error:
        raise MalformedRecordError(
            f"{notice_id}: invalid search item: {error}",
            code=ReasonCode.invalid_notice,
            notice=notice_id,
            detail=str(error),
        ) from error
    try:
        notice = Notice(
            id=notice_id,
            title=title,
            source="ted",
            sources=[notice_id],
            language=_original_language(item, buyer_language, language),
            description="\n".join(descriptions),
            buyer=Buyer(name=buyer_name) if buyer_name else None,
            cpv=normalise_cpv_list(as_list(item.get("classification-cpv"))),
            deadline=deadline,
            deadline_kind=DeadlineKind.tenders if deadline else None,
            deadlines=[Deadline(kind=DeadlineKind.tenders, at=deadline)] if deadline else [],
            value=_value(item),
            published=_published(item),
            place=_places(item),
            nature=_nature(item.get("contract-nature")),
            status=status,
            url=TED_NOTICE_URL.format(publication),
        )
    except (ValidationError, ValueError) as error:
        raise MalformedRecordError(
            f"{notice_id}: invalid search item: {error}",
            code=ReasonCode.invalid_notice,
            notice=notice_id,
            detail=str(error),
        ) from error
    return ParsedRecord(
        kind=kind,
        notice=notice,
        parent_ids=parents,
        aliases=_aliases(item),
        raw=raw,
        raw_format="ted-search-item",
    )


def with_full_names(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item with alias field names renamed to the full ones (a full name present wins)."""
    renamed = {FIELD_ALIASES.get(str(key), str(key)): value for key, value in item.items()}
    return {**renamed, **{k: v for k, v in item.items() if k in FIELD_ALIASES.values()}}


def _original_language(
    item: Mapping[str, Any], buyer_language: str | None, title_language: str | None
) -> str | None:
    """The language of the original text (see the module notes), as ISO 639-1."""
    declared = language_code(_first(item.get("notice-language")))
    if declared:
        return declared
    titles = item.get("notice-title")
    if isinstance(titles, Mapping) and len(titles) == 1:
        return language_code(title_language)
    names = item.get("buyer-name")
    if isinstance(names, Mapping) and len(names) == 1 and buyer_language:
        return language_code(buyer_language)
    return language_code(title_language)


def _value(item: Mapping[str, Any]) -> Money | None:
    for amount_field, currency_field in (
        ("estimated-value-proc", "estimated-value-cur-proc"),
        ("total-value", "total-value-cur"),
    ):
        amount = _first(item.get(amount_field))
        if isinstance(amount, int | float | str) and str(amount).strip():
            currency = str(_first(item.get(currency_field)) or "EUR").strip().upper()
            try:
                return Money(amount=float(amount), currency=currency)
            except (ValueError, ValidationError):
                return None
    return None


def strip_title_prefix(title: str) -> str:
    """Drop TED's ``Country – CPV label – `` prefix when the CPV label is recognised."""
    parts = title.split(_TITLE_SEPARATOR, 2)
    if len(parts) == 3 and parts[2].strip() and fold(parts[1]) in _folded_cpv_labels():
        return parts[2].strip()
    return title


@cache
def _folded_cpv_labels() -> frozenset[str]:
    labels = cpv_labels().values()
    return frozenset(fold(label.fr) for label in labels) | {fold(label.en) for label in labels}


def _classify(item: Mapping[str, Any]) -> tuple[RecordKind, NoticeStatus, list[str]]:
    code = str(_first(item.get("notice-type")) or "").strip().lower()
    changed = str(_first(item.get("change-notice-version-identifier")) or "").strip().lower()
    parents = [f"ted-uuid:{changed[:_UUID_LENGTH]}"] if len(changed) >= _UUID_LENGTH else []
    if code.startswith("can-") or code in {"veat", "compl"}:
        kind, status = RecordKind.award, NoticeStatus.awarded
    elif code.startswith("pin-") and not code.startswith("pin-cfc"):
        kind, status = RecordKind.notice, NoticeStatus.planned
    else:
        kind, status = RecordKind.notice, NoticeStatus.open
    if code == "corr" or parents:
        kind = RecordKind.corrigendum
    return kind, status, parents


def _aliases(item: Mapping[str, Any]) -> list[str]:
    """``ted-uuid:<notice-identifier>``, the UUID every version of the notice shares."""
    uuid = str(_first(item.get("notice-identifier")) or "").strip().lower()
    return [f"ted-uuid:{uuid}"] if uuid else []


def _pick_language(value: Any) -> tuple[list[str], str | None]:
    """Texts of a multilingual value: French, then English, then the first language."""
    if isinstance(value, Mapping):
        keys = [k for k in PREFERRED_LANGUAGES if k in value]
        keys += [k for k in value if k not in PREFERRED_LANGUAGES]
        for key in keys:
            texts = _values(value[key])
            if texts:
                return texts, str(key)
        return [], None
    return _values(value), None


def _values(value: Any) -> list[str]:
    texts = [clean_text(v) for v in as_list(value)]
    return list(dict.fromkeys(t for t in texts if t))


def _deadline(item: Mapping[str, Any]) -> datetime | None:
    days = [str(v) for v in as_list(item.get("deadline-receipt-tender-date-lot")) if v]
    times = [str(v) for v in as_list(item.get("deadline-receipt-tender-time-lot")) if v]
    if len(times) != len(days):
        # Unzippable arrays: keep the dates, each read as the end of its day.
        times = []
    candidates = [combine_date_time(day, times[i] if times else None) for i, day in enumerate(days)]
    return max((c for c in candidates if c), default=None)


def _published(item: Mapping[str, Any]) -> date | None:
    value = str(_first(item.get("publication-date")) or "")
    if value:
        return parse_date(value)
    # The legacy "PD" is midnight Brussels time written in UTC (2022-02-06T23:00:00Z).
    legacy = str(_first(item.get("PD")) or "")
    moment = parse_aware_datetime(legacy) if "T" in legacy else None
    return moment.astimezone(PARIS).date() if moment else parse_date(legacy)


def _places(item: Mapping[str, Any]) -> list[str]:
    """NUTS codes first, then countries as NUTS level-0 codes; unknown codes are dropped."""
    values = as_list(item.get("place-of-performance")) or as_list(item.get("buyer-country"))
    texts = [str(v).strip().upper() for v in values if v]
    countries = [nuts_country(t) for t in texts]
    nuts = [t for t, c in zip(texts, countries, strict=True) if not c and t[:2] in _NUTS0]
    return normalise_places([*nuts, *(c for c in countries if c)])


def _nature(value: Any) -> Nature | None:
    text = str(_first(value) or "").strip().lower()
    return Nature(text) if text in Nature.__members__ else None


def _first(value: Any) -> Any:
    """The first scalar of a one-or-many or multilingual value."""
    if isinstance(value, Mapping):
        value = next(iter(value.values()), None)
    values = as_list(value)
    return values[0] if values else None


def _keys(item: Mapping[str, Any]) -> str:
    return ", ".join(sorted(str(k) for k in item)) or "no fields"
