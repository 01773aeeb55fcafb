"""The team part of a draft: who is in it, what the legal form implies, what looks wrong."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.drafting.checklist import co_contractors, subcontractors
from app.drafting.labels import format_share, join_names
from models.consortium import Consortium, LegalForm, TeamRole
from models.draft import ChecklistItem, TeamEntry
from models.group import Group
from models.member import Member, MemberKind
from models.notice import Notice, NoticeStatus

_SHARE_TOLERANCE = 0.01


def build_team(
    proposal: Consortium,
    members: Mapping[str, Member],
    member_lots: Mapping[str, list[str]],
    checklist: Sequence[ChecklistItem],
) -> list[TeamEntry]:
    """Team entries, mandataire first, then the proposal's order, then extra subcontractors."""
    signs: dict[str, list[str]] = {}
    for item in checklist:
        for member in item.signatories:
            signs.setdefault(member, []).append(item.id)
    subs = set(subcontractors(proposal))
    entries = []
    for entry in proposal.members:
        role = entry.role
        if entry.member_id == proposal.mandataire:
            role = TeamRole.mandataire
        elif entry.member_id in subs:
            role = TeamRole.subcontractor
        entries.append(
            TeamEntry(
                member_id=entry.member_id,
                name=members[entry.member_id].name,
                kind=members[entry.member_id].kind,
                role=role,
                is_mandataire=entry.member_id == proposal.mandataire,
                lots=member_lots.get(entry.member_id, []),
                share=entry.share,
                intention=entry.intention,
                signs=signs.get(entry.member_id, []),
            )
        )
    listed = {entry.member_id for entry in proposal.members}
    for sub in proposal.subcontractors:
        if sub not in listed:
            listed.add(sub)
            entries.append(
                TeamEntry(
                    member_id=sub,
                    name=members[sub].name,
                    kind=members[sub].kind,
                    role=TeamRole.subcontractor,
                    is_mandataire=False,
                    share=0.0,
                    signs=signs.get(sub, []),
                )
            )
    return sorted(entries, key=lambda entry: not entry.is_mandataire)


def legal_form_notes(proposal: Consortium, cooperative: str, names: Mapping[str, str]) -> list[str]:
    """What the legal form implies for this team, in French, naming people."""
    coop = cooperative or "la coopérative"
    mandataire = names.get(proposal.mandataire, proposal.mandataire)
    candidates = co_contractors(proposal)
    candidate_names = join_names([names.get(m, m) for m in candidates])
    notes: list[str] = []
    if proposal.legal_form is LegalForm.cae:
        split = ", ".join(
            f"{names.get(m.member_id, m.member_id)} {format_share(m.share)}"
            for m in proposal.members
        )
        notes += [
            f"Candidat unique : {coop}. Les membres de l'équipe répondent en son nom ; "
            "l'acheteur n'a qu'un seul titulaire en face de lui.",
            f"La répartition du travail ({split}) est interne à la coopérative : "
            "elle n'est pas déclarée à l'acheteur.",
            f"{mandataire} coordonne la réponse ; DC1, DC2 (ou DUME) et acte d'engagement "
            f"sont signés par le représentant légal de {coop}.",
        ]
    else:
        if proposal.legal_form is LegalForm.joint:
            notes.append(
                f"Groupement conjoint ({candidate_names}) : chaque cotraitant ne s'engage que "
                "sur les prestations qui lui reviennent ; l'acte d'engagement en donne la "
                "répartition par membre."
            )
            solidarity = (
                " Le règlement de consultation peut exiger que le mandataire soit solidaire "
                "des autres membres."
            )
        else:
            notes.append(
                f"Groupement solidaire ({candidate_names}) : chaque membre est engagé pour la "
                "totalité du marché et répond de la défaillance des autres."
            )
            solidarity = ""
        notes += [
            f"Mandataire : {mandataire}, qui représente le groupement auprès de l'acheteur et "
            f"coordonne les cotraitants.{solidarity}",
            f"Signatures : le DC1 et l'acte d'engagement par chaque cotraitant ({candidate_names}),"
            " ou par le mandataire s'il a reçu leur habilitation ; chacun signe son DC2 "
            "(ou son DUME).",
        ]
    subs = subcontractors(proposal)
    if subs:
        notes.append(
            f"Sous-traitance : {join_names([names.get(m, m) for m in subs])} ; un DC4 par "
            "sous-traitant, signé par le candidat et le sous-traitant, qui n'est pas candidat."
        )
    return notes


def team_warnings(
    notice: Notice,
    group: Group,
    proposal: Consortium,
    members: Mapping[str, Member],
    names: Mapping[str, str],
) -> list[str]:
    """Things in the proposal that contradict the legal form, the procedure or the notice."""
    warnings: list[str] = []
    if notice.status is not NoticeStatus.open:
        warnings.append(f"L'avis n'est plus ouvert (statut : {notice.status}).")
    team = [*(m.member_id for m in proposal.members), *proposal.subcontractors]
    if not group.leads:
        warnings.append(
            "Le groupe n'a pas de pilote : les étapes du pilote sont confiées au mandataire."
        )
    elif not any(lead in team for lead in group.leads):
        leads = join_names([names.get(lead, lead) for lead in group.leads])
        warnings.append(
            f"Aucun pilote du groupe ({leads}) n'est dans l'équipe : "
            "les étapes du pilote leur restent confiées."
        )
    subs = set(subcontractors(proposal))
    if proposal.legal_form is LegalForm.cae:
        warnings += [
            f"{names.get(m.member_id, m.member_id)} est un partenaire extérieur : dans une "
            "réponse de la coopérative, il ne peut intervenir qu'en sous-traitant (DC4) ; "
            "sinon, choisir un groupement."
            for m in proposal.members
            if members[m.member_id].kind is MemberKind.partner and m.member_id not in subs
        ]
    elif len(co_contractors(proposal)) < 2:
        warnings.append("Un groupement suppose au moins deux cotraitants.")
    total = sum(m.share for m in proposal.members)
    if abs(total - 1.0) > _SHARE_TOLERANCE:
        warnings.append(f"La somme des parts est de {format_share(total)}, et non 100 %.")
    cap = group.procedure.work_sharing.max_share_per_member
    warnings += [
        f"{names.get(m.member_id, m.member_id)} a une part de {format_share(m.share)}, "
        f"au-delà du maximum de {format_share(cap)} convenu par le groupe."
        for m in proposal.members
        if m.share > cap + 1e-9
    ]
    outsiders = [m for m in dict.fromkeys(team) if m not in group.members]
    if outsiders:
        warnings.append(
            f"Hors du groupe {group.name} : {join_names([names.get(m, m) for m in outsiders])}."
        )
    listed = {m.member_id for m in proposal.members}
    extra = [m for m in proposal.subcontractors if m not in listed]
    if extra:
        warnings.append(
            f"Sous-traitants absents de la répartition (part 0, sans lot) : "
            f"{join_names([names.get(m, m) for m in extra])}."
        )
    if proposal.go_no_go is not None and not proposal.go_no_go.go:
        reasons = " ; ".join(proposal.go_no_go.reasons)
        warnings.append(f"La règle de décision du groupe n'est pas satisfaite : {reasons}")
    return warnings
