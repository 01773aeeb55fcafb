"""BOAMP notices in the DILA API shape (``{"gestion": {...}, "donnees": {...}}``).

The DILA BOAMP API serves the archive schema (``Boamp_v230``) that the
Opendatasoft records carry as JSON strings, but as nested objects whose keys
are lower case without underscores (``conditiondelai.receptoffres``), whose
dates are epoch milliseconds and whose XML flags are empty XML documents
(``"mapa": "<?xml …?><MAPA/>"``), every absent flag being listed as ``null``.
This module rewrites such a notice into the Opendatasoft record shape (upper-case
keys of :data:`DONNEES_KEYS`, Paris wall-clock dates, absent flags dropped) so
that :func:`ingest.parse.boamp.parse_boamp_record` and the same ``donnees``
readers serve both; the raw record kept is the DILA payload itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ingest.parse.boamp import parse_boamp_record
from models.notice import ParsedRecord
from models.vocabulary.time import PARIS

RAW_FORMAT = "boamp-dila"
DONNEES_KEYS = frozenset(
    """IDENTITE DENOMINATION NOM_ORGANISME CODE_IDENT_NATIONAL OBJET TITRE_MARCHE
    OBJET_COMPLET LOTS LOT DIV_EN_LOTS CPV PRINCIPAL SUPPLEMENTAIRE LIEU_EXEC_LIVR CODE_NUTS
    PROCEDURE CRITERES_ATTRIBUTION CRITERES_PONDERES CRITERES_PRIORITES CRITERES_QUALITE
    CRITERE POIDS CRITERES_COUT CRITERES_PRIX CRITERES_LIBRE CONDITION_DELAI RECEPT_OFFRES
    RECEPT_CANDIDAT ATTRIBUTION NUM INTITULE DESCRIPTION REFERENCE IDWEB TYPE_AVIS NATURE
    STATUT INDEXATION DATE_LIMITE_REPONSE DATE_PUBLICATION DATE_FIN_DIFFUSION DEP_PUBLICATION
    RESUME_OBJET DESCRIPTEURS DESCRIPTEUR TYPE_MARCHE APPEL_OFFRE""".split()
)
_BY_COMPACT = {key.replace("_", ""): key for key in DONNEES_KEYS}
_DATE_KEYS = frozenset({"DATE_LIMITE_REPONSE", "DATE_PUBLICATION", "DATE_FIN_DIFFUSION"})
_DATE_KEYS |= {"RECEPT_OFFRES", "RECEPT_CANDIDAT"}
_NATURES = {"SERVICE": "SERVICES", "TRAVAUX": "TRAVAUX", "FOURNITURE": "FOURNITURES"}


def is_dila_notice(payload: object) -> bool:
    """A DILA-shape notice: ``gestion.reference.idweb`` and a ``donnees`` object."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("donnees"), Mapping):
        return False
    reference = payload.get("gestion", {}).get("reference") if _is_map(payload, "gestion") else {}
    return isinstance(reference, Mapping) and bool(reference.get("idweb"))


def parse_dila_notice(payload: Mapping[str, Any]) -> ParsedRecord:
    """Parse one DILA-shape notice with the Opendatasoft record parser."""
    gestion = _rewrite(payload.get("gestion"))
    donnees = _rewrite(payload.get("donnees"))
    record = {
        "idweb": gestion.get("REFERENCE", {}).get("IDWEB"),
        "gestion": gestion,
        "donnees": donnees,
        "type_marche": _natures(donnees),
    }
    parsed = parse_boamp_record(record)
    raw = json.dumps(payload, ensure_ascii=False)
    return parsed.model_copy(update={"raw": raw, "raw_format": RAW_FORMAT})


def _rewrite(node: Any, key: str = "") -> Any:
    """Upper-case known keys, Paris dates for epoch ms, XML flags as ``""``, ``value`` as text."""
    if isinstance(node, Mapping):
        rewritten = {}
        for name, value in node.items():
            if value is None:
                continue  # an absent flag or field
            upper = str(name).upper()
            new_key = "#text" if upper == "VALUE" else _BY_COMPACT.get(upper, upper)
            rewritten[new_key] = _rewrite(value, new_key)
        return rewritten
    if isinstance(node, list):
        return [_rewrite(item, key) for item in node]
    if isinstance(node, str) and node.startswith("<?xml"):
        return ""
    if isinstance(node, int) and key in _DATE_KEYS:
        moment = datetime.fromtimestamp(node / 1000, tz=UTC).astimezone(PARIS)
        return moment.replace(tzinfo=None).isoformat()
    return node


def _natures(donnees: Mapping[str, Any]) -> list[str]:
    objets = donnees.get("OBJET")
    found = []
    for objet in objets if isinstance(objets, list) else [objets]:
        kinds = objet.get("TYPE_MARCHE", {}) if isinstance(objet, Mapping) else {}
        found += [_NATURES[k] for k in kinds if k in _NATURES]
    return list(dict.fromkeys(found))


def _is_map(payload: Mapping[str, Any], key: str) -> bool:
    return isinstance(payload.get(key), Mapping)
