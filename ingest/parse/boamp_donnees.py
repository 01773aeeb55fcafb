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
read with :func:`_all`, which treats both alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ingest.normalise.cpv import normalise_cpv_list
from ingest.normalise.dates import PARIS, combine_date_time, parse_local_datetime
from ingest.normalise.text import as_list, clean_line, clean_text, fold
from models.notice import AwardCriterion, Lot, Nature


@dataclass
class DonneesFacts:
    """What one ``donnees`` payload says; empty values mean "not given"."""

    family: str
    title: str = ""
    description: str = ""
    buyer_name: str = ""
    buyer_id: str | None = None
    cpv: list[str] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    deadline: datetime | None = None
    deadline_has_time: bool = False
    places: list[str] = field(default_factory=list)
    criteria: list[AwardCriterion] = field(default_factory=list)
    nature: Nature | None = None
    is_award: bool = False
    is_change: bool = False
    parent_idwebs: list[str] = field(default_factory=list)


# --- reading one-or-many JSON ------------------------------------------------------------


def _all(node: Any, *path: str) -> list[Any]:
    """Every value at ``path``, flattening the lists met on the way."""
    nodes = as_list(node)
    for key in path:
        nodes = [
            value for item in nodes if isinstance(item, Mapping) for value in as_list(item.get(key))
        ]
    return [n for n in nodes if n is not None]


def _first(node: Any, *path: str) -> Any:
    found = _all(node, *path)
    return found[0] if found else None


def _text(value: Any) -> str:
    """The text of a scalar, of an XML-ish ``{"#text": …}`` or of the first useful item."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        return _text(value.get("#text"))
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t.strip()), "")
    return ""


def _texts(value: Any) -> list[str]:
    return [t for t in (_text(v) for v in as_list(value)) if t.strip()]


def _lang_text(value: Any, language: str = "FRA") -> str:
    """eForms text: the French version when there are several languages."""
    items = as_list(value)
    for item in items:
        if isinstance(item, Mapping) and item.get("@languageID") == language:
            return _text(item)
    return _text(items)


def _walk(node: Any, keys: set[str]) -> Iterator[Any]:
    """Values of every key named in ``keys`` (case-insensitive), at any depth."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if str(key).lower() in keys:
                yield value
            yield from _walk(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, keys)


# --- small value parsers -----------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_CPV_IN_TEXT = re.compile(r"(?<!\d)(\d{8})-\d(?!\d)")
_DATE_PART = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_FRENCH_DATE = re.compile(r"\b(\d{1,2})(?:er)? ([a-z]+) (\d{4})\b")
_FRENCH_TIME = re.compile(r"\b(\d{1,2}) ?(?:h|heures?)(?: ?(\d{2}))?\b")
_MONTHS = "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"
_MONTH_NUMBERS = {name: position for position, name in enumerate(_MONTHS.split(), start=1)}
_NATURES = {"travaux": Nature.works, "works": Nature.works, "services": Nature.services}
_NATURES |= {"fournitures": Nature.supplies, "supplies": Nature.supplies}


def number(value: Any) -> float | None:
    """The first number in a value (``"60 %"``, ``"40,5"``), or None."""
    match = _NUMBER.search(_text(value))
    return float(match.group().replace(",", ".")) if match else None


def siret(value: Any) -> str | None:
    """A SIRET (14 digits once spaces are removed), or None."""
    digits = re.sub(r"[\s.]", "", _text(value))
    return digits if re.fullmatch(r"\d{14}", digits) else None


def tidy(value: Any) -> str:
    """One clean line without the stray trailing punctuation of old notices (``ville de X.``)."""
    text = clean_line(value).rstrip(" ,;:")
    if text.endswith(".") and not re.search(r"(?:\b\w\.){2,}$", text):  # keep "D.E.C.S."
        text = text[:-1].rstrip()
    return text


def nature_of(values: Iterable[Any]) -> Nature | None:
    """The contract nature named by the first recognised word (``TRAVAUX``, ``services``…)."""
    for value in values:
        nature = _NATURES.get(fold(str(value)))
        if nature:
            return nature
    return None


def local_datetime(value: Any) -> tuple[datetime | None, bool]:
    """A BOAMP date-time read as Paris wall-clock time, and whether it had a time.

    Tolerates unpadded dates (``2006-08-2``, seen in 2006 ``gestion``) and
    unreadable values, which give None instead of failing the record.
    """
    text = _text(value).strip()
    match = _DATE_PART.match(text)
    if not match:
        return None, False
    year, month, day = match.groups()
    padded = f"{year}-{int(month):02d}-{int(day):02d}" + text[match.end() :]
    try:
        parsed = parse_local_datetime(padded)
    except ValueError:
        return None, False
    return parsed, len(padded) > 10


def french_datetime(day_text: Any, time_texts: Iterable[Any] = ()) -> tuple[datetime | None, bool]:
    """``"21 juillet 2006"`` + ``", à 12 heures"`` → 2006-07-21 12:00 Paris, and if it had a time.

    Without a time the deadline is kept at 23:59 local, like
    :func:`~ingest.normalise.dates.parse_local_datetime` does for a bare date.
    """
    day = french_date(day_text)
    if day is None:
        return None, False
    for text in [day_text, *time_texts]:
        match = _FRENCH_TIME.search(fold(_text(text)))
        if match and int(match.group(1)) < 24 and int(match.group(2) or 0) < 60:
            clock = time(int(match.group(1)), int(match.group(2) or 0))
            return datetime.combine(day, clock, tzinfo=PARIS), True
    return datetime.combine(day, time(23, 59), tzinfo=PARIS), False


def french_date(value: Any) -> date | None:
    """``"1er septembre 2006"`` → 2006-09-01, or None."""
    match = _FRENCH_DATE.search(fold(_text(value)))
    if not match or match.group(2) not in _MONTH_NUMBERS:
        return None
    try:
        return date(int(match.group(3)), _MONTH_NUMBERS[match.group(2)], int(match.group(1)))
    except ValueError:
        return None


def criteria_from_text(value: Any) -> list[AwardCriterion]:
    """Award criteria written as a list in free text.

    ``"- prix : 40 %;- valeur technique : 60 %."`` gives two weighted criteria;
    ``"2. Prix : 40.3. Délai : 10."`` is split on its numbering. A sentence
    without a list nor weights (``"Critères énoncés dans le règlement"``) gives
    nothing: it names no criterion.
    """
    text = clean_line(value)
    pieces = [
        piece
        for part in text.split(";")
        for piece in re.split(r"(?:^|(?<=\.))\s*\d{1,2}\s*\.\s+(?=\D)", part)
    ]
    if len(pieces) == 1:  # "… avec leur pondération : - valeur technique : 60 % - prix : 40 %"
        pieces = re.split(r"(?:^|\s)[-•–]\s+", text)
    criteria = [c for c in (_criterion_from_piece(p) for p in pieces) if c]
    if any(c.weight is not None for c in criteria):
        while criteria[0].weight is None:  # an introductory sentence, not a criterion
            criteria.pop(0)
        return criteria
    listed = text.startswith("-") or bool(re.match(r"\d{1,2}\s*\.\s", text))
    return criteria if listed and len(criteria) > 1 else []


def _criterion_from_piece(piece: str) -> AwardCriterion | None:
    piece = piece.strip().lstrip("-•*– ").strip()
    if not piece:
        return None
    weight_match = re.search(r"pond[ée]ration\s*:?\s*(\d+(?:[.,]\d+)?)", piece, re.I) or re.search(
        r"[:\s](\d+(?:[.,]\d+)?)\s*(?:%|points?|pts)?\s*\.?$", piece
    )
    weight = float(weight_match.group(1).replace(",", ".")) if weight_match else None
    name = piece.split(":", 1)[0] if ":" in piece else piece
    if weight_match and ":" not in piece:
        name = piece[: weight_match.start()]
    name = tidy(name.strip(" -–"))
    return AwardCriterion(name=name, weight=weight) if name else None


def _unique_lot_ids(proposed: list[str | None]) -> list[str]:
    """Keep the lot numbers the notice gives when they are complete and unique, else 1..n."""
    given = [p for p in proposed if p]
    if len(given) == len(proposed) and len(set(given)) == len(given):
        return given
    return [str(position) for position in range(1, len(proposed) + 1)]


_LOT_PREFIX = re.compile(
    r"^\s*(?:lot\s*(?:n\s*°|no\.?|n)?\s*(\d{1,3})(?!\d)\s*[-:.)_]?|(\d{1,3})\s*[-:.)_])\s*", re.I
)


def _lot_number(text: str) -> str | None:
    """``"Lot 2 : Finition"`` or ``"1- Prestations…"`` → the lot's number."""
    match = _LOT_PREFIX.match(text)
    return (match.group(1) or match.group(2)) if match else None


def _lot_title(description: str) -> str:
    """A lot's title from its description: the first line, without its ``Lot 2 :`` prefix."""
    return tidy(_LOT_PREFIX.sub("", description.split("\n", 1)[0], count=1))


def _idwebs(node: Any) -> list[str]:
    return [t.strip() for v in _walk(node, {"idweb"}) for t in _texts(v) if t.strip()]


# --- FNSimple and MAPA (camelCase national notices) -----------------------------------


def _read_national(body: Mapping[str, Any], family: str) -> DonneesFacts:
    facts = DonneesFacts(family)
    organisme = _first(body, "organisme")
    facts.buyer_name = clean_line(
        _text(_first(organisme, "nomOfficiel")) or _text(_first(organisme, "acheteurPublic"))
    )
    facts.buyer_id = siret(_first(organisme, "codeIdentificationNational")) or siret(
        _first(organisme, "siret")
    )
    section = _national_section(body)
    nature_marche = _first(section, "natureMarche")
    facts.title = clean_line(
        _text(_first(nature_marche, "intitule")) or _text(_first(section, "description", "objet"))
    )
    facts.description = clean_text(
        _text(_first(nature_marche, "description"))
        or _text(_first(section, "description", "description"))
    )
    facts.nature = nature_of(_keys(_first(nature_marche, "natureMarche")))
    procedure = _first(section, "procedure")
    main = _camel_cpv(_first(nature_marche, "codeCPV"))
    # Seen on 26-7298: extra CPV codes typed into "categorieAcheteur" ("45432111-5 : …").
    extra = _CPV_IN_TEXT.findall(_text(_first(procedure, "categorieAcheteur")))
    facts.lots = _national_lots(_all(section, "lots", "lot"))
    facts.cpv = normalise_cpv_list([*main, *extra])
    offers = next(_walk(procedure, {"datereceptionoffres"}), None) or next(
        _walk(section, {"datereceptionoffres", "datelimitereception"}), None
    )
    facts.deadline, facts.deadline_has_time = local_datetime(offers)
    facts.criteria = _national_criteria(section)
    facts.is_award = any(str(k).lower().startswith("attribution") for k in body)
    facts.parent_idwebs = _idwebs(body)
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
    main = _texts(_all(code_cpv, "objetPrincipal", "classPrincipale"))
    return main + [t for v in _walk(code_cpv, {"classprincipale"}) for t in _texts(v)]


def _national_lots(raw_lots: list[Any]) -> list[Lot]:
    lots = [lot for lot in raw_lots if isinstance(lot, Mapping)]
    descriptions = [
        clean_text(_text(lot.get("description")) or _text(lot.get("intitule"))) for lot in lots
    ]
    proposed = [
        _text(next(_walk(lot, {"numlot", "numero", "num", "@num"}), None)).strip()
        or _lot_number(description)
        for lot, description in zip(lots, descriptions, strict=True)
    ]
    result = []
    for lot, lot_id, description in zip(lots, _unique_lot_ids(proposed), descriptions, strict=True):
        deadline, _ = local_datetime(next(_walk(lot, {"datereceptionoffres"}), None))
        result.append(
            Lot(
                id=lot_id,
                title=clean_line(_text(lot.get("intitule"))) or _lot_title(description),
                description=description,
                cpv=normalise_cpv_list(_camel_cpv(lot.get("codeCPV"))),
                deadline=deadline,
            )
        )
    return result


def _national_criteria(section: Any) -> list[AwardCriterion]:
    weighted = _all(section, "criteres", "criterePondere")
    if weighted:
        return [
            AwardCriterion(name=tidy(_text(c.get("critere"))), weight=number(c.get("criterePCT")))
            for c in weighted
            if isinstance(c, Mapping) and tidy(_text(c.get("critere")))
        ]
    for text in _walk(section, {"criteresattrib", "criterelibre"}):
        found = criteria_from_text(_text(text))
        if found:
            return found
    return []


# --- Boamp_v230 (archive, upper-case keys) ---------------------------------------------


def _read_v230(donnees: Mapping[str, Any]) -> DonneesFacts:
    facts = DonneesFacts("boamp_v230")
    identite = _first(donnees, "IDENTITE")
    facts.buyer_name = tidy(
        _text(_first(identite, "DENOMINATION")) or _text(_first(identite, "NOM_ORGANISME"))
    )
    facts.buyer_id = next(
        (s for v in _walk(identite, {"code_ident_national", "siret"}) if (s := siret(v))), None
    )
    objet = _first(donnees, "OBJET")
    facts.title = clean_line(_text(_first(objet, "TITRE_MARCHE")))
    facts.description = clean_text(_text(_first(objet, "OBJET_COMPLET")))
    raw_lots = _all(objet, "LOTS", "LOT") or _all(objet, "DIV_EN_LOTS", "LOT")
    raw_lots = raw_lots or _all(donnees, "LOTS", "LOT")
    facts.lots = _v230_lots(raw_lots)
    facts.cpv = normalise_cpv_list(_v230_cpv(_first(objet, "CPV")))
    facts.places = [
        *_texts(_all(objet, "LIEU_EXEC_LIVR", "CODE_NUTS")),
        *_texts(_all(objet, "CODE_NUTS")),
    ]
    facts.criteria = _v230_criteria(_first(donnees, "PROCEDURE", "CRITERES_ATTRIBUTION"))
    delai = _first(donnees, "CONDITION_DELAI")
    offers = _first(delai, "RECEPT_OFFRES") or _first(delai, "RECEPT_CANDIDAT")
    facts.deadline, facts.deadline_has_time = local_datetime(offers)
    if facts.deadline is None:
        facts.deadline, facts.deadline_has_time = french_datetime(offers)
    facts.is_award = "ATTRIBUTION" in donnees
    facts.parent_idwebs = _idwebs(donnees)
    return facts


def _v230_cpv(cpv: Any) -> list[str]:
    codes: list[str] = []
    for entry in as_list(cpv):
        codes += _texts(_all(entry, "PRINCIPAL")) or ([_text(entry)] if _text(entry) else [])
        codes += _texts(_all(entry, "SUPPLEMENTAIRE"))
    return codes


def _v230_lots(raw_lots: list[Any]) -> list[Lot]:
    lots = [lot for lot in raw_lots if isinstance(lot, Mapping)]
    proposed = [_text(lot.get("NUM")).strip() or None for lot in lots]
    return [
        Lot(
            id=lot_id,
            title=tidy(_text(lot.get("INTITULE")))
            or _lot_title(clean_text(_text(lot.get("DESCRIPTION")))),
            description=clean_text(_text(lot.get("DESCRIPTION"))),
            cpv=normalise_cpv_list(_v230_cpv(lot.get("CPV"))),
            criteria=_v230_criteria(lot.get("CRITERES_ATTRIBUTION")),
        )
        for lot, lot_id in zip(lots, _unique_lot_ids(proposed), strict=True)
    ]


def _v230_criteria(node: Any) -> list[AwardCriterion]:
    """``CRITERES_PONDERES`` / ``CRITERES_PRIORITES`` / quality + price / free text."""
    criteria: list[AwardCriterion] = []
    for key in ("CRITERES_PONDERES", "CRITERES_PRIORITES", "CRITERES_QUALITE"):
        for criterion in _all(node, key, "CRITERE"):
            name = tidy(_text(criterion))
            weight = _first(criterion, "@POIDS") or _first(criterion, "POIDS")
            if name:
                criteria.append(AwardCriterion(name=name, weight=number(weight)))
    for key, label in (("CRITERES_COUT", "Coût"), ("CRITERES_PRIX", "Prix")):
        for price in _all(node, key):
            weight = number(_first(price, "CRITERE", "@POIDS") or _first(price, "POIDS") or price)
            criteria.append(AwardCriterion(name=label, weight=weight))
    if len(criteria) == 1 and criteria[0].weight is None and criteria[0].name == "Prix":
        criteria = [AwardCriterion(name="Prix", weight=100.0)]  # price alone decides
    return criteria or criteria_from_text(_text(_first(node, "CRITERES_LIBRE")))


# --- Boamp_v110 (2006) -------------------------------------------------------------------


def _read_v110(donnees: Mapping[str, Any]) -> DonneesFacts:
    facts = DonneesFacts("boamp_v110")
    facts.buyer_name = tidy(_text(_first(donnees, "IDENT", "NOM")))
    objet = _first(donnees, "OBJET")
    facts.title = tidy(_text(_first(objet, "TITRE_MARCHE")))
    characteristics = _first(donnees, "CARACTERISTIQUES")
    details = [
        t
        for t in _texts(_all(characteristics, "AUTRES")) + _texts(_all(characteristics, "QUANTITE"))
        if len(t) > 40 and not fold(t).startswith("prestations divisees en lots")
    ]
    facts.description = clean_text("\n".join([_text(_first(objet, "OBJET_COMPLET")), *details]))
    facts.nature = nature_of(_keys(_first(donnees, "INFO")))
    main = _texts(_all(objet, "CPV_OBJ")) + re.findall(r"\d{8}", _text(_first(objet, "ART27CMP")))
    facts.lots = _v110_lots(_first(donnees, "LOTS"))
    facts.cpv = normalise_cpv_list(main)
    facts.places = _texts(_all(objet, "CODE_NUTS"))
    criteria = _first(donnees, "CONDITIONS", "CRITERES")
    facts.criteria = criteria_from_text(_text(_first(criteria, "LISTE")))
    if not facts.criteria and isinstance(criteria, Mapping) and "CRITERES_PRIX" in criteria:
        facts.criteria = [AwardCriterion(name="Prix", weight=100.0)]
    delai = _first(donnees, "DELAI")
    offers = _first(delai, "RECEPT_OFFRES") or _first(delai, "RECEPT_CANDIDAT")
    facts.deadline, facts.deadline_has_time = french_datetime(offers, _texts(_all(delai, "AUTRES")))
    rectified, has_time = _v110_rectified_deadline(donnees)
    if rectified:
        facts.deadline, facts.deadline_has_time = rectified, has_time
    return facts


def _v110_lots(node: Any) -> list[Lot]:
    numbers = [tidy(n) for n in _texts(_all(node, "NUM_LOT"))]
    texts = [_text(t) for t in _all(node, "DESC_LOT")] or [_text(t) for t in _all(node, "AUTRES")]
    # XML mixed content: text before the first <NUM_LOT> shows up as leading "" items.
    while len(texts) > len(numbers) and texts and not texts[0].strip():
        texts.pop(0)
    codes = _texts(_all(node, "NOMENC_LOT"))
    extras = _texts(_all(node, "INFOS_COMPLEMENTAIRES"))
    lots = []
    for position, lot_id in enumerate(_unique_lot_ids(list(numbers))):
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
    for rectif in _all(donnees, "RECTIF"):
        headings = _texts(_all(rectif, "RUB_INIT"))
        readings = _texts(_all(rectif, "LIRE"))
        for heading, reading in zip(headings, readings, strict=False):
            if "date limite" in fold(heading):
                found = french_datetime(reading)
                if found[0]:
                    return found
    return None, False


# --- eForms inside BOAMP (UBL as JSON) -------------------------------------------------

_EXTENSION = (
    "ext:UBLExtensions",
    "ext:UBLExtension",
    "ext:ExtensionContent",
    "efext:EformsExtension",
)
_CRITERION_LABELS = {"price": "Prix", "cost": "Coût", "quality": "Qualité"}


def _read_eforms(body: Mapping[str, Any]) -> DonneesFacts:
    facts = DonneesFacts("eforms")
    root, notice = next(((k, v) for k, v in body.items() if isinstance(v, Mapping)), ("", {}))
    facts.is_award = root == "ContractAwardNotice"
    facts.is_change = bool(_all(notice, *_EXTENSION, "efac:Changes"))
    project = _first(notice, "cac:ProcurementProject")
    facts.title = clean_line(_lang_text(_first(project, "cbc:Name")))
    facts.description = clean_text(_lang_text(_first(project, "cbc:Description")))
    facts.nature = nature_of(_texts(_all(project, "cbc:ProcurementTypeCode")))
    raw_lots = _all(notice, "cac:ProcurementProjectLot")
    projects = [project, *_all(raw_lots, "cac:ProcurementProject")]
    location = ("cac:RealizedLocation", "cac:Address", "cbc:CountrySubentityCode")
    facts.places = _texts(_all(projects, *location))
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
    main = _all(project, "cac:MainCommodityClassification", "cbc:ItemClassificationCode")
    extra = _all(project, "cac:AdditionalCommodityClassification", "cbc:ItemClassificationCode")
    return _texts(main + extra)


def _eforms_lot(lot: Any) -> Lot:
    project = _first(lot, "cac:ProcurementProject")
    period = _first(lot, "cac:TenderingProcess", "cac:TenderSubmissionDeadlinePeriod")
    try:
        deadline = combine_date_time(
            _text(_first(period, "cbc:EndDate")) or None,
            _text(_first(period, "cbc:EndTime")) or None,
        )
    except ValueError:
        deadline = None
    return Lot(
        id=clean_line(_text(_first(lot, "cbc:ID"))) or "1",
        title=clean_line(_lang_text(_first(project, "cbc:Name"))),
        description=clean_text(_lang_text(_first(project, "cbc:Description"))),
        cpv=normalise_cpv_list(_eforms_cpv(project)),
        deadline=deadline,
        criteria=_eforms_criteria(lot),
    )


def _eforms_criteria(lot: Any) -> list[AwardCriterion]:
    path = ("cac:TenderingTerms", "cac:AwardingTerms", "cac:AwardingCriterion")
    criteria = []
    for criterion in _all(lot, *path, "cac:SubordinateAwardingCriterion"):
        label = _CRITERION_LABELS.get(_text(_first(criterion, "cbc:AwardingCriterionTypeCode")), "")
        description = clean_text(_lang_text(_first(criterion, "cbc:Description")))
        name = clean_line(_lang_text(_first(criterion, "cbc:Name")))
        if not name:
            first_line = description.split("\n", 1)[0][:200]
            name = f"{label}: {first_line}" if label and first_line else label or first_line
        weight = None
        for parameter in _all(criterion, *_EXTENSION, "efac:AwardCriterionParameter"):
            code = _first(parameter, "efbc:ParameterCode")
            is_weight = _first(code, "@listName") == "number-weight" and _text(code) != "ord-imp"
            if is_weight:
                weight = number(_first(parameter, "efbc:ParameterNumeric"))
        if name:
            criteria.append(AwardCriterion(name=name, weight=weight))
    return criteria


def _eforms_buyer(notice: Any) -> tuple[str, str | None]:
    """The first contracting party's organisation: its name and SIRET (when French)."""
    wanted = _texts(
        _all(notice, "cac:ContractingParty", "cac:Party", "cac:PartyIdentification", "cbc:ID")
    )
    companies = _all(notice, *_EXTENSION, "efac:Organizations", "efac:Organization", "efac:Company")
    by_id = {_text(_first(c, "cac:PartyIdentification", "cbc:ID")): c for c in companies}
    company = next((by_id[w] for w in wanted if w in by_id), companies[0] if companies else None)
    name = clean_line(_lang_text(_first(company, "cac:PartyName", "cbc:Name")))
    return name, siret(_first(company, "cac:PartyLegalEntity", "cbc:CompanyID"))


# --- dispatcher ---------------------------------------------------------------------------


def read_donnees(donnees: Mapping[str, Any]) -> DonneesFacts:
    """Read ``donnees`` with the reader its keys call for (an empty reading if none fits)."""
    keys = {str(k) for k in donnees}
    if "EFORMS" in keys and isinstance(donnees["EFORMS"], Mapping):
        return _read_eforms(donnees["EFORMS"])
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
