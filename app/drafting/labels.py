"""French labels and formats shared by the draft builder and its renderers.

Dates are formatted by hand rather than through ``locale``: the server's locale
is not ours to choose, and a draft must read the same wherever it is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from models.consortium import LegalForm, TeamRole
from models.group import Document, OwnerRole
from models.vocabulary.time import PARIS

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

OWNER_ROLE_LABELS: dict[OwnerRole, str] = {
    OwnerRole.lead: "Pilote du groupe",
    OwnerRole.mandataire: "Mandataire",
    OwnerRole.contributors: "Contributeurs",
    OwnerRole.members: "Toute l'équipe",
}

TEAM_ROLE_LABELS: dict[TeamRole, str] = {
    TeamRole.mandataire: "Mandataire",
    TeamRole.cotraitant: "Cotraitant",
    TeamRole.subcontractor: "Sous-traitant",
}

LEGAL_FORM_LABELS: dict[LegalForm, str] = {
    LegalForm.cae: "Réponse de la coopérative (CAE), candidat unique",
    LegalForm.joint: "Groupement conjoint",
    LegalForm.joint_and_several: "Groupement solidaire",
}

DOCUMENT_TITLES: dict[Document, str] = {
    Document.DC1: "DC1 — Lettre de candidature",
    Document.DC2: "DC2 — Déclaration du candidat",
    Document.DUME: "DUME — Document unique de marché européen",
    Document.DC4: "DC4 — Déclaration de sous-traitance",
    Document.memoire_technique: "Mémoire technique",
    Document.price_schedule: "Bordereau des prix / DPGF",
}


def format_day(day: date) -> str:
    """``jeudi 24/12/2026``."""
    return f"{WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"


def format_deadline(moment: datetime) -> str:
    """``vendredi 18/12/2026 à 12:00 (heure de Paris)``."""
    local = moment.astimezone(PARIS)
    return f"{format_day(local.date())} à {local:%H:%M} (heure de Paris)"


def format_share(share: float) -> str:
    """``40 %`` (French spacing, no decimals unless needed)."""
    percent = round(share * 100, 1)
    return f"{percent:g} %"


def format_percent(value: float) -> str:
    """``60 %`` for a value already on a 100 scale."""
    return f"{round(value, 1):g} %"


def lot_label(lot: str | None, title: str) -> str:
    """``Lot 2 — Animation`` or, for a notice without lots, its title."""
    if lot is None:
        return title
    return f"Lot {lot} — {title}" if title else f"Lot {lot}"


def join_names(names: Sequence[str]) -> str:
    """``A, B et C``."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} et {names[-1]}"
