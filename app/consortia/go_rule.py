"""The group's go/no-go rule, evaluated on one proposal.

- ``min_leads``: the number of team members who declared ``lead`` (for the whole
  notice or for some lots) must be at least ``min_leads``.
- ``min_coverage``: applies to each entry of ``coverage_by_lot`` (each selected
  lot, and notice-wide requirements under ``NO_LOT_KEY`` when there are some), not
  to the overall average, so a well-covered lot cannot hide a weak one.

The decision is ``go`` only when every check passes; there is one reason per check,
saying what was measured against what, and by how much a failing lot falls short.
:func:`go_checks` gives the same checks as data, for texts in another language.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.consortium import NO_LOT_KEY, Consortium, GoDecision, IntentionRole
from models.group import GoRule

_EPSILON = 1e-9


@dataclass(frozen=True)
class GoCheck:
    """One check of the rule: the declared leads (``lot`` unused) or one lot's coverage.

    ``lot`` is None for the notice-wide requirements; ``leads`` names the declared leads.
    """

    kind: str  # "leads" | "coverage"
    passed: bool
    measured: float
    required: float
    lot: str | None = None
    leads: tuple[str, ...] = ()


def go_checks(proposal: Consortium, go_rule: GoRule) -> list[GoCheck]:
    """Every check of the group's rule on the proposal, leads first, then lot by lot."""
    leads = tuple(m.member_id for m in proposal.members if m.intention is IntentionRole.lead)
    checks = [
        GoCheck(
            "leads", len(leads) >= go_rule.min_leads, len(leads), go_rule.min_leads, None, leads
        )
    ]
    for key, value in proposal.coverage_by_lot.items():
        passed = value + _EPSILON >= go_rule.min_coverage
        lot = None if key == NO_LOT_KEY else key
        checks.append(GoCheck("coverage", passed, value, go_rule.min_coverage, lot))
    return checks


def _reason(check: GoCheck) -> str:
    verdict = "Pass" if check.passed else "Fail"
    if check.kind == "leads":
        named = f" ({', '.join(check.leads)})" if check.leads else ""
        return (
            f"{verdict}: {check.measured:.0f} declared lead(s) in the team{named}, "
            f"{check.required:.0f} required."
        )
    where = "notice-wide requirements" if check.lot is None else f"lot {check.lot}"
    if check.passed:
        return f"Pass: {where} coverage {check.measured:.0%} >= {check.required:.0%} required."
    short = (check.required - check.measured) * 100
    return (
        f"Fail: {where} coverage {check.measured:.0%} < {check.required:.0%} required "
        f"({short:.0f} points short)."
    )


def evaluate_go_rule(proposal: Consortium, go_rule: GoRule) -> GoDecision:
    """Whether the proposal satisfies the group's go rule, and why."""
    checks = go_checks(proposal, go_rule)
    return GoDecision(go=all(c.passed for c in checks), reasons=[_reason(c) for c in checks])
