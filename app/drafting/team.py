"""The team part of a draft: who is in it, what the legal form implies, what looks wrong."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.consortia.go_rule import check_text, go_checks
from app.drafting.checklist import co_contractors, subcontractors
from app.drafting.labels import format_share, join_names, translator
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


def legal_form_notes(
    proposal: Consortium, cooperative: str, names: Mapping[str, str], language: str = "fr"
) -> list[str]:
    """What the legal form implies for this team, in ``language``, naming people."""
    _ = translator(language)
    coop = cooperative or _("the cooperative")
    mandataire = names.get(proposal.mandataire, proposal.mandataire)
    candidates = co_contractors(proposal)
    candidate_names = join_names([names.get(m, m) for m in candidates], language)
    notes: list[str] = []
    if proposal.legal_form is LegalForm.cae:
        split = ", ".join(
            f"{names.get(m.member_id, m.member_id)} {format_share(m.share, language)}"
            for m in proposal.members
        )
        notes += [
            _(
                "Single candidate: %(coop)s. The team's members answer in its name; the "
                "buyer faces one contractor only."
            )
            % {"coop": coop},
            _(
                "The split of the work (%(split)s) is internal to the cooperative: it is not "
                "declared to the buyer."
            )
            % {"split": split},
            _(
                "%(mandataire)s coordinates the response; DC1, DC2 (or DUME) and the "
                "acte d'engagement are signed by the legal representative of %(coop)s."
            )
            % {"mandataire": mandataire, "coop": coop},
        ]
    else:
        if proposal.legal_form is LegalForm.joint:
            notes.append(
                _(
                    "Joint groupement (%(names)s): each co-contractor commits only to its own "
                    "services; the acte d'engagement gives the split by member."
                )
                % {"names": candidate_names}
            )
            mandataire_note = _(
                "Mandataire: %(mandataire)s, who represents the groupement before the buyer "
                "and coordinates the co-contractors. The consultation rules may require the "
                "mandataire to be jointly liable with the other members."
            )
        else:
            notes.append(
                _(
                    "Joint and several groupement (%(names)s): each member is committed to the "
                    "whole contract and answers for the failure of the others."
                )
                % {"names": candidate_names}
            )
            mandataire_note = _(
                "Mandataire: %(mandataire)s, who represents the groupement before the buyer "
                "and coordinates the co-contractors."
            )
        notes += [
            mandataire_note % {"mandataire": mandataire},
            _(
                "Signatures: the DC1 and the acte d'engagement by each co-contractor "
                "(%(names)s), or by the mandataire if they empowered it; each signs its own "
                "DC2 (or DUME)."
            )
            % {"names": candidate_names},
        ]
    subs = subcontractors(proposal)
    if subs:
        notes.append(
            _(
                "Subcontracting: %(names)s; one DC4 per subcontractor, signed by the candidate "
                "and the subcontractor, who is not a candidate."
            )
            % {"names": join_names([names.get(m, m) for m in subs], language)}
        )
    return notes


def team_warnings(
    notice: Notice,
    group: Group,
    proposal: Consortium,
    members: Mapping[str, Member],
    names: Mapping[str, str],
    language: str = "fr",
) -> list[str]:
    """Things in the proposal that contradict the legal form, the procedure or the notice.

    Written in ``language``; the go/no-go verdict is said from the group's rule checked
    again on the proposal (``go_checks``), so its reasons are in that language too.
    """
    _ = translator(language)
    warnings: list[str] = []
    if notice.status is not NoticeStatus.open:
        warnings.append(
            _("The notice is no longer open (status: %(status)s).") % {"status": notice.status}
        )
    team = [*(m.member_id for m in proposal.members), *proposal.subcontractors]
    if not group.leads:
        warnings.append(_("The group has no lead: the lead's steps are given to the mandataire."))
    elif not any(lead in team for lead in group.leads):
        leads = join_names([names.get(lead, lead) for lead in group.leads], language)
        warnings.append(
            _("No lead of the group (%(leads)s) is in the team: the lead's steps stay theirs.")
            % {"leads": leads}
        )
    subs = set(subcontractors(proposal))
    if proposal.legal_form is LegalForm.cae:
        warnings += [
            _(
                "%(name)s is an outside partner: in a response of the cooperative, they can "
                "only take part as a subcontractor (DC4); otherwise, choose a groupement."
            )
            % {"name": names.get(m.member_id, m.member_id)}
            for m in proposal.members
            if members[m.member_id].kind is MemberKind.partner and m.member_id not in subs
        ]
    elif len(co_contractors(proposal)) < 2:
        warnings.append(_("A groupement needs at least two co-contractors."))
    total = sum(m.share for m in proposal.members)
    if abs(total - 1.0) > _SHARE_TOLERANCE:
        warnings.append(
            _("The shares add up to %(total)s, not %(full)s.")
            % {"total": format_share(total, language), "full": format_share(1.0, language)}
        )
    cap = group.procedure.work_sharing.max_share_per_member
    warnings += [
        _("%(name)s has a share of %(share)s, above the maximum of %(cap)s the group agreed.")
        % {
            "name": names.get(m.member_id, m.member_id),
            "share": format_share(m.share, language),
            "cap": format_share(cap, language),
        }
        for m in proposal.members
        if m.share > cap + 1e-9
    ]
    outsiders = [m for m in dict.fromkeys(team) if m not in group.members]
    if outsiders:
        warnings.append(
            _("Outside group %(group)s: %(names)s.")
            % {
                "group": group.name,
                "names": join_names([names.get(m, m) for m in outsiders], language),
            }
        )
    listed = {m.member_id for m in proposal.members}
    extra = [m for m in proposal.subcontractors if m not in listed]
    if extra:
        warnings.append(
            _("Subcontractors missing from the split (share 0, no lot): %(names)s.")
            % {"names": join_names([names.get(m, m) for m in extra], language)}
        )
    if proposal.go_no_go is not None:
        checks = go_checks(proposal, group.procedure.go_rule)
        if not proposal.go_no_go.go or not all(check.passed for check in checks):
            reasons = " ".join(check_text(check, language, names) for check in checks)
            warnings.append(
                _("The group's decision rule is not met: %(reasons)s") % {"reasons": reasons}
            )
    return warnings
