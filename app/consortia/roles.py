"""Who represents the team (mandataire) and in which legal form it answers.

Rules (each choice is explained in the proposal's reasons):

Subcontractors
    A partner (``MemberKind.partner``) whose share of the covered work is below
    ``SUBCONTRACT_SHARE`` (0.15) becomes a subcontractor (DC4) of the team, provided
    the team has at least one member of the cooperative to hold the contract. A
    subcontractor is never mandataire and is not a candidate member of a groupement.

Legal form (on the remaining members, the co-contractors)
    - every co-contractor belongs to the cooperative: ``cae`` (the cooperative answers
      as one candidate and shares the work internally; minor partners, if any, are
      its subcontractors);
    - otherwise, partners carry at least ``SOLIDARITY_SHARE`` (0.30) of the work
      together: ``joint_and_several`` (groupement solidaire: the work is shared
      substantially with outside firms, so each answers for the whole, which is
      what buyers expect of such teams);
    - otherwise: ``joint`` (groupement conjoint: each member answers for its part).

Mandataire
    Among co-contractors, the declared leads if any, else everyone. "Fit" is the
    member's fit-weighted coverage of the notice (``notice_fit``). Without rotation:
    best fit, then member id. With ``rotate_mandataire``: among members whose fit is
    within ``ROTATION_TOLERANCE`` (20 %, relative) of the best, the fewest past
    mandates, then best fit, then member id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.consortia.inputs import Candidate
from models.consortium import IntentionRole, LegalForm
from models.member import MemberKind

SUBCONTRACT_SHARE = 0.15
SOLIDARITY_SHARE = 0.30
ROTATION_TOLERANCE = 0.20


@dataclass(frozen=True, slots=True)
class Roles:
    """The outcome of the role rules, with the sentences that explain it."""

    mandataire: str
    legal_form: LegalForm
    subcontractors: tuple[str, ...]
    reasons: tuple[str, ...]


def assign_roles(
    team: Sequence[Candidate],
    shares: Mapping[str, float],
    notice_fit: Mapping[str, float],
    *,
    rotate: bool,
    past_mandates: Mapping[str, int],
) -> Roles:
    """Subcontractors, legal form and mandataire of one team."""
    has_cae = any(c.kind is MemberKind.cae_member for c in team)
    subcontractors = tuple(
        c.member_id
        for c in team
        if has_cae and c.kind is MemberKind.partner and shares[c.member_id] < SUBCONTRACT_SHARE
    )
    cotraitants = [c for c in team if c.member_id not in subcontractors]
    reasons = [
        f"{sid} is a subcontractor (DC4): a partner carrying {shares[sid]:.0%} of the work, "
        f"below {SUBCONTRACT_SHARE:.0%}."
        for sid in subcontractors
    ]
    legal_form, why = _legal_form(cotraitants, shares)
    reasons.append(why)
    mandataire, why = _mandataire(cotraitants, notice_fit, rotate=rotate, past=past_mandates)
    reasons.append(why)
    return Roles(mandataire, legal_form, subcontractors, tuple(reasons))


def _legal_form(
    cotraitants: Sequence[Candidate], shares: Mapping[str, float]
) -> tuple[LegalForm, str]:
    partners = [c.member_id for c in cotraitants if c.kind is MemberKind.partner]
    if not partners:
        return LegalForm.cae, (
            "Legal form cae: every co-contractor belongs to the cooperative, which answers as "
            "one candidate and shares the work internally."
        )
    partner_share = sum(shares[p] for p in partners)
    names = ", ".join(partners)
    if partner_share >= SOLIDARITY_SHARE:
        return LegalForm.joint_and_several, (
            f"Legal form joint_and_several: outside partner(s) {names} carry {partner_share:.0%} "
            f"of the work (at least {SOLIDARITY_SHARE:.0%}), so the work is substantially shared "
            "and each member answers for the whole."
        )
    return LegalForm.joint, (
        f"Legal form joint: outside partner(s) {names} carry {partner_share:.0%} of the work "
        f"(below {SOLIDARITY_SHARE:.0%}), so each member answers for its own part."
    )


def _mandataire(
    cotraitants: Sequence[Candidate],
    notice_fit: Mapping[str, float],
    *,
    rotate: bool,
    past: Mapping[str, int],
) -> tuple[str, str]:
    leads = [c for c in cotraitants if c.intention is IntentionRole.lead]
    pool = leads or list(cotraitants)
    ranked = sorted(pool, key=lambda c: (-notice_fit[c.member_id], c.member_id))
    best = ranked[0]
    best_fit = notice_fit[best.member_id]
    if len(pool) == 1:
        who = "the only declared lead" if leads else "the only co-contractor"
        return best.member_id, f"Mandataire {best.member_id}: {who} in the team."
    who = "declared lead" if leads else "co-contractor (no declared lead in the team)"
    because = f"the {who} with the best notice fit ({best_fit:.2f})"
    if not rotate:
        return best.member_id, f"Mandataire {best.member_id}: {because}."
    near = [c for c in ranked if notice_fit[c.member_id] >= (1 - ROTATION_TOLERANCE) * best_fit]
    chosen = min(
        near, key=lambda c: (past.get(c.member_id, 0), -notice_fit[c.member_id], c.member_id)
    )
    mandates = past.get(chosen.member_id, 0)
    if chosen is best:
        others = (
            f"no one within {ROTATION_TOLERANCE:.0%} of that fit has fewer past mandates"
            if len(near) > 1
            else f"no one else is within {ROTATION_TOLERANCE:.0%} of that fit"
        )
        return chosen.member_id, (
            f"Mandataire {chosen.member_id}: {because}; rotation: {mandates} past mandate(s), "
            f"{others}."
        )
    return chosen.member_id, (
        f"Mandataire {chosen.member_id}: rotation among the {who.split(' (')[0]}s within "
        f"{ROTATION_TOLERANCE:.0%} of the best notice fit: {notice_fit[chosen.member_id]:.2f} vs "
        f"{best_fit:.2f} for {best.member_id}, with fewer past mandates "
        f"({mandates} vs {past.get(best.member_id, 0)})."
    )
