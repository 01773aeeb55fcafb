"""DECP (données essentielles de la commande publique): awarded contracts.

Awarded contracts are never opportunities; they are kept as award records for
buyer insights (which CPV codes a buyer awards, to whom). Two formats exist
(``shared/DATA-FORMATS.md`` §3): 2019 ``{"marches": [...]}`` with a flat
``acheteur.id`` key, and 2022 ``{"marches": {"marche": [...]}}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from ingest.errors import MalformedRecordError, ReasonCode
from ingest.normalise.dates import parse_date
from models.notice import Buyer, Notice, NoticeStatus, ParsedRecord, RecordKind
from models.vocabulary.cpv import normalise_cpv_list
from models.vocabulary.places import department_from_postcode
from models.vocabulary.text import clean_line, clean_text


def iter_decp_contracts(payload: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every contract of a DECP file, in either format."""
    marches = payload.get("marches")
    if isinstance(marches, Mapping):
        marches = marches.get("marche", [])
    yield from marches or []


def _buyer_siret(contract: Mapping[str, Any]) -> str:
    buyer = contract.get("acheteur")
    value = buyer.get("id") if isinstance(buyer, Mapping) else contract.get("acheteur.id")
    return str(value or "").strip()


def parse_decp_contract(contract: Mapping[str, Any]) -> ParsedRecord:
    """One awarded contract as an award record (id ``decp:<buyer SIRET + id>``)."""
    raw = json.dumps(contract, ensure_ascii=False)
    siret = _buyer_siret(contract)
    own_id = str(contract.get("id") or "").strip()
    title = clean_line(contract.get("objet"))
    if not own_id or not title:
        raise MalformedRecordError(
            "DECP contract without id or objet", code=ReasonCode.no_identifier, source="DECP"
        )
    uid = str(contract.get("uid") or f"{siret}{own_id}")
    place = contract.get("lieuExecution") or {}
    department = department_from_postcode(place.get("code")) if isinstance(place, Mapping) else None
    try:
        notice = Notice(
            id=f"decp:{uid.replace(' ', '')}",
            source="decp",
            sources=[f"decp:{uid.replace(' ', '')}"],
            language="fr",
            title=title,
            description=clean_text(contract.get("objet")),
            buyer=Buyer(id=siret or None),
            cpv=normalise_cpv_list([contract.get("codeCPV")]),
            published=parse_date(str(contract.get("dateNotification") or "")),
            place=[department] if department else [],
            status=NoticeStatus.awarded,
        )
    except (ValidationError, ValueError) as error:
        raise MalformedRecordError(
            f"DECP contract {own_id}: {error}",
            code=ReasonCode.invalid_notice,
            notice=f"decp:{own_id}",
            detail=str(error),
        ) from error
    return ParsedRecord(kind=RecordKind.award, notice=notice, raw=raw, raw_format="decp-contract")
