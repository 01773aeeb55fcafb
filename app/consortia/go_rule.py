"""The group's go/no-go rule, evaluated on one proposal.

- ``min_leads``: the number of team members who declared ``lead`` (for the whole
  notice or for some lots) must be at least ``min_leads``.
- ``min_coverage``: applies to each entry of ``coverage_by_lot`` (each selected
  lot, and notice-wide requirements under ``NO_LOT_KEY`` when there are some), not
  to the overall average, so a well-covered lot cannot hide a weak one.

The decision is ``go`` only when every check passes; there is one reason per check,
saying what was measured against what, and by how much a failing lot falls short.
"""

from __future__ import annotations

from models.consortium import NO_LOT_KEY, Consortium, GoDecision, IntentionRole
from models.group import GoRule

_EPSILON = 1e-9


def evaluate_go_rule(proposal: Consortium, go_rule: GoRule) -> GoDecision:
    """Whether the proposal satisfies the group's go rule, and why."""
    reasons: list[str] = []
    leads = [m.member_id for m in proposal.members if m.intention is IntentionRole.lead]
    leads_ok = len(leads) >= go_rule.min_leads
    named = f" ({', '.join(leads)})" if leads else ""
    reasons.append(
        f"{'Pass' if leads_ok else 'Fail'}: {len(leads)} declared lead(s) in the team{named}, "
        f"{go_rule.min_leads} required."
    )
    coverage_ok = True
    for key, value in proposal.coverage_by_lot.items():
        where = "notice-wide requirements" if key == NO_LOT_KEY else f"lot {key}"
        if value + _EPSILON >= go_rule.min_coverage:
            reasons.append(
                f"Pass: {where} coverage {value:.0%} >= {go_rule.min_coverage:.0%} required."
            )
        else:
            coverage_ok = False
            short = (go_rule.min_coverage - value) * 100
            reasons.append(
                f"Fail: {where} coverage {value:.0%} < {go_rule.min_coverage:.0%} required "
                f"({short:.0f} points short)."
            )
    return GoDecision(go=leads_ok and coverage_ok, reasons=reasons)
