"""The notice page: buyer, deadlines, lots with CPV labels, sources, intentions, best members.

Domain calls: ``app.notices.queries.get_notice`` and ``present``,
``app.intentions.service.notice_intentions`` (visibility from
``app.auth.policy.visible_intention_members`` and ``app.groups.service.members_led_by``,
as the API), ``app.members.service.list_all_members`` and ``member_from_row``, and for
leads ``AppContext.matching.match_notice`` over the members of the groups they lead; for
the member reading the page, the same call with them alone says how strongly it fits them
(``app.matching.strength``), as « Pour moi » does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.params import NoticeIdPath
from app.auth import policy
from app.groups.service import members_led_by
from app.intentions import service as intentions
from app.matching.engine import NoticeMatches
from app.matching.strength import MatchStrength, strength_of
from app.members.service import list_all_members, member_from_row
from app.notices.queries import get_notice, present
from app.web.deps import ContextDep, UserDep
from app.web.i18n import language_of
from app.web.render import gettext_of, render
from app.web.views import (
    ROLES,
    Declared,
    buyer_link,
    cpv_label,
    deadline_kinds,
    source_links,
)
from app.wiring.context import AppContext
from models.errors import NotFoundError
from models.member import Member

router = APIRouter(include_in_schema=False)
BEST_MEMBERS = 5


@dataclass(frozen=True)
class YourFit:
    """How strongly the notice fits the member reading it, and through which lot."""

    strength: MatchStrength
    lot: str | None


def _matched(
    context: AppContext, notice_id: str, members: list[Member], now: datetime
) -> NoticeMatches | None:
    """Every one of ``members``' matches on the notice, per lot (None while it is not
    indexed yet: the page still shows everything else)."""
    try:
        return context.matching.match_notice(notice_id, members, now=now, limit=len(members))
    except KeyError:
        return None


def _best_fit(found: NoticeMatches, member_id: str) -> YourFit | None:
    """The member's best match on the whole notice or a lot (None: not proposed)."""
    matches = [match for ranked in found.lots.values() for m, match in ranked if m == member_id]
    if not matches:
        return None
    best = max(matches, key=lambda match: match.score)
    return YourFit(strength_of(best.score), best.lot)


@router.get("/notices/{notice_id:path}")
def notice_page(
    request: Request, notice_id: NoticeIdPath, context: ContextDep, user: UserDep
) -> Response:
    """Everything a member needs to decide about one notice."""
    principal = user.principal
    now = datetime.now(UTC)
    language = language_of(request)
    with context.sessions() as session:
        row = get_notice(session, notice_id)
        if row is None:
            raise NotFoundError(f"notice {notice_id} not found")
        notice = present(row, now=now)
        led = members_led_by(session=session, group_ids=principal.lead_of_groups)
        only = policy.visible_intention_members(principal, led)
        declared = intentions.notice_intentions(session=session, notice_id=notice.id, only=only)
        members = {r.id: member_from_row(r) for r in list_all_members(session=session)}
    by_lot: dict[str | None, list[tuple[str, str]]] = {None: []}
    own = None
    for intention in declared or []:
        name = members[intention.member_id].name if intention.member_id in members else ""
        for lot in intention.lots or [None]:
            by_lot.setdefault(lot, []).append((name or intention.member_id, intention.role))
        if intention.member_id == principal.member_id:
            own = Declared.of(intention)
    # One scoring pass for the reader and the members of the groups they lead.
    team = [members[m] for m in sorted(led) if m in members] if principal.lead_of_groups else []
    me = members.get(principal.member_id or "")
    scored = {m.id: m for m in [*team, *([me] if me is not None else [])]}
    is_open = notice.status == "open"
    found = _matched(context, notice.id, list(scored.values()), now) if scored and is_open else None
    best: dict[str | None, list[tuple[str, float, MatchStrength]]] = {}
    yours = None
    if found is not None:
        in_team = {m.id for m in team}
        if team:
            best = {
                lot: [
                    (members[m].name, match.score, strength_of(match.score))
                    for m, match in ranked
                    if m in in_team
                ][:BEST_MEMBERS]
                for lot, ranked in found.lots.items()
            }
        if me is not None:
            yours = _best_fit(found, me.id)
    cpv = {code: cpv_label(code, language) for code in notice.cpv}
    cpv.update({c: cpv_label(c, language) for lot in notice.lots for c in lot.cpv})
    return render(
        request,
        "notice.html",
        {
            "notice": notice,
            "deadlines": deadline_kinds(notice, gettext_of(request)),
            "sources": source_links(notice),
            "buyer_link": buyer_link(notice),
            "cpv": cpv,
            "by_lot": by_lot,
            "best": best,
            "yours": yours,
            "intention": own,
            "roles": ROLES,
        },
    )
