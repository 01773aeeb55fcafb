"""Parse one eForms notice, the XML that TED publishes, into a ParsedRecord.

What a notice means for the store is decided by ``cbc:NoticeTypeCode`` and the
``efac:Changes`` extension (``shared/DATA-FORMATS.md``, "TED" and "Pitfalls"):

- ``cn-*``, ``pin-cfc-*``, ``qu-sy``, ``subco``: ``notice``, status ``open``.
- ``can-*``, ``veat``, ``compl``: ``award``, status ``awarded``.
- ``pin-only``, ``pin-buyer``, ``pin-rtl``, ``pin-tran``: ``notice`` with status
  ``planned``. A prior information notice that is not a call for competition
  accepts no tenders: it is an early warning that a call is announced, never an
  open call, so open-only filters and matching leave it out. Its Parts
  (``cbc:ID schemeName="Part"``) are kept as lots, with their CPV codes and places.
- any notice carrying ``efac:Changes`` is a change notice: ``corrigendum``, or
  ``cancellation`` (status ``cancelled``) when a change reason is ``cancel``.
  eForms names the changed notice only by its UUID (``ChangedNoticeIdentifier``,
  ``<uuid>-<version>``), so ``parent_ids`` holds ``ted-uuid:<uuid>`` for the
  store to resolve; every record names its own UUID the same way in ``aliases``.

Texts come in the notice language (``cbc:NoticeLanguageCode``), else in the
first language given. Deadlines keep their kind (:mod:`ingest.parse.eforms_facts`);
``deadline`` is the one that gates a member's next action
(:func:`models.notice.gating_deadline`), per lot and for the notice, and
``deadlines`` keeps all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from pydantic import ValidationError

from ingest.errors import MalformedRecordError, NotProcurementError, ReasonCode
from ingest.normalise.dates import parse_date
from ingest.parse.eforms_facts import (
    buyer_companies,
    buyer_of,
    deadlines,
    estimated_value,
    total_value,
)
from ingest.parse.eforms_xml import EXTENSION, NS, Element, all_at, clean, pick, text_at
from models.notice import (
    AwardCriterion,
    Deadline,
    DeadlineKind,
    Lot,
    Nature,
    Notice,
    NoticeStatus,
    ParsedRecord,
    RecordKind,
    gating_deadline,
)
from models.vocabulary.cpv import normalise_cpv_list
from models.vocabulary.places import normalise_places
from models.vocabulary.text import clean_line, clean_text

ROOTS = frozenset({"ContractNotice", "ContractAwardNotice", "PriorInformationNotice"})
TED_NOTICE_URL = "https://ted.europa.eu/en/notice/-/detail/{}"

# EU language codes (ISO 639-2/B, as eForms and the TED API write them) to ISO 639-1.
LANGUAGES = {
    "BUL": "bg", "CES": "cs", "DAN": "da", "DEU": "de", "ELL": "el", "ENG": "en",
    "EST": "et", "FIN": "fi", "FRA": "fr", "GLE": "ga", "HRV": "hr", "HUN": "hu",
    "ITA": "it", "LAV": "lv", "LIT": "lt", "MLT": "mt", "NLD": "nl", "POL": "pl",
    "POR": "pt", "RON": "ro", "SLK": "sk", "SLV": "sl", "SPA": "es", "SWE": "sv",
    "NOR": "no", "ISL": "is",
}  # fmt: skip
# ISO 3166 alpha-3 to the NUTS level-0 code (Greece is EL, the United Kingdom UK).
NUTS_COUNTRIES = {
    "AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ",
    "DNK": "DK", "EST": "EE", "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "EL",
    "HUN": "HU", "IRL": "IE", "ITA": "IT", "LVA": "LV", "LTU": "LT", "LUX": "LU",
    "MLT": "MT", "NLD": "NL", "POL": "PL", "PRT": "PT", "ROU": "RO", "SVK": "SK",
    "SVN": "SI", "ESP": "ES", "SWE": "SE", "ISL": "IS", "LIE": "LI", "NOR": "NO",
    "CHE": "CH", "GBR": "UK", "MNE": "ME", "MKD": "MK", "ALB": "AL", "SRB": "RS",
    "TUR": "TR",
}  # fmt: skip
_NATURES = {nature.value: nature for nature in Nature}
_PUBLICATION_NUMBER = re.compile(r"^0*(\d{1,8})-(\d{4})$")
_UUID = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:-\d{2})?$")
_CRITERION_NAME_MAX = 200


@dataclass(frozen=True)
class EformsIdentity:
    """Who a notice is: its UUID shared by all its versions, and its TED publication."""

    uuid: str
    version: int | None
    publication_number: str | None
    notice_type: str
    changed_notice_uuid: str | None = None

    @property
    def notice_id(self) -> str:
        """``ted:<publication number>``, or ``ted:<uuid>`` for an unpublished notice."""
        return f"ted:{self.publication_number or self.uuid}"


def language_code(value: object) -> str | None:
    """ISO 639-1 code of an EU language code (``FRA``/``fra`` → ``fr``), or None."""
    return LANGUAGES.get(str(value or "").strip().upper())


def nuts_country(value: object) -> str | None:
    """NUTS level-0 code of an ISO-3 country (``FRA`` → ``FR``, ``GRC`` → ``EL``), or None."""
    return NUTS_COUNTRIES.get(str(value or "").strip().upper())


def normalise_publication_number(value: object) -> str | None:
    """TED's public form of a publication number: ``00643121-2023`` → ``643121-2023``."""
    match = _PUBLICATION_NUMBER.match(str(value or "").strip())
    return f"{int(match.group(1))}-{match.group(2)}" if match else None


def eforms_identity(data: bytes) -> EformsIdentity:
    """Read only the identity of an eForms notice, so the store can dedupe versions."""
    return _identity(_parse_root(data))


def parse_eforms_xml(data: bytes) -> ParsedRecord:
    """Parse one eForms notice; raise MalformedRecordError with the reason when it can't."""
    root = _parse_root(data)
    identity = _identity(root)
    kind, status = _classify(root, identity)
    notice_language = text_at(root, "cbc:NoticeLanguageCode").upper() or None
    project = root.find("cac:ProcurementProject", NS)
    lot_elements = _lot_elements(root)
    try:
        lots_and_steps = [_lot(el, notice_language) for el in lot_elements]
        steps = deadlines(root.find("cac:TenderingProcess", NS))
    except ValidationError as error:
        raise MalformedRecordError(
            f"{identity.notice_id}: invalid lot: {error}",
            code=ReasonCode.invalid_lot,
            notice=identity.notice_id,
            detail=str(error),
        ) from error
    except ValueError as error:
        raise MalformedRecordError(
            f"{identity.notice_id}: bad date: {error}",
            code=ReasonCode.bad_date,
            notice=identity.notice_id,
            detail=str(error),
        ) from error
    lots = [lot for lot, _ in lots_and_steps]
    steps += [step for _, lot_steps in lots_and_steps for step in lot_steps]

    title, language = pick(all_at(project, "cbc:Name"), notice_language)
    if not title and lots:
        title = lots[0].title
    if not title:
        raise MalformedRecordError(
            f"{identity.notice_id}: no title (cac:ProcurementProject/cbc:Name is empty)",
            code=ReasonCode.no_title,
            notice=identity.notice_id,
        )
    description, _ = pick(all_at(project, "cbc:Description"), notice_language)
    if not description and len(lots) == 1:
        description = lots[0].description
    criteria = (
        lots[0].criteria if lots and all(x.criteria == lots[0].criteria for x in lots) else []
    )
    location_parents = [project, *(el.find("cac:ProcurementProject", NS) for el in lot_elements)]
    companies = buyer_companies(root)
    buyers = [buyer_of(company, notice_language) for company in companies]
    cpv_codes = _cpv(project) + [code for lot in lots for code in lot.cpv]
    gating = gating_deadline(steps)
    try:
        notice = Notice(
            id=identity.notice_id,
            title=clean_line(title),
            source="ted",
            sources=[identity.notice_id],
            language=language_code(language or notice_language),
            description=clean_text(description),
            buyer=buyers[0] if buyers else None,
            buyers=buyers,
            cpv=normalise_cpv_list(cpv_codes),
            lots=lots,
            deadline=gating.at if gating else None,
            deadline_kind=gating.kind if gating else None,
            deadlines=_distinct(steps),
            value=estimated_value(project) or total_value([lot.value for lot in lots]),
            published=_published(root),
            place=_places(location_parents, companies[0] if companies else None),
            nature=_NATURES.get(text_at(project, "cbc:ProcurementTypeCode").lower()),
            status=status,
            url=TED_NOTICE_URL.format(identity.publication_number)
            if identity.publication_number
            else None,
            criteria=criteria,
        )
    except ValidationError as error:
        raise MalformedRecordError(
            f"{identity.notice_id}: invalid notice: {error}",
            code=ReasonCode.invalid_notice,
            notice=identity.notice_id,
            detail=str(error),
        ) from error
    parents = [f"ted-uuid:{identity.changed_notice_uuid}"] if identity.changed_notice_uuid else []
    return ParsedRecord(
        kind=kind,
        notice=notice,
        parent_ids=parents,
        aliases=[f"ted-uuid:{identity.uuid}"] if identity.uuid else [],
        raw=data.decode("utf-8-sig", errors="replace"),
        raw_format="eforms-xml",
        version=identity.version,
    )


def _parse_root(data: bytes) -> Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise MalformedRecordError(
            f"eForms XML is not well-formed: {error}",
            code=ReasonCode.malformed_xml,
            detail=str(error),
        ) from error
    name = etree.QName(root)
    expected = f"urn:oasis:names:specification:ubl:schema:xsd:{name.localname}-2"
    if name.localname == "BusinessRegistrationInformationNotice":
        raise NotProcurementError(
            "a business registration notice (EEIG/company register), not a procurement notice",
            kind="business-registration",
        )
    if name.localname not in ROOTS or name.namespace != expected:
        legacy = " (legacy TED XML schema, not eForms)" if name.localname == "TED_EXPORT" else ""
        raise MalformedRecordError(
            f"not an eForms notice: root element {name.text}{legacy}",
            code=ReasonCode.not_eforms,
            root=name.localname,
        )
    return root


def _identity(root: Element) -> EformsIdentity:
    extension = root.find(EXTENSION, NS)
    uuid = text_at(root, "cbc:ID[@schemeName='notice-id']") or text_at(root, "cbc:ID")
    publication = normalise_publication_number(
        text_at(extension, "efac:Publication/efbc:NoticePublicationID")
    )
    if not uuid and not publication:
        raise MalformedRecordError(
            "incomplete eForms notice: it has neither a notice identifier (cbc:ID) "
            "nor a publication number, so it cannot be told apart from any other",
            code=ReasonCode.no_identifier,
            source="eForms",
        )
    version = text_at(root, "cbc:VersionID")
    changed = _UUID.match(text_at(extension, "efac:Changes/efbc:ChangedNoticeIdentifier").lower())
    return EformsIdentity(
        uuid=uuid,
        version=int(version) if version.isdigit() else None,
        publication_number=publication,
        notice_type=text_at(root, "cbc:NoticeTypeCode").lower(),
        changed_notice_uuid=changed.group(1) if changed else None,
    )


def _classify(root: Element, identity: EformsIdentity) -> tuple[RecordKind, NoticeStatus]:
    code = identity.notice_type
    root_name = etree.QName(root).localname
    if code.startswith("brin-"):
        raise NotProcurementError(
            f"{identity.notice_id}: {code} is a business registration notice, "
            "not a procurement notice",
            kind="business-registration",
        )
    if code.startswith("can-") or code in {"veat", "compl"}:
        kind, status = RecordKind.award, NoticeStatus.awarded
    elif code.startswith("pin-") and not code.startswith("pin-cfc"):
        kind, status = RecordKind.notice, NoticeStatus.planned
    elif code.startswith(("cn-", "pin-cfc")) or code in {"qu-sy", "subco"}:
        kind, status = RecordKind.notice, NoticeStatus.open
    elif root_name == "ContractAwardNotice":
        kind, status = RecordKind.award, NoticeStatus.awarded
    elif root_name == "PriorInformationNotice":
        kind, status = RecordKind.notice, NoticeStatus.planned
    else:
        kind, status = RecordKind.notice, NoticeStatus.open
    changes = root.find(f"{EXTENSION}/efac:Changes", NS)
    if changes is None:
        return kind, status
    reasons = {clean(el).lower() for el in changes.findall("efac:ChangeReason/cbc:ReasonCode", NS)}
    if "cancel" in reasons:
        return RecordKind.cancellation, NoticeStatus.cancelled
    return RecordKind.corrigendum, status


def _lot(el: Element, language: str | None) -> tuple[Lot, list[Deadline]]:
    """One lot (or PIN part) and every dated step it names."""
    project = el.find("cac:ProcurementProject", NS)
    title, _ = pick(all_at(project, "cbc:Name"), language)
    description, _ = pick(all_at(project, "cbc:Description"), language)
    steps = deadlines(el.find("cac:TenderingProcess", NS))
    gating = gating_deadline(steps)
    lot = Lot(
        id=text_at(el, "cbc:ID"),
        title=clean_line(title),
        description=clean_text(description),
        cpv=normalise_cpv_list(_cpv(project)),
        deadline=gating.at if gating else None,
        deadline_kind=gating.kind if gating else None,
        criteria=_criteria(el.find("cac:TenderingTerms", NS), language),
        value=estimated_value(project),
    )
    return lot, steps


def _distinct(steps: list[Deadline]) -> list[Deadline]:
    """Each (kind, date) once, in procedure order then by date."""
    unique = {(step.kind, step.at): step for step in steps}
    order = list(DeadlineKind)
    return sorted(unique.values(), key=lambda d: (order.index(d.kind), d.at))


def _criteria(terms: Element | None, language: str | None) -> list[AwardCriterion]:
    path = "cac:AwardingTerms/cac:AwardingCriterion/cac:SubordinateAwardingCriterion"
    criteria = []
    for sub in all_at(terms, path):
        name = clean_line(pick(all_at(sub, "cbc:Name"), language)[0])
        if not name:
            # Many real notices give only a free-text description (547670-2023).
            name = _shorten(clean_line(pick(all_at(sub, "cbc:Description"), language)[0]))
        name = name or text_at(sub, "cbc:AwardingCriterionTypeCode")
        if name:
            criteria.append(AwardCriterion(name=name, weight=_weight(sub)))
    return criteria


def _weight(criterion: Element) -> float | None:
    for parameter in criterion.findall(f"{EXTENSION}/efac:AwardCriterionParameter", NS):
        code = parameter.find("efbc:ParameterCode", NS)
        # "ord-imp" is a rank, not a weight; fixed and threshold numbers are not weights.
        if code is None or code.get("listName") != "number-weight" or clean(code) == "ord-imp":
            continue
        try:
            return float(text_at(parameter, "efbc:ParameterNumeric"))
        except ValueError:
            return None
    return None


def _cpv(project: Element | None) -> list[str]:
    paths = (
        "cac:MainCommodityClassification/cbc:ItemClassificationCode",
        "cac:AdditionalCommodityClassification/cbc:ItemClassificationCode",
    )
    return [
        clean(el)
        for path in paths
        for el in all_at(project, path)
        if el.get("listName", "cpv") == "cpv"
    ]


def _places(projects: Iterable[Element | None], buyer: Element | None) -> list[str]:
    """NUTS codes then countries of the places of performance, else of the buyer's address.

    Some real notices give no place of performance at all (309890-2023,
    622691-2023); the buyer's region is then the best regional hint.
    """
    addresses = [a for p in projects for a in all_at(p, "cac:RealizedLocation/cac:Address")]
    if not any(
        text_at(a, "cbc:CountrySubentityCode") or text_at(a, "cac:Country/cbc:IdentificationCode")
        for a in addresses
    ):
        addresses = all_at(buyer, "cac:PostalAddress")
    nuts = [clean(el) for a in addresses for el in a.findall("cbc:CountrySubentityCode", NS)]
    countries = [nuts_country(text_at(a, "cac:Country/cbc:IdentificationCode")) for a in addresses]
    return normalise_places([*nuts, *(c for c in countries if c)])


def _published(root: Element) -> date | None:
    published = text_at(root, f"{EXTENSION}/efac:Publication/efbc:PublicationDate")
    return parse_date(published or text_at(root, "cbc:IssueDate"))


def _lot_elements(root: Element) -> list[Element]:
    """The lots; a prior information notice without lots describes its Parts instead."""
    candidates = root.findall("cac:ProcurementProjectLot", NS)
    lots = [el for el in candidates if _has_id(el, "Lot")]
    return lots or [el for el in candidates if _has_id(el, "Part")]


def _has_id(el: Element, scheme: str) -> bool:
    lot_id = el.find("cbc:ID", NS)
    return lot_id is not None and lot_id.get("schemeName") == scheme and bool(clean(lot_id))


def _shorten(text: str) -> str:
    if len(text) <= _CRITERION_NAME_MAX:
        return text
    return text[:_CRITERION_NAME_MAX].rsplit(" ", 1)[0] + "…"
