"""What every document renderer shows, as plain strings: headings, metadata, table rows.

Markdown and DOCX only differ in markup; building their content here keeps the
two formats saying exactly the same thing. Every label is said in the draft's
language (``Draft.language``), as the texts the builder wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.drafting.labels import (
    format_amount,
    format_day,
    format_deadline,
    format_percent,
    format_share,
    join_names,
    legal_form_label,
    lot_label,
    owner_role_label,
    team_role_label,
    translator,
)
from models.draft import ChecklistItem, Draft, LotOutline, PlannedStep, SlottedItem
from models.member import MemberKind
from models.notice import Money


@dataclass(frozen=True)
class Table:
    """A table as header cells and rows of cells (same length)."""

    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Headings:
    """The fixed headings and words of a draft, in one language."""

    warnings: str
    planning: str
    team: str
    checklist: str
    memoire: str
    need: str
    criteria: str
    questions: str
    gaps: str
    no_gaps: str
    deadline: str
    colon: str


def headings(draft: Draft) -> Headings:
    """The headings of the draft's language."""
    _ = translator(draft.language)
    return Headings(
        warnings=_("Points to watch"),
        planning=_("Retro-planning"),
        team=_("Team and legal form"),
        checklist=_("Administrative documents"),
        memoire=_("Technical proposal (mémoire technique)"),
        need=_("The buyer's need"),
        criteria=_("Award criteria"),
        questions=_("Questions to the buyer"),
        gaps=_("Points still open"),
        no_gaps=_("None."),
        deadline=_("Deadline for tenders"),
        colon=_("%(label)s: ") % {"label": ""},
    )


def label_line(draft: Draft, label: str) -> str:
    """``Label :`` / ``Label:``: French puts a space before the colon."""
    _ = translator(draft.language)
    return _("%(label)s: ") % {"label": label}


def title(draft: Draft) -> str:
    """The document title."""
    _ = translator(draft.language)
    return _("Draft response — %(notice)s") % {"notice": draft.notice_title}


def metadata(draft: Draft) -> list[tuple[str, str]]:
    """Label/value lines under the title."""
    _ = translator(draft.language)
    group = draft.group_name
    if draft.cooperative:
        group += f" — {draft.cooperative}"
    lines = [(_("Notice"), draft.notice_id)]
    if draft.buyer:
        lines.append((_("Buyer"), draft.buyer))
    if draft.notice_url:
        lines.append((_("Link"), draft.notice_url))
    lines += [
        (headings(draft).deadline, format_deadline(draft.deadline, draft.language)),
        (_("Group"), group),
        (_("Legal form"), legal_form_label(draft.legal_form, draft.language)),
        (_("Mandataire"), draft.name_of(draft.mandataire)),
        (_("Generated on"), format_deadline(draft.generated_at, draft.language)),
    ]
    return lines


def planning_table(draft: Draft) -> Table:
    """One row per step, then the deadline itself."""
    _ = translator(draft.language)
    rows = [
        [
            _("%(day)s (D-%(days)d)")
            % {"day": format_day(step.due, draft.language), "days": step.offset_days},
            step.title,
            owners_text(draft, step),
            step_remark(draft, step),
        ]
        for step in draft.planning
    ]
    rows.append([format_deadline(draft.deadline, draft.language), headings(draft).deadline, "", ""])
    return Table([_("Due"), _("Step"), _("Owner"), _("Remark")], rows)


def owners_text(draft: Draft, step: PlannedStep) -> str:
    """``Pilote du groupe : Inès Moreau``."""
    names = join_names([draft.name_of(owner) for owner in step.owners], draft.language)
    return label_line(draft, owner_role_label(step.owner_role, draft.language)) + names


def step_remark(draft: Draft, step: PlannedStep) -> str:
    """Why a step moved and whether it is already past."""
    _ = translator(draft.language)
    remarks = []
    if step.moved_from is not None:
        remarks.append(_("Brought forward: %(reason)s") % {"reason": step.moved_reason})
    if step.in_past:
        remarks.append(_("Already past"))
    return ". ".join(remarks)


def team_table(draft: Draft) -> Table:
    """One row per team member."""
    _ = translator(draft.language)
    labels = {item.id: checklist_short_label(draft, item) for item in draft.checklist}
    rows = [
        [
            entry.name,
            team_role_label(entry.role, draft.language)
            + (_(" (partner)") if entry.kind is MemberKind.partner else ""),
            ", ".join(lot_label(lot, "", draft.language) for lot in entry.lots)
            or _("Whole notice"),
            format_share(entry.share, draft.language),
            ", ".join(labels.get(item, item) for item in entry.signs) or "—",
        ]
        for entry in draft.team
    ]
    return Table([_("Member"), _("Role"), _("Lots"), _("Share"), _("Signs")], rows)


def checklist_short_label(draft: Draft, item: ChecklistItem) -> str:
    """``DC1`` or ``DC4 (Alexandre Martin)``: the document code and who it is for."""
    if item.document.value in ("DC1", "DC2", "DUME") or item.for_member is None:
        return item.document.value
    return f"{item.document.value} ({draft.name_of(item.for_member)})"


def checklist_table(draft: Draft) -> Table:
    """One row per document to produce."""
    _ = translator(draft.language)
    coop = draft.cooperative or _("the cooperative")
    rows = []
    for item in draft.checklist:
        signers = [draft.name_of(member) for member in item.signatories]
        if item.signed_by_cooperative:
            signers.insert(0, _("Legal representative of %(coop)s") % {"coop": coop})
        concerns = draft.name_of(item.for_member) if item.for_member else "—"
        note = item.note
        if item.alternative_to:
            codes = ", ".join(document.value for document in item.alternative_to)
            note = (_("Alternative to: %(codes)s.") % {"codes": codes} + f" {note}").strip()
        rows.append(
            [
                item.title,
                concerns,
                draft.name_of(item.owner),
                join_names(signers, draft.language) or "—",
                format_day(item.due, draft.language),
                note,
            ]
        )
    headers = [_("Document"), _("Concerns"), _("Prepares"), _("Signatories"), _("Due"), _("Remark")]
    return Table(headers, rows)


def lot_heading(draft: Draft, outline: LotOutline) -> str:
    """``Lot 1 — Enquête`` (or the notice title)."""
    return lot_label(outline.lot, outline.title, draft.language)


def criteria_table(draft: Draft, outline: LotOutline) -> Table | None:
    """The award criteria in the buyer's order, ``None`` when the notice gives none."""
    if not outline.criteria:
        return None
    _ = translator(draft.language)
    rows = [
        [
            str(criterion.rank),
            criterion.name,
            format_percent(criterion.weight_percent, draft.language)
            if criterion.weight_percent is not None
            else _("not published"),
        ]
        for criterion in outline.criteria
    ]
    return Table([_("Rank"), _("Criterion"), _("Weight")], rows)


def criteria_source_text(draft: Draft, outline: LotOutline) -> str:
    """Where the criteria were read."""
    _ = translator(draft.language)
    if outline.criteria_source == "lot":
        return _("In the order the buyer gives (criteria of the lot).")
    return _("In the order the buyer gives (criteria of the notice).")


def value_text(draft: Draft, value: Money) -> str:
    """``Valeur estimée : 150 000 EUR``."""
    _ = translator(draft.language)
    amount = format_amount(value.amount, draft.language)
    return _("Estimated value: %(amount)s %(currency)s") % {
        "amount": amount,
        "currency": value.currency,
    }


def team_line(draft: Draft, outline: LotOutline) -> str:
    """``Équipe : A (mandataire), B``."""
    _ = translator(draft.language)
    roles = {entry.member_id: entry for entry in draft.team}
    names = []
    for member in outline.members:
        entry = roles.get(member)
        role = team_role_label(entry.role, draft.language).lower() if entry else ""
        names.append(f"{draft.name_of(member)} ({role})" if role else draft.name_of(member))
    return label_line(draft, _("Team")) + (", ".join(names) or _("nobody"))


def item_parts(draft: Draft, item: SlottedItem) -> tuple[str, str]:
    """(who, what) for a slotted item; renderers put ``who`` in bold."""
    return draft.name_of(item.member_id), item.text


def questions_text(draft: Draft) -> str:
    """When questions are due, and from which step."""
    _ = translator(draft.language)
    day = format_day(draft.questions_due, draft.language)
    step = next((s for s in draft.planning if s.key == draft.questions_step), None)
    if step is not None:
        return _("To send to the buyer by %(day)s at the latest (step “%(step)s”, %(owners)s).") % {
            "day": day,
            "step": step.title,
            "owners": owners_text(draft, step),
        }
    return _(
        "To send to the buyer by %(day)s at the latest (the procedure plans no step for it: "
        "a default date, to check)."
    ) % {"day": day}


def gap_lines(draft: Draft) -> list[str]:
    """One line per open gap, with its lot and who could fill it."""
    _ = translator(draft.language)
    lines = []
    for gap in draft.gaps:
        line = gap.requirement
        if gap.lot:
            line = label_line(draft, lot_label(gap.lot, "", draft.language)) + line
        if gap.suggestions:
            people = join_names([draft.name_of(m) for m in gap.suggestions], draft.language)
            line += _(" (could fill it: %(people)s)") % {"people": people}
        lines.append(line)
    return lines
