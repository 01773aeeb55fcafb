"""The BOAMP record parser, on every record of the two real samples and on variants of them.

Variants (corrigendum, cancellation, award, eForms inside BOAMP, the v230 and
MAPA shapes, malformed records) are built by copying a real record and
changing a few fields, so every other value stays real.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from ingest.errors import MalformedRecordError
from ingest.parse.boamp import RAW_FORMAT, parse_boamp_record
from ingest.parse.boamp_values import criteria_from_text, french_datetime
from models.notice import AwardCriterion, Nature, NoticeStatus, ParsedRecord, RecordKind
from models.paths import BUNDLED_DATA_DIR

SAMPLES = BUNDLED_DATA_DIR / "samples"
PARIS = ZoneInfo("Europe/Paris")
FNSIMPLE = json.loads((SAMPLES / "boamp" / "ods_v21_records_5_fnsimple_2026.json").read_text())
V110 = json.loads((SAMPLES / "boamp" / "ods_v21_records_20_schema_v110_2006.json").read_text())
ALL_RECORDS = FNSIMPLE["results"] + V110["results"]
BY_IDWEB = {record["idweb"]: record for record in ALL_RECORDS}


def real(idweb: str) -> dict[str, Any]:
    """A deep copy of one real record, safe to modify."""
    return copy.deepcopy(BY_IDWEB[idweb])


def edit_json(record: dict[str, Any], name: str, change: Any) -> dict[str, Any]:
    """Decode ``gestion``/``donnees``, let ``change`` modify it, encode it back."""
    value = json.loads(record[name])
    change(value)
    record[name] = json.dumps(value, ensure_ascii=False)
    return record


def paris(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


# --- every real record -------------------------------------------------------------------


@pytest.mark.parametrize("record", ALL_RECORDS, ids=lambda r: r["idweb"])
def test_parse_real_record_gives_a_valid_notice(record: dict[str, Any]) -> None:
    parsed = parse_boamp_record(record)
    notice = parsed.notice
    assert notice.id == f"boamp:{record['idweb']}"
    assert notice.source == "boamp"
    assert notice.sources == [notice.id]
    assert notice.language == "fr"
    assert notice.title and "\n" not in notice.title
    assert notice.url == record["url_avis"]
    assert notice.published == date.fromisoformat(record["dateparution"])
    assert notice.place and all(len(code) >= 2 for code in notice.place)
    assert all(len(code) == 8 and code.isdigit() for code in notice.cpv)
    assert parsed.raw_format == RAW_FORMAT
    assert json.loads(parsed.raw) == record
    ParsedRecord.model_validate_json(parsed.model_dump_json())  # survives a round trip


def test_parse_real_records_kinds() -> None:
    kinds = {r["idweb"]: parse_boamp_record(r).kind for r in ALL_RECORDS}
    assert kinds.pop("BWP06181000031P") is RecordKind.cancellation
    assert kinds.pop("BWP06184060013B") is RecordKind.corrigendum
    assert set(kinds.values()) == {RecordKind.notice}


# --- FNSimple (current national notices) ---------------------------------------------


def test_parse_fnsimple_26_7298() -> None:
    parsed = parse_boamp_record(BY_IDWEB["26-7298"])
    notice = parsed.notice
    assert parsed.kind is RecordKind.notice
    assert parsed.parent_ids == []
    assert notice.title == "TRAVAUX D'AMENAGEMENTS INTERIEURS ET EXTERIEURS"
    assert notice.description == "TRAVAUX D'AMENAGEMENTS INTERIEURS ET EXTERIEURS"
    assert notice.buyer is not None
    assert notice.buyer.name == "COMMUNE DE LA MADELEINE"
    assert notice.buyer.id == "21590368300013"
    # gestion says 12:00+01:00, the flat field 12:00+00:00: it is noon in Paris.
    assert notice.deadline == datetime(2026, 2, 16, 11, 0, tzinfo=UTC)
    assert notice.deadline is not None and notice.deadline.tzinfo == PARIS
    assert notice.place == ["59"]
    # Main CPV, then the codes the buyer typed into "categorieAcheteur".
    assert notice.cpv == ["45432111", "44111400"]
    assert notice.lots == []
    assert notice.nature is Nature.works
    assert notice.status is NoticeStatus.open
    assert notice.published == date(2026, 1, 21)
    assert notice.url == "https://www.boamp.fr/pages/avis/?q=idweb:26-7298"
    assert notice.criteria == []  # "Critères énoncés dans les documents de la consultation"


def test_parse_fnsimple_lots_with_numbers_in_their_descriptions() -> None:
    notice = parse_boamp_record(BY_IDWEB["26-7308"]).notice
    assert [lot.id for lot in notice.lots] == ["1", "2", "3", "4", "5", "6", "7"]
    assert notice.lots[0].title == "Prestations pour l'URSSAF de Rouen (Seine Maritime)"
    assert notice.lots[6].title == "Prestations pour l'URSSAF d'Alençon-Valframbert (Orne)"
    assert all(lot.cpv == ["55520000"] for lot in notice.lots)
    assert notice.cpv == ["55520000"]
    assert notice.description.startswith("L'accord-cadre a pour objet")  # ’ normalised
    assert notice.deadline == paris(2026, 2, 27, 12, 0)  # gestion value without offset
    assert notice.place == ["76", "14", "27", "50", "61"]
    assert notice.nature is Nature.services
    assert notice.buyer is not None and notice.buyer.id == "90209799700016"


def test_parse_fnsimple_lot_numbers_and_cpv_order() -> None:
    notice = parse_boamp_record(BY_IDWEB["26-7319"]).notice
    assert [(lot.id, lot.title) for lot in notice.lots] == [("2", "Finition"), ("5", "Menuiserie")]
    assert notice.cpv == ["45454100", "45410000", "45421000"]  # main first, then the lots'
    assert notice.place == ["74", "69"]


def test_parse_fnsimple_lots_without_numbers_are_numbered_in_order() -> None:
    notice = parse_boamp_record(BY_IDWEB["26-7113"]).notice
    assert [lot.id for lot in notice.lots] == ["1", "2", "3", "4"]
    assert [lot.title for lot in notice.lots][1:] == [
        "TOITURE",
        "MENUISERIE EXTÉRIEURE",
        "PEINTURE INTÉRIEURE",
    ]
    assert notice.lots[1].description.startswith("TOITURE\nRévision de la toiture")
    assert notice.cpv == ["45443000", "45261900", "45421000", "45442100"]
    # code_departement "2", "8" are zero-padded.
    assert notice.place == ["02", "08", "10", "51", "52", "54", "55", "57", "77"]
    assert notice.deadline == paris(2026, 2, 20, 11, 0)


def test_parse_title_is_one_clean_line() -> None:
    notice = parse_boamp_record(BY_IDWEB["26-7109"]).notice
    assert notice.title.endswith("Exercices Comptables 2026-2031 De La Spl Levaparc")
    record = real("26-7298")
    record["objet"] = "Travaux   de la Communauté d&#039;Agglomération\n(lot unique)"
    assert parse_boamp_record(record).notice.title == (
        "Travaux de la Communauté d'Agglomération (lot unique)"
    )


def test_parse_flat_deadline_is_a_last_resort_read_as_paris_time() -> None:
    record = real("26-7298")
    edit_json(record, "gestion", lambda g: g["INDEXATION"].pop("DATE_LIMITE_REPONSE"))
    edit_json(
        record,
        "donnees",
        lambda d: d["FNSimple"]["initial"]["procedure"].pop("dateReceptionOffres"),
    )
    # "2026-02-16T12:00:00+00:00" is Paris wall-clock time labelled as UTC.
    assert parse_boamp_record(record).notice.deadline == paris(2026, 2, 16, 12, 0)


def test_parse_flat_midnight_deadline_means_a_bare_date() -> None:
    record = real("BXP06181020621O")  # flat "2006-07-21T00:00:00+00:00"
    edit_json(record, "gestion", lambda g: g["INDEXATION"].update(DATE_LIMITE_REPONSE=""))
    edit_json(record, "donnees", lambda d: d.pop("DELAI"))
    assert parse_boamp_record(record).notice.deadline == paris(2006, 7, 21, 23, 59)


def test_parse_donnees_deadline_when_gestion_has_none() -> None:
    record = real("26-7308")
    edit_json(record, "gestion", lambda g: g["INDEXATION"].pop("DATE_LIMITE_REPONSE"))
    record["datelimitereponse"] = None
    assert parse_boamp_record(record).notice.deadline == paris(2026, 2, 27, 12, 0)


# --- Boamp_v110 (2006) -------------------------------------------------------------------


def test_parse_v110_initial_notice() -> None:
    notice = parse_boamp_record(BY_IDWEB["BXP06181020621O"]).notice
    assert notice.title == (
        "travaux de restructuration, extension et création d'un bassin supplémentaire "
        "au centre nautique de Chenôve"
    )
    assert notice.description.startswith("restructuration, extension et création")
    assert notice.buyer is not None and notice.buyer.name == "ville de Chenôve"
    assert notice.buyer.id is None
    # gestion has the date only; donnees adds ", à 12 heures" (summer: UTC+2).
    assert notice.deadline == paris(2006, 7, 21, 12, 0)
    assert notice.deadline is not None and notice.deadline.utcoffset() == timedelta(hours=2)
    assert [(lot.id, lot.title) for lot in notice.lots] == [("1", "gros oeuvre"), ("4", "bardages")]
    assert notice.criteria == [
        AwardCriterion(
            name="compétences techniques et méthode d'exécution en milieu occupé", weight=60
        ),
        AwardCriterion(name="prix des prestations", weight=40),
    ]
    assert notice.place == ["21"]
    assert notice.nature is Nature.works


@pytest.mark.parametrize(
    ("idweb", "deadline"),
    [
        ("BXP06184050631X", paris(2006, 9, 1, 17, 0)),  # "1er septembre 2006", ", à 17 heures"
        ("BXP06184050691F", paris(2006, 7, 19, 17, 15)),  # ", à 17 h 15"
        ("BXP06184040153H", paris(2006, 7, 20, 16, 30)),  # ", à 16 h 30"
        ("BWP06184060791N", paris(2006, 8, 2, 17, 0)),  # gestion "2006-08-2", not padded
    ],
)
def test_parse_v110_deadline_from_french_text(idweb: str, deadline: datetime) -> None:
    assert parse_boamp_record(BY_IDWEB[idweb]).notice.deadline == deadline


def test_parse_v110_cpv_lots_and_nuts() -> None:
    notice = parse_boamp_record(BY_IDWEB["BWP06181100013U"]).notice
    assert len(notice.lots) == 18
    assert notice.lots[1].id == "2" and notice.lots[1].title == "Gros oeuvre"
    assert notice.lots[1].cpv == ["45223220"]
    assert notice.lots[5].cpv == []  # 28120000 is a CPV 2003 code, gone from CPV 2008
    assert notice.cpv[:3] == ["45454000", "45112500", "45223220"]
    wattignies = parse_boamp_record(BY_IDWEB["BWP06184060791N"]).notice
    assert wattignies.cpv == ["45212200", "45313100"]  # CPV_OBJ then ART27CMP
    assert wattignies.place == ["59", "FR301"]  # CODE_NUTS "FR301." without its dot
    # CODE_NUTS "FR." names the whole country: not a place worth keeping.
    assert parse_boamp_record(BY_IDWEB["BWP06181060191B"]).notice.place == ["62"]


def test_parse_v110_lot_texts_after_mixed_content() -> None:
    # LOTS.AUTRES is ["", "Traitement…", "Transport…"] for NUM_LOT ["1", "2"].
    lots = parse_boamp_record(BY_IDWEB["BXP06184050631X"]).notice.lots
    assert [(lot.id, lot.title[:10]) for lot in lots] == [("1", "Traitement"), ("2", "Transport ")]
    # NUM_LOT in the notice's own order, "1" last.
    biaudos = parse_boamp_record(BY_IDWEB["BWP061840703432"]).notice.lots
    assert [lot.id for lot in biaudos][:2] == ["2", "3"] and biaudos[-1].id == "1"


@pytest.mark.parametrize(
    ("idweb", "criteria"),
    [
        ("BWP06184070151T", [("Prix des prestations", 40), ("Délai d'exécution par poste", 10)]),
        ("BWP06181040231L", [("prix", 60), ("délais", 20), ("valeur technique", 20)]),
        (
            "BXP06184040153H",
            [
                ("qualité des produits proposés et conformité au cctp", None),
                ("prix des prestations", None),
            ],
        ),
        ("BXP06181020651X", [("Prix", 100)]),  # CRITERES_PRIX: price alone
        ("BWP06181100013U", []),  # CRITERES_CCTP: in the documents only
    ],
)
def test_parse_v110_award_criteria(idweb: str, criteria: list[tuple[str, float | None]]) -> None:
    found = parse_boamp_record(BY_IDWEB[idweb]).notice.criteria
    assert [(c.name, c.weight) for c in found] == criteria


def test_parse_v110_cancellation() -> None:
    parsed = parse_boamp_record(BY_IDWEB["BWP06181000031P"])
    assert parsed.kind is RecordKind.cancellation
    assert parsed.notice.status is NoticeStatus.cancelled
    assert parsed.parent_ids == ["boamp:BWP06151100141C"]
    assert parsed.notice.deadline is None


def test_parse_v110_corrigendum_carries_the_new_deadline() -> None:
    parsed = parse_boamp_record(BY_IDWEB["BWP06184060013B"])
    assert parsed.kind is RecordKind.corrigendum
    # annonces_anterieures_schema_v110 is two JSON objects joined by a comma.
    assert parsed.parent_ids == ["boamp:BWP06173060423D", "boamp:BWP06173080211A"]
    # RECTIF: "date limite de réception des offres", read "24 juillet 2006, à 12 heures".
    assert parsed.notice.deadline == paris(2006, 7, 24, 12, 0)
    assert parsed.notice.status is NoticeStatus.open


# --- corrigenda, cancellations and awards derived from a current record -------------


def test_parse_rectificatif_is_a_corrigendum_with_updated_fields() -> None:
    record = real("26-7298")
    record.update(etat="RECTIFICATIF", annonce_lie=["26-1234"])
    edit_json(
        record,
        "gestion",
        lambda g: g["INDEXATION"].update(DATE_LIMITE_REPONSE="2026-03-02T12:00:00.000+01:00"),
    )
    parsed = parse_boamp_record(record)
    assert parsed.kind is RecordKind.corrigendum
    assert parsed.parent_ids == ["boamp:26-1234"]
    assert parsed.notice.id == "boamp:26-7298"
    assert parsed.notice.deadline == paris(2026, 3, 2, 12, 0)


@pytest.mark.parametrize(
    "change",
    [
        {"nature_categorise_libelle": "Rectificatif/"},
        {"nature": "RECTIFICATIF"},
        {"etat": "MODIFICATION"},
    ],
)
def test_parse_corrigendum_from_any_classification_field(change: dict[str, str]) -> None:
    record = real("26-7308")
    record.update(change, annonce_lie="26-1234")
    parsed = parse_boamp_record(record)
    assert parsed.kind is RecordKind.corrigendum
    assert parsed.parent_ids == ["boamp:26-1234"]


def test_parse_annulation_reads_parents_from_annonces_anterieures() -> None:
    record = real("26-7113")
    record["etat"] = "ANNULATION"
    record["nature_categorise_libelle"] = "Annulation/"
    record["annonces_anterieures"] = json.dumps(
        {"ANNONCE_ANTERIEURE": {"IDWEB": "25-98765", "DATE_PUBLICATION": "2014-10-15"}}
    )
    parsed = parse_boamp_record(record)
    assert parsed.kind is RecordKind.cancellation
    assert parsed.notice.status is NoticeStatus.cancelled
    # Only the IDWEB value: "10-15" inside the date is not an idweb.
    assert parsed.parent_ids == ["boamp:25-98765"]


def test_parse_attribution_is_an_award() -> None:
    record = real("26-7109")
    record.update(
        nature="ATTRIBUTION",
        nature_libelle="Résultat de marché",
        titulaire=["CABINET AUDIT SA", "CABINET AUDIT SA"],
        annonce_lie=["26-7109", "25-54321"],
    )
    parsed = parse_boamp_record(record)
    assert parsed.kind is RecordKind.award
    assert parsed.notice.status is NoticeStatus.awarded
    assert parsed.parent_ids == ["boamp:25-54321"]  # never the record itself


def test_parse_titulaire_alone_makes_an_award() -> None:
    record = real("26-7109")
    record["titulaire"] = ["CABINET AUDIT SA"]
    assert parse_boamp_record(record).kind is RecordKind.award


def test_parse_initial_notice_has_no_parents_even_when_linked() -> None:
    record = real("26-7319")  # a "Relance" may link to the first call
    record["annonce_lie"] = ["25-11111"]
    parsed = parse_boamp_record(record)
    assert parsed.kind is RecordKind.notice
    assert parsed.parent_ids == []


# --- eForms inside BOAMP ---------------------------------------------------------------


def xml_to_json(element: Any) -> Any:
    """lxml element → the JSON shape BOAMP stores: prefixed keys, ``@attr``, ``#text``."""
    children = [child for child in element if isinstance(child.tag, str)]
    node: dict[str, Any] = {f"@{etree.QName(k).localname}": v for k, v in element.attrib.items()}
    text = (element.text or "").strip()
    if not children and not node:
        return text
    if text:
        node["#text"] = text
    repeated: set[str] = set()
    for child in children:
        name = etree.QName(child).localname
        key = f"{child.prefix}:{name}" if child.prefix else name
        value = xml_to_json(child)
        if key in node and key not in repeated:
            node[key] = [node[key]]
            repeated.add(key)
        if key in repeated:
            node[key].append(value)
        else:
            node[key] = value
    return node


def eforms_record(xml_name: str, *, root: str | None = None) -> dict[str, Any]:
    """Real record 26-7298 carrying a real eForms notice, without flat title, buyer or deadline."""
    element = etree.parse(str(SAMPLES / "ted" / xml_name)).getroot()
    notice = xml_to_json(element)
    record = real("26-7298")
    record.update(objet=None, nomacheteur=None, datelimitereponse=None, famille="JOUE")
    record["donnees"] = json.dumps(
        {"EFORMS": {root or etree.QName(element).localname: notice}}, ensure_ascii=False
    )
    edit_json(record, "gestion", lambda g: g["INDEXATION"].pop("DATE_LIMITE_REPONSE"))
    return record


def test_parse_eforms_in_boamp_notice() -> None:
    parsed = parse_boamp_record(eforms_record("eforms_real_547670-2023_FRA_cn-social.xml"))
    notice = parsed.notice
    assert parsed.kind is RecordKind.notice
    assert notice.title.startswith("Accord-cadre pluriannuel de services ayant pour objet")
    assert notice.buyer is not None and notice.buyer.name == "Université de Namur"
    assert notice.buyer.id is None  # a Belgian company number, not a SIRET
    assert notice.cpv == ["55000000", "55500000"]
    assert [lot.id for lot in notice.lots] == ["LOT-0001", "LOT-0002", "LOT-0003"]
    assert notice.lots[0].title == "2023UN021 - 1"
    deadline = datetime(2023, 10, 11, 12, 0, tzinfo=UTC)  # 14:00+02:00
    assert all(lot.deadline == deadline for lot in notice.lots)
    assert notice.deadline == deadline
    assert [c.name.split(":")[0] for c in notice.lots[0].criteria] == ["Prix", "Qualité", "Qualité"]
    assert notice.criteria == []  # the lots' criteria differ
    assert notice.nature is Nature.works  # the flat type_marche wins over donnees
    assert "BE352" in notice.place


def test_parse_eforms_in_boamp_weights_and_siret() -> None:
    record = eforms_record("eforms_real_309890-2023_ENG_cn-standard.xml")
    record["donnees"] = record["donnees"].replace(
        '"cbc:CompanyID": "JRC"', '"cbc:CompanyID": "130 026 123 00013"'
    )
    notice = parse_boamp_record(record).notice
    assert notice.criteria == [
        AwardCriterion(name="Prix", weight=40),
        AwardCriterion(name="Qualité", weight=60),
    ]
    assert notice.buyer is not None and notice.buyer.id == "13002612300013"
    assert notice.deadline == datetime(2023, 7, 11, 14, 0, tzinfo=UTC)


def test_parse_eforms_award_and_change_notices() -> None:
    award = eforms_record("eforms_real_643121-2023_FRA_cn-standard.xml", root="ContractAwardNotice")
    award["annonce_lie"] = ["23-12345"]
    parsed = parse_boamp_record(award)
    assert parsed.kind is RecordKind.award
    assert parsed.parent_ids == ["boamp:23-12345"]

    change = eforms_record("eforms_real_643121-2023_FRA_cn-standard.xml")
    extension = '"efext:EformsExtension": {'
    change["donnees"] = change["donnees"].replace(
        extension, extension + '"efac:Changes": {"efbc:ChangedNoticeIdentifier": "x"}, ', 1
    )
    assert parse_boamp_record(change).kind is RecordKind.corrigendum


# --- the v230 archive and MAPA shapes (values from real records) -------------------------


def test_parse_v230_shape() -> None:
    record = real("BWP06181100013U")  # values below are this real notice's
    record["donnees"] = json.dumps(
        {
            "IDENTITE": {
                "DENOMINATION": "conseil général de la Mayenne.",
                "CODE_IDENT_NATIONAL": "22530001300015",
            },
            "OBJET": {
                "TITRE_MARCHE": "restructuration des locaux du collège Volney, à Craon",
                "OBJET_COMPLET": "restructuration des locaux du collège Volney à Craon.",
                "CPV": {"PRINCIPAL": "45454000", "SUPPLEMENTAIRE": ["45112500", "45223220"]},
                "LIEU_EXEC_LIVR": {"CODE_NUTS": "FRG03"},
                "LOTS": {
                    "LOT": [
                        {
                            "NUM": "1",
                            "INTITULE": "Terrassement - VRD.",
                            "CPV": {"PRINCIPAL": "45112500"},
                        },
                        {"NUM": "2", "INTITULE": "Gros oeuvre.", "CPV": {"PRINCIPAL": "45223220"}},
                    ]
                },
            },
            "PROCEDURE": {
                "CRITERES_ATTRIBUTION": {
                    "CRITERES_PONDERES": {
                        "CRITERE": [
                            {"@POIDS": "60", "#text": "Valeur technique"},
                            {"@POIDS": "40", "#text": "Prix"},
                        ]
                    }
                }
            },
            "CONDITION_DELAI": {"RECEPT_OFFRES": "2006-09-13T12:00:00"},
            "MARCHE": {"ANNONCE_ANTERIEUR": {"REFERENCE": {"IDWEB": "06-123456"}}},
        },
        ensure_ascii=False,
    )
    edit_json(record, "gestion", lambda g: g["INDEXATION"].pop("DATE_LIMITE_REPONSE"))
    record["etat"] = "RECTIFICATIF"
    parsed = parse_boamp_record(record)
    notice = parsed.notice
    assert notice.buyer is not None
    assert (notice.buyer.name, notice.buyer.id) == (
        "conseil général de la Mayenne",
        "22530001300015",
    )
    assert notice.cpv == ["45454000", "45112500", "45223220"]
    assert [(lot.id, lot.title) for lot in notice.lots] == [
        ("1", "Terrassement - VRD"),
        ("2", "Gros oeuvre"),
    ]
    assert notice.criteria == [
        AwardCriterion(name="Valeur technique", weight=60),
        AwardCriterion(name="Prix", weight=40),
    ]
    assert notice.deadline == paris(2006, 9, 13, 12, 0)
    assert notice.place == ["53", "FRG03"]
    assert parsed.parent_ids == ["boamp:06-123456"]


def test_parse_mapa_shape() -> None:
    record = real("26-7109")
    record["donnees"] = json.dumps(
        {
            "MAPA": {
                "organisme": {"acheteurPublic": "Spl Levaparc"},
                "initial": {
                    "description": {"objet": "Mandat de commissaires aux comptes 2026-2031"},
                    "criteres": {
                        "criterePondere": [
                            {"criterePCT": "60", "critere": "Valeur technique"},
                            {"criterePCT": "40", "critere": "Prix"},
                        ]
                    },
                },
            }
        }
    )
    notice = parse_boamp_record(record).notice
    assert notice.buyer is not None and notice.buyer.name == "Spl Levaparc"
    assert [(c.name, c.weight) for c in notice.criteria] == [("Valeur technique", 60), ("Prix", 40)]
    assert notice.cpv == []
    assert notice.deadline == paris(2026, 3, 6, 12, 0)  # from gestion


def test_parse_unknown_donnees_falls_back_to_flat_fields() -> None:
    record = real("26-7298")
    record["donnees"] = json.dumps({"AUTRE_SCHEMA": {"x": "y"}})
    notice = parse_boamp_record(record).notice
    assert notice.title == "TRAVAUX D'AMENAGEMENTS INTERIEURS ET EXTERIEURS"
    assert notice.buyer is not None and notice.buyer.name == "COMMUNE DE LA MADELEINE"
    assert notice.buyer.id is None
    assert notice.deadline == paris(2026, 2, 16, 12, 0)
    assert notice.cpv == []


# --- shapes of the record itself ----------------------------------------------------------


@pytest.mark.parametrize(
    "wrap",
    [
        lambda r: {"record": {"id": "x", "fields": r}},
        lambda r: {"fields": r},
    ],
    ids=["v2.0 record.fields", "fields"],
)
def test_parse_v20_wrapped_records(wrap: Any) -> None:
    flat = parse_boamp_record(BY_IDWEB["26-7308"]).notice
    assert parse_boamp_record(wrap(real("26-7308"))).notice == flat


def test_parse_decoded_gestion_and_donnees() -> None:
    record = real("26-7298")
    record["gestion"] = json.loads(record["gestion"])
    record["donnees"] = json.loads(record["donnees"])
    assert parse_boamp_record(record).notice == parse_boamp_record(BY_IDWEB["26-7298"]).notice


def test_parse_missing_idweb_falls_back_to_gestion() -> None:
    record = real("26-7298")
    del record["idweb"]
    assert parse_boamp_record(record).notice.id == "boamp:26-7298"


# --- malformed records -------------------------------------------------------------------


def no_idweb() -> dict[str, Any]:
    record = real("26-7298")
    record["idweb"] = None
    return edit_json(record, "gestion", lambda g: g["REFERENCE"].pop("IDWEB"))


def no_title() -> dict[str, Any]:
    record = real("BXP06181020621O")
    record["objet"] = "  "
    return edit_json(record, "gestion", lambda g: g["INDEXATION"].update(RESUME_OBJET=""))


def bad_donnees() -> dict[str, Any]:
    record = real("26-7298")
    record["donnees"] = record["donnees"][:200]
    return record


def list_gestion() -> dict[str, Any]:
    record = real("26-7298")
    record["gestion"] = "[1, 2]"
    return record


def spaced_idweb() -> dict[str, Any]:
    record = real("26-7298")
    record["idweb"] = "26 7298"
    return record


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (no_idweb, "no idweb"),
        (no_title, "boamp:BXP06181020621O: no title"),
        (bad_donnees, r"donnees is not valid JSON: Unterminated string"),
        (list_gestion, "gestion is list, not a JSON object"),
        (spaced_idweb, "contains whitespace"),
        (lambda: ["not", "a", "record"], "a BOAMP record is a JSON object"),
        (lambda: {"fields": "oops"}, "'fields' is not a JSON object"),
    ],
    ids=["no-idweb", "no-title", "bad-donnees", "list-gestion", "spaced-idweb", "list", "fields"],
)
def test_parse_malformed_record_is_rejected_with_its_reason(make: Any, reason: str) -> None:
    with pytest.raises(MalformedRecordError, match=reason):
        parse_boamp_record(make())


# --- helpers -------------------------------------------------------------------------------


def test_french_datetime_forms() -> None:
    assert french_datetime("1er septembre 2006") == (paris(2006, 9, 1, 23, 59), False)
    assert french_datetime("2 août 2006", [", à 9 h"]) == (paris(2006, 8, 2, 9, 0), True)
    assert french_datetime("30 février 2006") == (None, False)
    assert french_datetime("n'importe quoi") == (None, False)


def test_criteria_from_free_text() -> None:
    assert criteria_from_text("Critères énoncés dans les documents de la consultation") == []
    bullets = (
        "Offre économiquement la plus avantageuse appréciée en fonction des critères "
        "énoncés ci-dessous avec leur pondération : - valeur technique : 60 % - prix : 40 %"
    )
    assert [(c.name, c.weight) for c in criteria_from_text(bullets)] == [
        ("valeur technique", 60),
        ("prix", 40),
    ]
    assert [
        (c.name, c.weight) for c in criteria_from_text("Prix : 40 % ; Valeur technique : 60 %")
    ] == [
        ("Prix", 40),
        ("Valeur technique", 60),
    ]
