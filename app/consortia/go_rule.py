"""The group's go/no-go rule, evaluated on one proposal.

- ``min_leads``: the number of team members who declared ``lead`` (for the whole
  notice or for some lots) must be at least ``min_leads``.
- ``min_coverage``: applies to each entry of ``coverage_by_lot`` (each selected
  lot, and notice-wide requirements under ``NO_LOT_KEY`` when there are some), not
  to the overall average, so a well-covered lot cannot hide a weak one.

The decision is ``go`` only when every check passes; there is one reason per check,
saying what was measured against what, and by how much a failing lot falls short.
:func:`go_checks` gives the same checks as data and :func:`check_text` says one in a
language: the reasons of :class:`GoDecision` are the English ones (the API's words), a
French draft or page says the same checks in French.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.core.i18n import format_percent, translations
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


def check_text(check: GoCheck, language: str, names: Mapping[str, str] | None = None) -> str:
    """One check said in ``language``: the verdict, what was measured, against what.

    In English (``en``) this is the API's wording, which clients read and tests pin;
    ``names`` turns the declared leads' ids into display names (ids otherwise).
    """
    catalogue = translations(language)
    _ = catalogue.gettext
    if check.kind == "leads":
        shown = [names.get(lead, lead) if names else lead for lead in check.leads]
        count = int(check.measured)
        values = {
            "num": count,
            "required": int(check.required),
            "named": f" ({', '.join(shown)})" if shown else "",
        }
        if check.passed:
            return (
                catalogue.ngettext(
                    "Pass: %(num)d declared lead(s) in the team%(named)s, %(required)d required.",
                    "Pass: %(num)d declared lead(s) in the team%(named)s, %(required)d required.",
                    count,
                )
                % values
            )
        return (
            catalogue.ngettext(
                "Fail: %(num)d declared lead(s) in the team%(named)s, %(required)d required.",
                "Fail: %(num)d declared lead(s) in the team%(named)s, %(required)d required.",
                count,
            )
            % values
        )
    coverage = {
        "lot": check.lot,
        "measured": format_percent(round(check.measured, 2), language),
        "required": format_percent(round(check.required, 2), language),
        "short": round((check.required - check.measured) * 100),
    }
    if check.lot is None:
        if check.passed:
            text = _(
                "Pass: notice-wide requirements coverage %(measured)s >= %(required)s required."
            )
        else:
            text = _(
                "Fail: notice-wide requirements coverage %(measured)s < %(required)s required "
                "(%(short)d points short)."
            )
    elif check.passed:
        text = _("Pass: lot %(lot)s coverage %(measured)s >= %(required)s required.")
    else:
        text = _(
            "Fail: lot %(lot)s coverage %(measured)s < %(required)s required "
            "(%(short)d points short)."
        )
    return text % coverage


def evaluate_go_rule(proposal: Consortium, go_rule: GoRule) -> GoDecision:
    """Whether the proposal satisfies the group's go rule, and why."""
    checks = go_checks(proposal, go_rule)
    return GoDecision(
        go=all(c.passed for c in checks), reasons=[check_text(c, "en") for c in checks]
    )
