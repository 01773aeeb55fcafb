"""``cotender consortia``: the best teams a group can field for a notice, explained.

``--json`` prints the body of ``POST /api/notices/{notice_id}/consortia``. When no
team is possible the command still succeeds, with no proposal and the reason.
Exit codes: 1 for an unknown notice or group and a cancelled or awarded notice,
2 for an unknown lot.
"""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from app.auth.principal import CLI_OPERATOR
from app.cli.common import JsonOption, echo_json, open_context
from app.consortia.decode import lot_key
from app.consortia.usecases import DEFAULT_MAX_MEMBERS, propose_consortia
from models.consortium import Consortium

GroupOption = typer.Option(..., "--group", "-g", help="The group that answers.")
MaxMembersOption = typer.Option(
    DEFAULT_MAX_MEMBERS, "--max-members", min=1, max=50, help="Most members in a team (1 to 50)."
)
LotOption = typer.Option(
    None, "--lot", help="A lot to answer (repeat for several; default: every lot)."
)
OPTIONS = {"lots": "--lot"}
"""The input fields these options give, for refusals that name them."""


def _percent(value: float) -> str:
    return f"{value:.0%}"


def describe(proposal: Consortium, rank: int) -> list[str]:
    """One proposal as lines of text."""
    decision = proposal.go_no_go
    verdict = "" if decision is None else (", GO" if decision.go else ", NO GO")
    by_lot = ", ".join(
        f"{'notice-wide' if key == lot_key(None) else 'lot ' + key} {_percent(value)}"
        for key, value in proposal.coverage_by_lot.items()
    )
    subcontractors = ", ".join(proposal.subcontractors) or "none"
    lines = [
        f"Proposal {rank}: score {proposal.score:.2f}, coverage {_percent(proposal.coverage)} "
        f"({by_lot}){verdict}",
        f"  mandataire: {proposal.mandataire}",
        f"  legal form: {proposal.legal_form.value} (subcontractors: {subcontractors})",
        "  members:",
    ]
    for member in proposal.members:
        lots = ", ".join(lot or "-" for lot in member.lots) or "-"
        stance = member.intention.value if member.intention else "no intention"
        lines.append(
            f"    {member.member_id:<16} {member.role.value:<13} share {_percent(member.share):>4}"
            f"  lots {lots}  ({stance})"
        )
    for gap in proposal.gaps:
        where = f"lot {gap.lot}" if gap.lot else "notice-wide"
        helpers = f"; could help: {', '.join(gap.suggestions)}" if gap.suggestions else ""
        lines.append(f"  gap ({where}): {gap.requirement}{helpers}")
    if decision is not None:
        lines.append(f"  go/no-go: {'go' if decision.go else 'no go'}")
        lines += [f"    {reason}" for reason in decision.reasons]
    lines.append("  reasons:")
    lines += [f"    - {reason}" for reason in proposal.reasons]
    return lines


def consortia_command(
    notice_id: str = typer.Argument(..., help="The notice (any of its source ids)."),
    group: str = GroupOption,
    max_members: int = MaxMembersOption,
    lot: list[str] | None = LotOption,
    as_json: bool = JsonOption,
) -> None:
    """Propose the best distinct teams of a group for a notice, best first."""
    with open_context(options=OPTIONS) as context, context.sessions() as session:
        answer = propose_consortia(
            session=session,
            principal=CLI_OPERATOR,
            embedder=context.embedder,
            notice_id=notice_id,
            group_id=group,
            max_members=max_members,
            lots=lot or None,
            now=datetime.now(UTC),
        )
    if as_json:
        echo_json(answer.model_dump(mode="json"))
        return
    lots = ", ".join(lot_key(lot) for lot in answer.lots)
    typer.echo(
        f"{answer.notice_id}, group {answer.group_id}: lots {lots}, "
        f"at most {answer.max_members} members, {len(answer.requirements)} requirements"
    )
    for reason in answer.reasons:
        typer.echo(reason)
    for rank, proposal in enumerate(answer.proposals, start=1):
        typer.echo("")
        typer.echo("\n".join(describe(proposal, rank)))
