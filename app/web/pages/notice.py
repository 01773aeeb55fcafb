"""The notice page: buyer, deadlines, lots with CPV labels, sources, intentions, best members.

Domain calls: ``app.notices.queries.get_notice`` and ``present``,
``app.intentions.service.notice_intentions`` (visibility from
``app.auth.policy.visible_intention_members`` and ``app.groups.service.members_led_by``,
as the API), ``app.members.service.list_all_members`` and ``member_from_row``, and for
leads ``AppContext.matching.match_notice`` over the members of the groups they lead.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.params import NoticeIdPath
from app.auth import policy
from app.groups.service import members_led_by
from app.intentions import service as intentions
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
from models.errors import NotFoundError

router = APIRouter(include_in_schema=False)
BEST_MEMBERS = 5


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
    best: dict[str | None, list[tuple[str, float]]] = {}
    if principal.lead_of_groups and notice.status == "open":
        team = [members[m] for m in sorted(led) if m in members]
        try:
            found = context.matching.match_notice(notice.id, team, now=now, limit=BEST_MEMBERS)
        except KeyError:  # not indexed yet: the page still shows everything else
            found = None
        if found is not None:
            best = {
                lot: [(members[m].name, match.score) for m, match in ranked]
                for lot, ranked in found.lots.items()
            }
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
            "intention": own,
            "roles": ROLES,
        },
    )
