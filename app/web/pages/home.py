"""« Pour moi »: a member's matches, best first, with why, filters and one-click intentions.

Domain calls: ``app.members.service.get_member`` and ``member_from_row``,
``app.feedback.service.ranked_with_feedback`` (the engine's matches re-ranked by the
member's feedback), ``app.notices.queries.notices_by_id`` (one query
for the page's notices), ``get_notice`` and ``present``,
``app.intentions.service.member_intentions`` and the use case
``app.intentions.usecases.declare_intention``; « pas pour moi » and its undo are
:mod:`app.web.pages.set_aside`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from app.api.params import NoticeIdPath
from app.api.value_params import check_value_range
from app.feedback.service import ranked_with_feedback
from app.intentions import service as intentions
from app.intentions import usecases as intention_usecases
from app.intentions.service import IntentionIn
from app.matching.strength import CONFIDENT
from app.members.service import get_member, member_from_row
from app.notices.queries import get_notice, notices_by_id, present
from app.web.deps import ContextDep, OptionalUser, PostedBy, member_id_of
from app.web.errors import local_path, see_other
from app.web.i18n import language_of
from app.web.pages.set_aside import JUST_SET_ASIDE, set_aside_notices, set_aside_since
from app.web.render import render
from app.web.views import (
    ROLES,
    Declared,
    HomeFilters,
    MatchCard,
    feedback_sentences,
    fitting_lots,
    why_of,
)
from models.consortium import IntentionRole
from models.errors import NotFoundError
from models.notice import Nature

router = APIRouter(include_in_schema=False)
SHOWN = 20
RANKED_WHEN_FILTERING = 200
WHOLE_AMOUNT = r"^ *[0-9]{0,13} *$"
"""A value bound as the form sends it: whole euros, or empty for no bound."""


def _amount(text: str) -> float | None:
    """The bound a value field holds (None when left empty)."""
    return float(text) if text.strip() else None


@router.get("/")
def home(
    request: Request,
    context: ContextDep,
    user: OptionalUser,
    open_only: Annotated[str, Query(max_length=5)] = "",
    region: Annotated[str, Query(max_length=3, pattern=r"^(|[0-9][0-9AB]|97[1-6])$")] = "",
    nature: Annotated[str, Query(pattern="^(|services|supplies|works)$")] = "",
    q: Annotated[str, Query(max_length=200, pattern=r"^[^\x00]*$")] = "",
    min_value: Annotated[str, Query(pattern=WHOLE_AMOUNT)] = "",
    max_value: Annotated[str, Query(pattern=WHOLE_AMOUNT)] = "",
    set_aside: Annotated[str, Query(alias=JUST_SET_ASIDE, max_length=200)] = "",
) -> Response:
    """The member's home; a welcome page before sign-in, the admin page for admins.

    After « pas pour moi » sent without JavaScript, ``set_aside`` names the notice: a
    banner says it is set aside, with the form that undoes it.
    """
    if user is None:
        return render(request, "welcome.html")
    if user.principal.member_id is None:
        return RedirectResponse("/admin", status_code=303)
    # Before the filter form is sent (it sends f): open notices only, as the checkbox shows.
    filters = HomeFilters(
        open_only=bool(open_only) or "f" not in request.query_params,
        region=region.upper(),
        nature=nature,
        text=q.strip(),
        value_range=check_value_range(_amount(min_value), _amount(max_value)),
    )
    now = datetime.now(UTC)
    member_id = user.principal.member_id
    with context.sessions() as session:
        row = get_member(session=session, member_id=member_id)
        if row is None:
            raise NotFoundError(f"member {member_id} not found")
        member = member_from_row(row)
        ranked = ranked_with_feedback(
            session,
            context.matching,
            member,
            now=now,
            limit=RANKED_WHEN_FILTERING if filters.narrows else SHOWN,
            include_closed=not filters.open_only,
            natures=[Nature(filters.nature)] if filters.nature else None,
            value_range=filters.value_range,
        )
        language = language_of(request)
        cards: list[MatchCard] = []
        rows = notices_by_id(session, [item.match.notice_id for item in ranked])
        for item in ranked:
            match = item.match
            notice_row = rows.get(match.notice_id)
            if notice_row is None:
                continue
            notice = present(notice_row, now=now)
            if not filters.keeps(notice):
                continue
            cards.append(
                MatchCard(
                    notice,
                    match.lot,
                    match.score,
                    why_of(match, language),
                    fitting_lots(match),
                    feedback_sentences(item.feedback, language),
                )
            )
            if len(cards) == SHOWN:
                break
        declared = {
            r.notice_id: Declared.of(r)
            for r in intentions.member_intentions(session=session, member_id=member_id) or []
        }
        set_aside_count = len(set_aside_since(session, user.principal, member_id))
        just_set_aside = (
            set_aside_notices(session, user.principal, member_id, only=set_aside)
            if set_aside
            else []
        )
    here = request.url.remove_query_params(JUST_SET_ASIDE)
    return render(
        request,
        "home.html",
        {
            "member": member,
            "cards": cards,
            "confident": any(card.strength in CONFIDENT for card in cards),
            "filters": filters,
            "declared": declared,
            "roles": ROLES,
            "set_aside_count": set_aside_count,
            "just_set_aside": just_set_aside[0] if just_set_aside else None,
            "here": here.path + ("?" + here.query if here.query else ""),
        },
    )


@router.post("/notices/{notice_id:path}/intention")
def declare_intention(
    request: Request,
    notice_id: NoticeIdPath,
    context: ContextDep,
    user: PostedBy,
    role: Annotated[IntentionRole, Form()],
    lots: Annotated[list[str] | None, Form(max_length=200)] = None,
    next_: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    """Declare the member's intention on a notice and the lots ticked (one click)."""
    member_id = member_id_of(user)
    now = datetime.now(UTC)
    with context.sessions() as session:
        declared = intention_usecases.declare_intention(
            session=session,
            principal=user.principal,
            notice_id=notice_id,
            member_id=member_id,
            intention=IntentionIn(role=role, lots=lots or []),
            now=now,
        )
        notice_row = get_notice(session, notice_id)
        if notice_row is None:
            raise NotFoundError(f"notice {notice_id} not found")
        notice = present(notice_row, now=now)
        saved = Declared(role=declared.role.value, lots=list(declared.lots))
    if request.headers.get("HX-Request") == "true":
        return render(
            request,
            "_intention.html",
            {"notice": notice, "intention": saved, "roles": ROLES, "next": next_, "saved": True},
        )
    return see_other(local_path(next_))
