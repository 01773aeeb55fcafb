"""Read BOAMP's ``donnees`` payload, whatever schema family it was written in.

``donnees`` is the notice itself, converted from XML to JSON, and its shape
depends on the schema the notice was published in (``shared/DATA-FORMATS.md``,
section 1). The family is chosen from the keys the payload has, never from the
date: ``FNSimple`` and ``MAPA`` (current national notices, camelCase keys),
``EFORMS`` (European notices, UBL with ``cac:``/``cbc:`` prefixes), the
``Boamp_v230`` archive (``IDENTITE``, ``CONDITION_DELAI``…) and the 2006
``Boamp_v110`` layout (``IDENT``, ``DELAI``, ``CONDITIONS``…). Each family has
one reader that returns :class:`DonneesFacts`; the record parser fills what a
reader leaves empty from the flat fields.

Everywhere, one element is an object and several are a list, so every path is
read with :func:`~ingest.parse.boamp_values.all_items`, which treats both alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ingest.parse.boamp_eforms import read_eforms
from ingest.parse.boamp_values import (
    CPV_IN_TEXT,
    DonneesFacts,
    all_items,
    criteria_from_text,
    estimated_value,
    first_item,
    french_datetime,
    idwebs,
    local_datetime,
    lot_number,
    lot_title,
    nature_of,
    number,
    siret,
    text_of,
    texts_of,
    tidy,
    unique_lot_ids,
    walk,
)
from models.notice import AwardCriterion, Lot
from models.vocabulary.cpv import normalise_cpv_list
from models.vocabulary.text import as_list, clean_line, clean_text, fold

# --- FNSimple and MAPA (camelCase national notices) -----------------------------------


def _read_national(body: Mapping[str, Any], family: str) -> DonneesFacts:
    facts = DonneesFacts(family)
    organisme = first_item(body, "organisme")
    facts.buyer_name = clean_line(
        text_of(first_item(organisme, "nomOfficiel"))
        or text_of(first_item(organisme, "acheteurPublic"))
    )
    facts.buyer_id = siret(first_item(organisme, "codeIdentificationNational")) or siret(
        first_item(organisme, "siret")
    )
    section = _national_section(body)
    nature_marche = first_item(section, "natureMarche")
    facts.title = clean_line(
        text_of(first_item(nature_marche, "intitule"))
        or text_of(first_item(section, "description", "objet"))
    )
    facts.description = clean_text(
        text_of(first_item(nature_marche, "description"))
        or text_of(first_item(section, "description", "description"))
    )
    facts.nature = nature_of(_keys(first_item(nature_marche, "natureMarche")))
    procedure = first_item(section, "procedure")
    main = _camel_cpv(first_item(nature_marche, "codeCPV"))
    # Seen on 26-7298: extra CPV codes typed into "categorieAcheteur" ("45432111-5 : …").
    extra = CPV_IN_TEXT.findall(text_of(first_item(procedure, "categorieAcheteur")))
    facts.lots = _national_lots(all_items(section, "lots", "lot"))
    facts.cpv = normalise_cpv_list([*main, *extra])
    offers = next(walk(procedure, {"datereceptionoffres"}), None) or next(
        walk(section, {"datereceptionoffres", "datelimitereception"}), None
    )
    facts.deadline, facts.deadline_has_time = local_datetime(offers)
    facts.criteria = _national_criteria(section)
    facts.value = estimated_value(first_item(nature_marche, "valeurEstimee"))
    facts.is_award = any(str(k).lower().startswith("attribution") for k in body)
    facts.parent_idwebs = idwebs(body)
    return facts


def _national_section(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The part that describes the call: ``initial``, else the section that has ``natureMarche``."""
    sections = {k: v for k, v in body.items() if k != "organisme" and isinstance(v, Mapping)}
    if "initial" in sections:
        return sections["initial"]
    with_call = [v for v in sections.values() if "natureMarche" in v or "description" in v]
    return (with_call or list(sections.values()) or [{}])[0]


def _keys(value: Any) -> list[str]:
    return [str(k) for item in as_list(value) if isinstance(item, Mapping) for k in item]


def _camel_cpv(code_cpv: Any) -> list[str]:
    main = texts_of(all_items(code_cpv, "objetPrincipal", "classPrincipale"))
    return main + [t for v in walk(code_cpv, {"classprincipale"}) for t in texts_of(v)]


def _national_lots(raw_lots: list[Any]) -> list[Lot]:
    lots = [lot for lot in raw_lots if isinstance(lot, Mapping)]
    descriptions = [
        clean_text(text_of(lot.get("description")) or text_of(lot.get("intitule"))) for lot in lots
    ]
    proposed = [
        text_of(next(walk(lot, {"numlot", "numero", "num", "@num"}), None)).strip()
        or lot_number(description)
        for lot, description in zip(lots, descriptions, strict=True)
    ]
    result = []
    for lot, lot_id, description in zip(lots, unique_lot_ids(proposed), descriptions, strict=True):
        deadline, _ = local_datetime(next(walk(lot, {"datereceptionoffres"}), None))
        result.append(
            Lot(
                id=lot_id,
                title=clean_line(text_of(lot.get("intitule"))) or lot_title(description),
                description=description,
                cpv=normalise_cpv_list(_camel_cpv(lot.get("codeCPV"))),
                deadline=deadline,
            )
        )
    return result


def _national_criteria(section: Any) -> list[AwardCriterion]:
    weighted = all_items(section, "criteres", "criterePondere")
    if weighted:
        return [
            AwardCriterion(name=tidy(text_of(c.get("critere"))), weight=number(c.get("criterePCT")))
            for c in weighted
            if isinstance(c, Mapping) and tidy(text_of(c.get("critere")))
        ]
    for text in walk(section, {"criteresattrib", "criterelibre"}):
        found = criteria_from_text(text_of(text))
        if found:
            return found
    return []


# --- Boamp_v230 (archive, upper-case keys) ---------------------------------------------


def _read_v230(donnees: Mapping[str, Any]) -> DonneesFacts:
    facts = DonneesFacts("boamp_v230")
    identite = first_item(donnees, "IDENTITE")
    facts.buyer_name = tidy(
        text_of(first_item(identite, "DENOMINATION"))
        or text_of(first_item(identite, "NOM_ORGANISME"))
    )
    facts.buyer_id = next(
        (s for v in walk(identite, {"code_ident_national", "siret"}) if (s := siret(v))), None
    )
    objet = first_item(donnees, "OBJET")
    facts.title = clean_line(text_of(first_item(objet, "TITRE_MARCHE")))
    facts.description = clean_text(text_of(first_item(objet, "OBJET_COMPLET")))
    raw_lots = all_items(objet, "LOTS", "LOT") or all_items(objet, "DIV_EN_LOTS", "LOT")
    raw_lots = raw_lots or all_items(donnees, "LOTS", "LOT")
    facts.lots = _v230_lots(raw_lots)
    facts.cpv = normalise_cpv_list(_v230_cpv(first_item(objet, "CPV")))
    facts.places = [
        *texts_of(all_items(objet, "LIEU_EXEC_LIVR", "CODE_NUTS")),
        *texts_of(all_items(objet, "CODE_NUTS")),
    ]
    facts.criteria = _v230_criteria(first_item(donnees, "PROCEDURE", "CRITERES_ATTRIBUTION"))
    delai = first_item(donnees, "CONDITION_DELAI")
    offers = first_item(delai, "RECEPT_OFFRES") or first_item(delai, "RECEPT_CANDIDAT")
    facts.deadline, facts.deadline_has_time = local_datetime(offers)
    if facts.deadline is None:
        facts.deadline, facts.deadline_has_time = french_datetime(offers)
    facts.is_award = "ATTRIBUTION" in donnees
    facts.parent_idwebs = idwebs(donnees)
    return facts


def _v230_cpv(cpv: Any) -> list[str]:
    codes: list[str] = []
    for entry in as_list(cpv):
        codes += texts_of(all_items(entry, "PRINCIPAL")) or (
            [text_of(entry)] if text_of(entry) else []
        )
        codes += texts_of(all_items(entry, "SUPPLEMENTAIRE"))
    return codes


def _v230_lots(raw_lots: list[Any]) -> list[Lot]:
    lots = [lot for lot in raw_lots if isinstance(lot, Mapping)]
    proposed = [text_of(lot.get("NUM")).strip() or None for lot in lots]
    return [
        Lot(
            id=lot_id,
            title=tidy(text_of(lot.get("INTITULE")))
            or lot_title(clean_text(text_of(lot.get("DESCRIPTION")))),
            description=clean_text(text_of(lot.get("DESCRIPTION"))),
            cpv=normalise_cpv_list(_v230_cpv(lot.get("CPV"))),
            criteria=_v230_criteria(lot.get("CRITERES_ATTRIBUTION")),
        )
        for lot, lot_id in zip(lots, unique_lot_ids(proposed), strict=True)
    ]


def _v230_criteria(node: Any) -> list[AwardCriterion]:
    """``CRITERES_PONDERES`` / ``CRITERES_PRIORITES`` / quality + price / free text."""
    criteria: list[AwardCriterion] = []
    for key in ("CRITERES_PONDERES", "CRITERES_PRIORITES", "CRITERES_QUALITE"):
        for criterion in all_items(node, key, "CRITERE"):
            name = tidy(text_of(criterion))
            weight = first_item(criterion, "@POIDS") or first_item(criterion, "POIDS")
            if name:
                criteria.append(AwardCriterion(name=name, weight=number(weight)))
    for key, label in (("CRITERES_COUT", "Coût"), ("CRITERES_PRIX", "Prix")):
        for price in all_items(node, key):
            weight = number(
                first_item(price, "CRITERE", "@POIDS") or first_item(price, "POIDS") or price
            )
            criteria.append(AwardCriterion(name=label, weight=weight))
    if len(criteria) == 1 and criteria[0].weight is None and criteria[0].name == "Prix":
        criteria = [AwardCriterion(name="Prix", weight=100.0)]  # price alone decides
    return criteria or criteria_from_text(text_of(first_item(node, "CRITERES_LIBRE")))


# --- Boamp_v110 (2006) -------------------------------------------------------------------


def _read_v110(donnees: Mapping[str, Any]) -> DonneesFacts:
    facts = DonneesFacts("boamp_v110")
    facts.buyer_name = tidy(text_of(first_item(donnees, "IDENT", "NOM")))
    objet = first_item(donnees, "OBJET")
    facts.title = tidy(text_of(first_item(objet, "TITRE_MARCHE")))
    characteristics = first_item(donnees, "CARACTERISTIQUES")
    details = [
        t
        for t in texts_of(all_items(characteristics, "AUTRES"))
        + texts_of(all_items(characteristics, "QUANTITE"))
        if len(t) > 40 and not fold(t).startswith("prestations divisees en lots")
    ]
    facts.description = clean_text(
        "\n".join([text_of(first_item(objet, "OBJET_COMPLET")), *details])
    )
    facts.nature = nature_of(_keys(first_item(donnees, "INFO")))
    main = texts_of(all_items(objet, "CPV_OBJ")) + re.findall(
        r"\d{8}", text_of(first_item(objet, "ART27CMP"))
    )
    facts.lots = _v110_lots(first_item(donnees, "LOTS"))
    facts.cpv = normalise_cpv_list(main)
    facts.places = texts_of(all_items(objet, "CODE_NUTS"))
    criteria = first_item(donnees, "CONDITIONS", "CRITERES")
    facts.criteria = criteria_from_text(text_of(first_item(criteria, "LISTE")))
    if not facts.criteria and isinstance(criteria, Mapping) and "CRITERES_PRIX" in criteria:
        facts.criteria = [AwardCriterion(name="Prix", weight=100.0)]
    delai = first_item(donnees, "DELAI")
    offers = first_item(delai, "RECEPT_OFFRES") or first_item(delai, "RECEPT_CANDIDAT")
    facts.deadline, facts.deadline_has_time = french_datetime(
        offers, texts_of(all_items(delai, "AUTRES"))
    )
    rectified, has_time = _v110_rectified_deadline(donnees)
    if rectified:
        facts.deadline, facts.deadline_has_time = rectified, has_time
    return facts


def _v110_lots(node: Any) -> list[Lot]:
    numbers = [tidy(n) for n in texts_of(all_items(node, "NUM_LOT"))]
    texts = [text_of(t) for t in all_items(node, "DESC_LOT")] or [
        text_of(t) for t in all_items(node, "AUTRES")
    ]
    # XML mixed content: text before the first <NUM_LOT> shows up as leading "" items.
    while len(texts) > len(numbers) and texts and not texts[0].strip():
        texts.pop(0)
    codes = texts_of(all_items(node, "NOMENC_LOT"))
    extras = texts_of(all_items(node, "INFOS_COMPLEMENTAIRES"))
    lots = []
    for position, lot_id in enumerate(unique_lot_ids(list(numbers))):
        text = texts[position] if position < len(texts) else ""
        extra = extras[position] if len(extras) == len(numbers) else ""
        lots.append(
            Lot(
                id=lot_id,
                title=tidy(text),
                description=clean_text("\n".join(t for t in (text, extra) if t)),
                cpv=normalise_cpv_list(
                    codes[position : position + 1] if len(codes) == len(numbers) else []
                ),
            )
        )
    return lots


def _v110_rectified_deadline(donnees: Mapping[str, Any]) -> tuple[datetime | None, bool]:
    """A rectificatif's new deadline: the ``LIRE`` text of a ``date limite`` heading."""
    for rectif in all_items(donnees, "RECTIF"):
        headings = texts_of(all_items(rectif, "RUB_INIT"))
        readings = texts_of(all_items(rectif, "LIRE"))
        for heading, reading in zip(headings, readings, strict=False):
            if "date limite" in fold(heading):
                found = french_datetime(reading)
                if found[0]:
                    return found
    return None, False


# --- dispatcher ---------------------------------------------------------------------------


def read_donnees(donnees: Mapping[str, Any]) -> DonneesFacts:
    """Read ``donnees`` with the reader its keys call for (an empty reading if none fits)."""
    keys = {str(k) for k in donnees}
    if "EFORMS" in keys and isinstance(donnees["EFORMS"], Mapping):
        return read_eforms(donnees["EFORMS"])
    for family in ("FNSimple", "MAPA"):
        body = next((donnees[k] for k in keys if k.lower() == family.lower()), None)
        if isinstance(body, Mapping):
            return _read_national(body, family.lower())
    if keys & {"IDENTITE", "CONDITION_DELAI", "CONDITION_PARTICIPATION"}:
        return _read_v230(donnees)
    if keys & {"IDENT", "DELAI", "CONDITIONS", "RECTIF"}:
        return _read_v110(donnees)
    if "OBJET" in keys:
        return _read_v230(donnees)
    return DonneesFacts("unknown")
