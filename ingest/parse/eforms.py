"""Parse one eForms notice, the XML that TED publishes, into a ParsedRecord.

What a notice means for the store is decided by ``cbc:NoticeTypeCode`` and the
``efac:Changes`` extension (``shared/DATA-FORMATS.md``, "TED" and "Pitfalls"):

- ``cn-*``, ``pin-cfc-*``, ``qu-sy``, ``subco``: ``notice``, status ``open``.
- ``can-*``, ``veat``, ``compl``: ``award``, status ``awarded``.
- ``pin-only``, ``pin-buyer``, ``pin-rtl``, ``pin-tran``: ``notice`` with status
  ``closed``. A prior information notice that is not a call for competition
  accepts no tenders, so it is no opportunity; kept closed, it still tells about
  the buyer, and matching (open notices only) ignores it. No model change needed.
- any notice carrying ``efac:Changes`` is a change notice: ``corrigendum``, or
  ``cancellation`` (status ``cancelled``) when a change reason is ``cancel``.
  eForms names the changed notice only by its UUID (``ChangedNoticeIdentifier``,
  ``<uuid>-<version>``), so ``parent_ids`` holds ``ted-uuid:<uuid>`` for the
  store to resolve; every record names its own UUID the same way in ``aliases``.

Texts come in the notice language (``cbc:NoticeLanguageCode``), else in the
first language given. The deadline is per lot (``TenderSubmissionDeadlinePeriod``,
else ``ParticipationRequestReceptionPeriod`` for restricted procedures and
design contests); the notice deadline is the latest lot deadline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from pydantic import ValidationError

from ingest.errors import MalformedRecordError
from ingest.normalise.dates import combine_date_time, parse_date
from models.notice import (
    AwardCriterion,
    Buyer,
    Lot,
    Nature,
    Notice,
    NoticeStatus,
    ParsedRecord,
    RecordKind,
)
from models.vocabulary.cpv import normalise_cpv_list
from models.vocabulary.places import normalise_places
from models.vocabulary.text import clean_line, clean_text

Element = Any  # lxml ships no type hints
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
ROOTS = frozenset({"ContractNotice", "ContractAwardNotice", "PriorInformationNotice"})
EXTENSION = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"
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
_SIRET = re.compile(r"^\d{14}$")
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
    notice_language = _text(root, "cbc:NoticeLanguageCode").upper() or None
    project = root.find("cac:ProcurementProject", NS)
    lot_elements = [el for el in root.findall("cac:ProcurementProjectLot", NS) if _is_lot(el)]
    try:
        lots = [_lot(el, notice_language) for el in lot_elements]
        procedure_deadline = _deadline(root.find("cac:TenderingProcess", NS))
    except ValidationError as error:
        raise MalformedRecordError(f"{identity.notice_id}: invalid lot: {error}") from error
    except ValueError as error:
        raise MalformedRecordError(f"{identity.notice_id}: bad date: {error}") from error

    title, language = _pick(_all(project, "cbc:Name"), notice_language)
    if not title and lots:
        title = lots[0].title
    if not title:
        raise MalformedRecordError(
            f"{identity.notice_id}: no title (cac:ProcurementProject/cbc:Name is empty)"
        )
    description, _ = _pick(_all(project, "cbc:Description"), notice_language)
    if not description and len(lots) == 1:
        description = lots[0].description
    lot_deadlines = [lot.deadline for lot in lots if lot.deadline]
    criteria = (
        lots[0].criteria if lots and all(x.criteria == lots[0].criteria for x in lots) else []
    )
    location_parents = [project, *(el.find("cac:ProcurementProject", NS) for el in lot_elements)]
    company = _buyer_company(root)
    cpv_codes = _cpv(project) + [code for lot in lots for code in lot.cpv]
    try:
        notice = Notice(
            id=identity.notice_id,
            title=clean_line(title),
            source="ted",
            sources=[identity.notice_id],
            language=language_code(language or notice_language),
            description=clean_text(description),
            buyer=_buyer(company, notice_language),
            cpv=normalise_cpv_list(cpv_codes),
            lots=lots,
            deadline=procedure_deadline or (max(lot_deadlines) if lot_deadlines else None),
            published=_published(root),
            place=_places(location_parents, company),
            nature=_NATURES.get(_text(project, "cbc:ProcurementTypeCode").lower()),
            status=status,
            url=TED_NOTICE_URL.format(identity.publication_number)
            if identity.publication_number
            else None,
            criteria=criteria,
        )
    except ValidationError as error:
        raise MalformedRecordError(f"{identity.notice_id}: invalid notice: {error}") from error
    parents = [f"ted-uuid:{identity.changed_notice_uuid}"] if identity.changed_notice_uuid else []
    return ParsedRecord(
        kind=kind,
        notice=notice,
        parent_ids=parents,
        aliases=[f"ted-uuid:{identity.uuid}"] if identity.uuid else [],
        raw=data.decode("utf-8-sig", errors="replace"),
        raw_format="eforms-xml",
    )


def _parse_root(data: bytes) -> Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise MalformedRecordError(f"eForms XML is not well-formed: {error}") from error
    name = etree.QName(root)
    expected = f"urn:oasis:names:specification:ubl:schema:xsd:{name.localname}-2"
    if name.localname not in ROOTS or name.namespace != expected:
        legacy = " (legacy TED XML schema, not eForms)" if name.localname == "TED_EXPORT" else ""
        raise MalformedRecordError(f"not an eForms notice: root element {name.text}{legacy}")
    return root


def _identity(root: Element) -> EformsIdentity:
    extension = root.find(EXTENSION, NS)
    uuid = _text(root, "cbc:ID[@schemeName='notice-id']") or _text(root, "cbc:ID")
    publication = normalise_publication_number(
        _text(extension, "efac:Publication/efbc:NoticePublicationID")
    )
    if not uuid and not publication:
        raise MalformedRecordError("eForms notice has neither a notice-id nor a publication number")
    version = _text(root, "cbc:VersionID")
    changed = _UUID.match(_text(extension, "efac:Changes/efbc:ChangedNoticeIdentifier").lower())
    return EformsIdentity(
        uuid=uuid,
        version=int(version) if version.isdigit() else None,
        publication_number=publication,
        notice_type=_text(root, "cbc:NoticeTypeCode").lower(),
        changed_notice_uuid=changed.group(1) if changed else None,
    )


def _classify(root: Element, identity: EformsIdentity) -> tuple[RecordKind, NoticeStatus]:
    code = identity.notice_type
    root_name = etree.QName(root).localname
    if code.startswith("brin-"):
        raise MalformedRecordError(f"{identity.notice_id}: {code} is not a procurement notice")
    if code.startswith("can-") or code in {"veat", "compl"}:
        kind, status = RecordKind.award, NoticeStatus.awarded
    elif code.startswith("pin-") and not code.startswith("pin-cfc"):
        kind, status = RecordKind.notice, NoticeStatus.closed
    elif code.startswith(("cn-", "pin-cfc")) or code in {"qu-sy", "subco"}:
        kind, status = RecordKind.notice, NoticeStatus.open
    elif root_name == "ContractAwardNotice":
        kind, status = RecordKind.award, NoticeStatus.awarded
    elif root_name == "PriorInformationNotice":
        kind, status = RecordKind.notice, NoticeStatus.closed
    else:
        kind, status = RecordKind.notice, NoticeStatus.open
    changes = root.find(f"{EXTENSION}/efac:Changes", NS)
    if changes is None:
        return kind, status
    reasons = {_clean(el).lower() for el in changes.findall("efac:ChangeReason/cbc:ReasonCode", NS)}
    if "cancel" in reasons:
        return RecordKind.cancellation, NoticeStatus.cancelled
    return RecordKind.corrigendum, status


def _lot(el: Element, language: str | None) -> Lot:
    project = el.find("cac:ProcurementProject", NS)
    title, _ = _pick(_all(project, "cbc:Name"), language)
    description, _ = _pick(_all(project, "cbc:Description"), language)
    return Lot(
        id=_text(el, "cbc:ID"),
        title=clean_line(title),
        description=clean_text(description),
        cpv=normalise_cpv_list(_cpv(project)),
        deadline=_deadline(el.find("cac:TenderingProcess", NS)),
        criteria=_criteria(el.find("cac:TenderingTerms", NS), language),
    )


def _deadline(process: Element | None) -> datetime | None:
    if process is None:
        return None
    for path in ("cac:TenderSubmissionDeadlinePeriod", "cac:ParticipationRequestReceptionPeriod"):
        period = process.find(path, NS)
        if period is not None and _text(period, "cbc:EndDate"):
            return combine_date_time(_text(period, "cbc:EndDate"), _text(period, "cbc:EndTime"))
    return None


def _criteria(terms: Element | None, language: str | None) -> list[AwardCriterion]:
    path = "cac:AwardingTerms/cac:AwardingCriterion/cac:SubordinateAwardingCriterion"
    criteria = []
    for sub in _all(terms, path):
        name = clean_line(_pick(_all(sub, "cbc:Name"), language)[0])
        if not name:
            # Many real notices give only a free-text description (547670-2023).
            name = _shorten(clean_line(_pick(_all(sub, "cbc:Description"), language)[0]))
        name = name or _text(sub, "cbc:AwardingCriterionTypeCode")
        if name:
            criteria.append(AwardCriterion(name=name, weight=_weight(sub)))
    return criteria


def _weight(criterion: Element) -> float | None:
    for parameter in criterion.findall(f"{EXTENSION}/efac:AwardCriterionParameter", NS):
        code = parameter.find("efbc:ParameterCode", NS)
        # "ord-imp" is a rank, not a weight; fixed and threshold numbers are not weights.
        if code is None or code.get("listName") != "number-weight" or _clean(code) == "ord-imp":
            continue
        try:
            return float(_text(parameter, "efbc:ParameterNumeric"))
        except ValueError:
            return None
    return None


def _buyer_company(root: Element) -> Element | None:
    """The ``efac:Company`` of the first contracting party (``ORG-0001``)."""
    party = _text(root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
    path = f"{EXTENSION}/efac:Organizations/efac:Organization/efac:Company"
    for company in root.findall(path, NS):
        if party and _text(company, "cac:PartyIdentification/cbc:ID") == party:
            return company
    return None


def _buyer(company: Element | None, language: str | None) -> Buyer | None:
    if company is None:
        return None
    name, _ = _pick(_all(company, "cac:PartyName/cbc:Name"), language)
    return Buyer(
        name=clean_line(name),
        id=_buyer_id(_text(company, "cac:PartyLegalEntity/cbc:CompanyID")),
    )


def _buyer_id(value: str) -> str | None:
    """The SIRET (14 digits, spaces removed) or the registration id as written.

    Values without any digit are placeholders or names (``not available``,
    ``KKH Kaufmännische Krankenkasse`` in 622691-2023) and are dropped.
    """
    text = clean_line(value)
    compact = re.sub(r"[\s.]", "", text)
    if _SIRET.match(compact):
        return compact
    return text if any(c.isdigit() for c in text) else None


def _cpv(project: Element | None) -> list[str]:
    paths = (
        "cac:MainCommodityClassification/cbc:ItemClassificationCode",
        "cac:AdditionalCommodityClassification/cbc:ItemClassificationCode",
    )
    return [
        _clean(el)
        for path in paths
        for el in _all(project, path)
        if el.get("listName", "cpv") == "cpv"
    ]


def _places(projects: Iterable[Element | None], buyer: Element | None) -> list[str]:
    """NUTS codes then countries of the places of performance, else of the buyer's address.

    Some real notices give no place of performance at all (309890-2023,
    622691-2023); the buyer's region is then the best regional hint.
    """
    addresses = [a for p in projects for a in _all(p, "cac:RealizedLocation/cac:Address")]
    if not any(
        _text(a, "cbc:CountrySubentityCode") or _text(a, "cac:Country/cbc:IdentificationCode")
        for a in addresses
    ):
        addresses = _all(buyer, "cac:PostalAddress")
    nuts = [_clean(el) for a in addresses for el in a.findall("cbc:CountrySubentityCode", NS)]
    countries = [nuts_country(_text(a, "cac:Country/cbc:IdentificationCode")) for a in addresses]
    return normalise_places([*nuts, *(c for c in countries if c)])


def _published(root: Element) -> date | None:
    published = _text(root, f"{EXTENSION}/efac:Publication/efbc:PublicationDate")
    return parse_date(published or _text(root, "cbc:IssueDate"))


def _is_lot(el: Element) -> bool:
    lot_id = el.find("cbc:ID", NS)
    return lot_id is not None and lot_id.get("schemeName") == "Lot" and bool(_clean(lot_id))


def _pick(elements: list[Element], language: str | None) -> tuple[str, str | None]:
    """The text in ``language``, else the first non-empty one, with its language code."""
    texts = [(_clean(el), str(el.get("languageID", "")).upper() or None) for el in elements]
    texts = [(text, lang) for text, lang in texts if text]
    for text, lang in texts:
        if language and lang == language:
            return text, lang
    return texts[0] if texts else ("", None)


def _shorten(text: str) -> str:
    if len(text) <= _CRITERION_NAME_MAX:
        return text
    return text[:_CRITERION_NAME_MAX].rsplit(" ", 1)[0] + "…"


def _all(parent: Element | None, path: str) -> list[Element]:
    return [] if parent is None else list(parent.findall(path, NS))


def _text(parent: Element | None, path: str) -> str:
    if parent is None:
        return ""
    found = parent.find(path, NS)
    return "" if found is None else _clean(found)


def _clean(el: Element) -> str:
    return str("".join(el.itertext())).strip()
