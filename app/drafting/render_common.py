"""What every document renderer shows, as plain strings: headings, metadata, table rows.

Markdown and DOCX only differ in markup; building their content here keeps the
two formats saying exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.drafting.labels import (
    LEGAL_FORM_LABELS,
    OWNER_ROLE_LABELS,
    TEAM_ROLE_LABELS,
    format_day,
    format_deadline,
    format_percent,
    format_share,
    join_names,
    lot_label,
)
from models.draft import ChecklistItem, Draft, LotOutline, PlannedStep, SlottedItem
from models.member import MemberKind

TITLE = "Brouillon de réponse"
H_WARNINGS = "Points d'attention"
H_PLANNING = "Rétroplanning"
H_TEAM = "Équipe et forme juridique"
H_CHECKLIST = "Pièces administratives"
H_MEMOIRE = "Mémoire technique"
H_NEED = "Besoin de l'acheteur"
H_CRITERIA = "Critères d'attribution"
H_QUESTIONS = "Questions à l'acheteur"
H_GAPS = "Points encore ouverts"
DEADLINE_LABEL = "Date limite de remise des offres"


@dataclass(frozen=True)
class Table:
    """A table as header cells and rows of cells (same length)."""

    headers: list[str]
    rows: list[list[str]]


def title(draft: Draft) -> str:
    """The document title."""
    return f"{TITLE} — {draft.notice_title}"


def metadata(draft: Draft) -> list[tuple[str, str]]:
    """Label/value lines under the title."""
    group = draft.group_name
    if draft.cooperative:
        group += f" — {draft.cooperative}"
    lines = [("Avis", draft.notice_id)]
    if draft.buyer:
        lines.append(("Acheteur", draft.buyer))
    if draft.notice_url:
        lines.append(("Lien", draft.notice_url))
    lines += [
        (DEADLINE_LABEL, format_deadline(draft.deadline)),
        ("Groupe", group),
        ("Forme juridique", LEGAL_FORM_LABELS[draft.legal_form]),
        ("Mandataire", draft.name_of(draft.mandataire)),
        ("Généré le", format_deadline(draft.generated_at)),
    ]
    return lines


def planning_table(draft: Draft) -> Table:
    """One row per step, then the deadline itself."""
    rows = [
        [
            f"{format_day(step.due)} (J-{step.offset_days})",
            step.title,
            owners_text(draft, step),
            step_remark(step),
        ]
        for step in draft.planning
    ]
    rows.append([format_deadline(draft.deadline), DEADLINE_LABEL, "", ""])
    return Table(["Échéance", "Étape", "Responsable", "Remarque"], rows)


def owners_text(draft: Draft, step: PlannedStep) -> str:
    """``Pilote du groupe : Inès Moreau``."""
    names = join_names([draft.name_of(owner) for owner in step.owners])
    return f"{OWNER_ROLE_LABELS[step.owner_role]} : {names}"


def step_remark(step: PlannedStep) -> str:
    """Why a step moved and whether it is already past."""
    remarks = []
    if step.moved_from is not None:
        remarks.append(f"Avancée : {step.moved_reason}")
    if step.in_past:
        remarks.append("Déjà passée")
    return ". ".join(remarks)


def team_table(draft: Draft) -> Table:
    """One row per team member."""
    labels = {item.id: checklist_short_label(draft, item) for item in draft.checklist}
    rows = [
        [
            entry.name,
            TEAM_ROLE_LABELS[entry.role]
            + (" (partenaire)" if entry.kind is MemberKind.partner else ""),
            ", ".join(f"Lot {lot}" for lot in entry.lots) or "Tout l'avis",
            format_share(entry.share),
            ", ".join(labels.get(item, item) for item in entry.signs) or "—",
        ]
        for entry in draft.team
    ]
    return Table(["Membre", "Rôle", "Lots", "Part", "Signe"], rows)


def checklist_short_label(draft: Draft, item: ChecklistItem) -> str:
    """``DC1`` or ``DC4 (Alexandre Martin)``: the document code and who it is for."""
    if item.document.value in ("DC1", "DC2", "DUME") or item.for_member is None:
        return item.document.value
    return f"{item.document.value} ({draft.name_of(item.for_member)})"


def checklist_table(draft: Draft) -> Table:
    """One row per document to produce."""
    coop = draft.cooperative or "la coopérative"
    rows = []
    for item in draft.checklist:
        signers = [draft.name_of(member) for member in item.signatories]
        if item.signed_by_cooperative:
            signers.insert(0, f"Représentant légal de {coop}")
        concerns = draft.name_of(item.for_member) if item.for_member else "—"
        note = item.note
        if item.alternative_to:
            codes = ", ".join(document.value for document in item.alternative_to)
            note = f"Alternative à : {codes}. {note}".strip()
        rows.append(
            [
                item.title,
                concerns,
                draft.name_of(item.owner),
                join_names(signers) or "—",
                format_day(item.due),
                note,
            ]
        )
    return Table(["Pièce", "Concerne", "Prépare", "Signataires", "Échéance", "Remarque"], rows)


def lot_heading(outline: LotOutline) -> str:
    """``Lot 1 — Enquête`` (or the notice title)."""
    return lot_label(outline.lot, outline.title)


def criteria_table(outline: LotOutline) -> Table | None:
    """The award criteria in the buyer's order, ``None`` when the notice gives none."""
    if not outline.criteria:
        return None
    rows = [
        [
            str(criterion.rank),
            criterion.name,
            format_percent(criterion.weight_percent)
            if criterion.weight_percent is not None
            else "non précisée",
        ]
        for criterion in outline.criteria
    ]
    return Table(["Rang", "Critère", "Pondération"], rows)


def criteria_source_text(outline: LotOutline) -> str:
    """Where the criteria were read."""
    where = "du lot" if outline.criteria_source == "lot" else "de l'avis"
    return f"Dans l'ordre donné par l'acheteur (critères {where})."


def team_line(draft: Draft, outline: LotOutline) -> str:
    """``Équipe du lot : A (mandataire), B``."""
    roles = {entry.member_id: entry for entry in draft.team}
    names = []
    for member in outline.members:
        entry = roles.get(member)
        suffix = f" ({TEAM_ROLE_LABELS[entry.role].lower()})" if entry else ""
        names.append(f"{draft.name_of(member)}{suffix}")
    return f"Équipe : {', '.join(names) or 'personne'}"


def item_parts(draft: Draft, item: SlottedItem) -> tuple[str, str]:
    """(who, what) for a slotted item; renderers put ``who`` in bold."""
    return draft.name_of(item.member_id), item.text


def questions_text(draft: Draft) -> str:
    """When questions are due, and from which step."""
    step = next((s for s in draft.planning if s.key == draft.questions_step), None)
    text = f"À envoyer à l'acheteur au plus tard le {format_day(draft.questions_due)}"
    if step is not None:
        return f"{text} (étape « {step.title} », {owners_text(draft, step)})."
    return f"{text} (pas d'étape prévue par la procédure : date par défaut, à vérifier)."


def gap_lines(draft: Draft) -> list[str]:
    """One line per open gap, with its lot and who could fill it."""
    lines = []
    for gap in draft.gaps:
        where = f"Lot {gap.lot} : " if gap.lot else ""
        line = f"{where}{gap.requirement}"
        if gap.suggestions:
            line += f" (pistes : {join_names([draft.name_of(m) for m in gap.suggestions])})"
        lines.append(line)
    return lines
