"""eForms notices inside BOAMP: UBL converted to JSON, with prefixed keys (``cac:``, ``cbc:``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ingest.normalise.dates import combine_date_time
from ingest.parse.boamp_values import (
    DonneesFacts,
    all_items,
    first_item,
    lang_text,
    nature_of,
    number,
    siret,
    text_of,
    texts_of,
)
from models.notice import AwardCriterion, Lot
from models.vocabulary.cpv import normalise_cpv_list
from models.vocabulary.text import clean_line, clean_text

# --- eForms inside BOAMP (UBL as JSON) -------------------------------------------------

_EXTENSION = (
    "ext:UBLExtensions",
    "ext:UBLExtension",
    "ext:ExtensionContent",
    "efext:EformsExtension",
)
_CRITERION_LABELS = {"price": "Prix", "cost": "Coût", "quality": "Qualité"}


def read_eforms(body: Mapping[str, Any]) -> DonneesFacts:
    facts = DonneesFacts("eforms")
    root, notice = next(((k, v) for k, v in body.items() if isinstance(v, Mapping)), ("", {}))
    facts.is_award = root == "ContractAwardNotice"
    facts.is_change = bool(all_items(notice, *_EXTENSION, "efac:Changes"))
    project = first_item(notice, "cac:ProcurementProject")
    facts.title = clean_line(lang_text(first_item(project, "cbc:Name")))
    facts.description = clean_text(lang_text(first_item(project, "cbc:Description")))
    facts.nature = nature_of(texts_of(all_items(project, "cbc:ProcurementTypeCode")))
    raw_lots = all_items(notice, "cac:ProcurementProjectLot")
    projects = [project, *all_items(raw_lots, "cac:ProcurementProject")]
    location = ("cac:RealizedLocation", "cac:Address", "cbc:CountrySubentityCode")
    facts.places = texts_of(all_items(projects, *location))
    facts.buyer_name, facts.buyer_id = _eforms_buyer(notice)
    facts.lots = [_eforms_lot(lot) for lot in raw_lots]
    facts.cpv = normalise_cpv_list(_eforms_cpv(project))
    deadlines = [lot.deadline for lot in facts.lots if lot.deadline]
    if deadlines:
        facts.deadline, facts.deadline_has_time = min(deadlines), True
    lot_criteria = [lot.criteria for lot in facts.lots]
    if lot_criteria and all(c == lot_criteria[0] for c in lot_criteria):
        facts.criteria = lot_criteria[0]
    return facts


def _eforms_cpv(project: Any) -> list[str]:
    main = all_items(project, "cac:MainCommodityClassification", "cbc:ItemClassificationCode")
    extra = all_items(
        project, "cac:AdditionalCommodityClassification", "cbc:ItemClassificationCode"
    )
    return texts_of(main + extra)


def _eforms_lot(lot: Any) -> Lot:
    project = first_item(lot, "cac:ProcurementProject")
    period = first_item(lot, "cac:TenderingProcess", "cac:TenderSubmissionDeadlinePeriod")
    try:
        deadline = combine_date_time(
            text_of(first_item(period, "cbc:EndDate")) or None,
            text_of(first_item(period, "cbc:EndTime")) or None,
        )
    except ValueError:
        deadline = None
    return Lot(
        id=clean_line(text_of(first_item(lot, "cbc:ID"))) or "1",
        title=clean_line(lang_text(first_item(project, "cbc:Name"))),
        description=clean_text(lang_text(first_item(project, "cbc:Description"))),
        cpv=normalise_cpv_list(_eforms_cpv(project)),
        deadline=deadline,
        criteria=_eforms_criteria(lot),
    )


def _eforms_criteria(lot: Any) -> list[AwardCriterion]:
    path = ("cac:TenderingTerms", "cac:AwardingTerms", "cac:AwardingCriterion")
    criteria = []
    for criterion in all_items(lot, *path, "cac:SubordinateAwardingCriterion"):
        label = _CRITERION_LABELS.get(
            text_of(first_item(criterion, "cbc:AwardingCriterionTypeCode")), ""
        )
        description = clean_text(lang_text(first_item(criterion, "cbc:Description")))
        name = clean_line(lang_text(first_item(criterion, "cbc:Name")))
        if not name:
            first_line = description.split("\n", 1)[0][:200]
            name = f"{label}: {first_line}" if label and first_line else label or first_line
        weight = None
        for parameter in all_items(criterion, *_EXTENSION, "efac:AwardCriterionParameter"):
            code = first_item(parameter, "efbc:ParameterCode")
            is_weight = (
                first_item(code, "@listName") == "number-weight" and text_of(code) != "ord-imp"
            )
            if is_weight:
                weight = number(first_item(parameter, "efbc:ParameterNumeric"))
        if name:
            criteria.append(AwardCriterion(name=name, weight=weight))
    return criteria


def _eforms_buyer(notice: Any) -> tuple[str, str | None]:
    """The first contracting party's organisation: its name and SIRET (when French)."""
    wanted = texts_of(
        all_items(notice, "cac:ContractingParty", "cac:Party", "cac:PartyIdentification", "cbc:ID")
    )
    companies = all_items(
        notice, *_EXTENSION, "efac:Organizations", "efac:Organization", "efac:Company"
    )
    by_id = {text_of(first_item(c, "cac:PartyIdentification", "cbc:ID")): c for c in companies}
    company = next((by_id[w] for w in wanted if w in by_id), companies[0] if companies else None)
    name = clean_line(lang_text(first_item(company, "cac:PartyName", "cbc:Name")))
    return name, siret(first_item(company, "cac:PartyLegalEntity", "cbc:CompanyID"))
