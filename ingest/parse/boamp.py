"""BOAMP records (Opendatasoft ``boamp`` dataset) → :class:`~models.notice.ParsedRecord`.

One record is a flat object (Explore v2.1 ``results[]``; the v2.0 wrappers
``{"record": {"fields": …}}`` and ``{"fields": …}`` are accepted too) whose
``gestion`` and ``donnees`` fields are JSON strings. ``donnees`` is read by
:mod:`ingest.parse.boamp_donnees`, by the keys it has; what it lacks comes from
``gestion`` and then from the flat fields.

Deadlines are Paris wall-clock time: ``gestion.INDEXATION.DATE_LIMITE_REPONSE``
first, then ``donnees``, and the flat ``datelimitereponse`` last, because it
labels local time as UTC (``shared/DATA-FORMATS.md``, "Pitfalls").

What the record means comes from ``nature``/``etat``/``nature_categorise``:
an annulation is a cancellation, a rectificatif or modification a corrigendum,
an attribution/résultat (or a ``titulaire``) an award, anything else a notice.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, time
from typing import Any

from pydantic import ValidationError

from ingest.errors import MalformedRecordError, ReasonCode
from ingest.normalise.dates import parse_date
from ingest.parse.boamp_donnees import read_donnees
from ingest.parse.boamp_values import DonneesFacts, local_datetime, nature_of
from models.notice import (
    Buyer,
    Deadline,
    DeadlineKind,
    Notice,
    NoticeStatus,
    ParsedRecord,
    RecordKind,
)
from models.vocabulary.places import normalise_department, normalise_places
from models.vocabulary.text import as_list, clean_line, clean_text, fold

logger = logging.getLogger(__name__)

RAW_FORMAT = "boamp-record"
_IDWEB = re.compile(r"^(?:\d{2}-\d{3,}|[A-Z]{3}\d{2}[0-9A-Z]{6,})$")


def parse_boamp_record(record: Mapping[str, Any]) -> ParsedRecord:
    """Parse one BOAMP record; raise MalformedRecordError when it cannot be used."""
    fields = _unwrap(record)
    idweb = clean_line(fields.get("idweb"))
    gestion = _json_field(fields, "gestion")
    donnees = _json_field(fields, "donnees")
    idweb = idweb or clean_line(_dig(gestion, "REFERENCE", "IDWEB"))
    if not idweb:
        raise MalformedRecordError(
            "no idweb: the record has no BOAMP identifier",
            code=ReasonCode.no_identifier,
            source="BOAMP",
        )
    if re.search(r"\s", idweb):
        raise MalformedRecordError(
            f"idweb {idweb!r} contains whitespace",
            code=ReasonCode.bad_identifier,
            identifier=idweb,
        )
    facts = read_donnees(donnees)
    if donnees and facts.family == "unknown":
        logger.debug("unknown donnees shape, flat fields only", extra={"idweb": idweb})
    index = _dig(gestion, "INDEXATION")
    kind, status = _kind_and_status(fields, gestion, facts)
    notice_id = f"boamp:{idweb}"
    title = next(
        (t for t in (clean_line(fields.get("objet")), facts.title) if t),
        clean_line(_dig(index, "RESUME_OBJET")),
    )
    if not title:
        raise MalformedRecordError(
            f"{notice_id}: no title (objet, donnees and gestion are empty)",
            code=ReasonCode.no_title,
            notice=notice_id,
        )
    deadline = _deadline(_dig(index, "DATE_LIMITE_REPONSE"), facts, fields)
    try:
        notice = Notice(
            id=notice_id,
            title=title,
            source="boamp",
            sources=[notice_id],
            language="fr",
            description=facts.description or clean_text(_dig(index, "RESUME_OBJET")),
            buyer=_buyer(fields, facts),
            cpv=_all_cpv(facts),
            lots=facts.lots,
            deadline=deadline,
            deadline_kind=DeadlineKind.tenders if deadline else None,
            deadlines=[Deadline(kind=DeadlineKind.tenders, at=deadline)] if deadline else [],
            value=facts.value,
            published=_published(fields, index),
            place=_places(fields, index, facts),
            nature=nature_of(as_list(fields.get("type_marche")))
            or facts.nature
            or nature_of(_keys(_dig(index, "NATURE_MARCHE"))),
            status=status,
            url=clean_line(fields.get("url_avis"))
            or f"https://www.boamp.fr/pages/avis/?q=idweb:{idweb}",
            criteria=facts.criteria,
        )
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise MalformedRecordError(
            f"{notice_id}: invalid notice ({problems})",
            code=ReasonCode.invalid_notice,
            notice=notice_id,
            detail=problems,
        ) from error
    parents = [] if kind is RecordKind.notice else _parent_ids(fields, gestion, facts, idweb)
    return ParsedRecord(
        kind=kind,
        notice=notice,
        parent_ids=parents,
        raw=json.dumps(record, ensure_ascii=False),
        raw_format=RAW_FORMAT,
    )


# --- record shape --------------------------------------------------------------------------


def _unwrap(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """The flat fields, also out of the v2.0 wrappers ``{"record": {"fields": …}}``."""
    if not isinstance(record, Mapping):
        raise MalformedRecordError(
            f"a BOAMP record is a JSON object, not {type(record).__name__}",
            code=ReasonCode.not_an_object,
        )
    inner = record.get("record", record)
    inner = inner if isinstance(inner, Mapping) else record
    fields = inner.get("fields", inner)
    if not isinstance(fields, Mapping):
        raise MalformedRecordError(
            "the record's 'fields' is not a JSON object", code=ReasonCode.not_an_object
        )
    return fields


def _json_field(fields: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """``gestion``/``donnees``: a JSON string holding an object (already decoded is fine)."""
    value = fields.get(name)
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            where = f"{error.msg} (line {error.lineno}, column {error.colno})"
            detail = f"{name}: {where}"
            raise MalformedRecordError(
                f"{name} is not valid JSON: {where}",
                code=ReasonCode.invalid_json,
                detail=detail,
            ) from error
    if not isinstance(value, Mapping):
        raise MalformedRecordError(
            f"{name} is {type(value).__name__}, not a JSON object", code=ReasonCode.not_an_object
        )
    return value


def _dig(node: Any, *path: str) -> Any:
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


def _keys(value: Any) -> list[str]:
    return [str(k) for item in as_list(value) if isinstance(item, Mapping) for k in item]


# --- what the record means ----------------------------------------------------------------


def _kind_and_status(
    fields: Mapping[str, Any], gestion: Mapping[str, Any], facts: DonneesFacts
) -> tuple[RecordKind, NoticeStatus]:
    type_avis = _dig(gestion, "REFERENCE", "TYPE_AVIS")
    words = [
        *(str(fields.get(k) or "") for k in ("nature", "etat", "nature_categorise")),
        *(str(fields.get(k) or "") for k in ("nature_libelle", "nature_categorise_libelle")),
        *_flag_keys(_dig(type_avis, "NATURE")),
        *_flag_keys(_dig(type_avis, "STATUT")),
    ]
    label = " ".join(fold(w).replace(" ", "_") for w in words)
    awarded = facts.is_award or bool(
        re.search(r"attribution|resultat|intention_de_conclure", label)
    )
    awarded = awarded or any(clean_line(t) for t in as_list(fields.get("titulaire")))
    if "annul" in label:
        return RecordKind.cancellation, NoticeStatus.cancelled
    status = NoticeStatus.awarded if awarded else NoticeStatus.open
    if facts.is_change or re.search(r"rectif|modificati", label):
        return RecordKind.corrigendum, status
    if awarded:
        return RecordKind.award, status
    return RecordKind.notice, status


def _flag_keys(value: Any) -> Iterator[str]:
    """Keys of XML flags as JSON, nested ones too: ``{"APPEL_OFFRE": {"STANDARD": ""}}``."""
    for item in as_list(value):
        if isinstance(item, Mapping):
            for key, inner in item.items():
                yield str(key)
                yield from _flag_keys(inner)


def _parent_ids(
    fields: Mapping[str, Any], gestion: Mapping[str, Any], facts: DonneesFacts, idweb: str
) -> list[str]:
    """The earlier notices a record refers to, as ``boamp:<idweb>``.

    ``annonce_lie`` is a list of idwebs; ``annonces_anterieures`` (and the 2006
    ``annonces_anterieures_schema_v110``, objects joined by commas) and
    ``gestion.INDEXATION.AVISLIEE`` carry objects with an ``IDWEB`` key. Only
    ``IDWEB`` values and whole idweb-shaped strings are taken, never a pattern
    searched inside text, where dates such as ``2014-10-15`` look like idwebs.
    """
    found = [t for v in as_list(fields.get("annonce_lie")) for t in _idweb_tokens(v)]
    for name in ("annonces_anterieures", "annonces_anterieures_schema_v110"):
        found += _linked_idwebs(_loose_json(fields.get(name)))
    found += _linked_idwebs(_dig(gestion, "INDEXATION", "AVISLIEE"))
    found += facts.parent_idwebs
    parents = []
    for token in found:
        parent = f"boamp:{token}"
        if token != idweb and parent not in parents:
            parents.append(parent)
    return parents


def _idweb_tokens(value: Any) -> list[str]:
    if not isinstance(value, str):
        return []
    return [t for t in re.split(r"[\s,;]+", value.strip()) if _IDWEB.match(t)]


def _loose_json(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        return value
    for text in (value, f"[{value}]"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            continue
    return value


def _linked_idwebs(node: Any) -> list[str]:
    if isinstance(node, Mapping):
        return [
            token
            for key, value in node.items()
            for token in ([clean_line(value)] if str(key).lower() == "idweb" and value else [])
            + _linked_idwebs(value)
        ]
    if isinstance(node, list):
        return [token for item in node for token in _linked_idwebs(item)]
    return _idweb_tokens(node)


# --- fields --------------------------------------------------------------------------------


def _buyer(fields: Mapping[str, Any], facts: DonneesFacts) -> Buyer | None:
    name = facts.buyer_name or clean_line(fields.get("nomacheteur"))
    if not name and not facts.buyer_id:
        return None
    return Buyer(name=name, id=facts.buyer_id)


def _all_cpv(facts: DonneesFacts) -> list[str]:
    codes = list(facts.cpv)
    for lot in facts.lots:
        codes += [code for code in lot.cpv if code not in codes]
    return codes


def _deadline(indexed: Any, facts: DonneesFacts, fields: Mapping[str, Any]) -> datetime | None:
    """Paris wall-clock deadline: gestion, then donnees, then the flat field.

    A value with a time beats a bare date; a bare date in ``gestion`` only
    gives way to a ``donnees`` time on the same day.
    """
    indexed_at, indexed_has_time = local_datetime(indexed)
    if indexed_at and indexed_has_time:
        return indexed_at
    if facts.deadline and facts.deadline_has_time:
        if indexed_at is None or indexed_at.date() == facts.deadline.date():
            return facts.deadline
    if indexed_at or facts.deadline:
        return indexed_at or facts.deadline
    flat, _ = local_datetime(fields.get("datelimitereponse"))
    if flat and flat.time() == time(0, 0):  # a bare date stored as midnight
        return flat.replace(hour=23, minute=59)
    return flat


def _published(fields: Mapping[str, Any], index: Any) -> Any:
    flat = parse_date(clean_line(fields.get("dateparution")) or None)
    if flat:
        return flat
    indexed, _ = local_datetime(_dig(index, "DATE_PUBLICATION"))
    return indexed.date() if indexed else None


def _places(fields: Mapping[str, Any], index: Any, facts: DonneesFacts) -> list[str]:
    departments = [
        normalise_department(value)
        for name in ("code_departement_prestation", "code_departement")
        for value in as_list(fields.get(name))
    ]
    departments += [normalise_department(v) for v in as_list(_dig(index, "DEP_PUBLICATION"))]
    nuts = [re.sub(r"[^A-Z0-9]", "", str(code).upper()) for code in facts.places]
    nuts = [code for code in nuts if len(code) >= 3 and code != "FRA"]
    return normalise_places([*(d for d in departments if d), *nuts])
