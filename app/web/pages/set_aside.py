"""« Pas pour moi » and its undo: a member sets a notice aside, and can bring it back.

Right after marking, the card's form turns into « Annuler » (htmx), or, without
JavaScript, the home comes back with a banner holding the same undo form. The
notices set aside stay listed on the profile page, each with a button that restores it.

Domain calls: the use cases ``app.feedback.usecases.record_feedback`` (verdict
``not_relevant``), ``withdraw_feedback`` (the undo) and ``read_feedback`` (the list),
``app.notices.queries.notices_by_id`` for the titles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.datastructures import URL
from starlette.responses import Response

from app.api.params import NoticeIdPath
from app.auth.principal import Principal
from app.feedback import usecases as feedback_usecases
from app.members.feedback_examples import Verdict
from app.notices.queries import notices_by_id
from app.web.deps import ContextDep, PostedBy, member_id_of
from app.web.errors import local_path, see_other
from app.web.render import render

router = APIRouter(include_in_schema=False)
NextPath = Annotated[str, Form(alias="next", max_length=2000)]
JUST_SET_ASIDE = "set_aside"
"""The home's query parameter naming the notice a plain form just set aside (its banner)."""


@dataclass(frozen=True)
class SetAside:
    """A notice the member set aside, as the pages list it."""

    notice_id: str
    title: str
    since: datetime


def set_aside_since(session: Session, principal: Principal, member_id: str) -> dict[str, datetime]:
    """The notices the member marked « pas pour moi », latest first, with when."""
    return {
        row.notice_id: row.updated_at
        for row in feedback_usecases.read_feedback(
            session=session, principal=principal, member_id=member_id
        )
        if row.verdict == Verdict.not_relevant
    }


def set_aside_notices(
    session: Session, principal: Principal, member_id: str, *, only: str | None = None
) -> list[SetAside]:
    """The notices the member set aside (or just ``only``, when it is one), latest first."""
    since = set_aside_since(session, principal, member_id)
    if only is not None:
        since = {only: since[only]} if only in since else {}
    rows = notices_by_id(session, list(since))
    return [
        SetAside(notice_id, rows[notice_id].title, when)
        for notice_id, when in since.items()
        if notice_id in rows
    ]


def _toggle(request: Request, notice_id: str, next_: str, *, set_aside: bool) -> Response:
    """The form that undoes what was just done, saying it in the notice's live region."""
    return render(
        request,
        "_not_for_me.html",
        {"notice_id": notice_id, "next": next_, "set_aside": set_aside, "said": True},
    )


@router.post("/notices/{notice_id:path}/not-for-me")
def not_for_me(
    request: Request,
    notice_id: NoticeIdPath,
    context: ContextDep,
    user: PostedBy,
    next_: NextPath = "/",
) -> Response:
    """Mark a notice « pas pour moi »: it leaves the member's home, and ranks the rest."""
    with context.sessions() as session:
        feedback_usecases.record_feedback(
            session=session,
            principal=user.principal,
            member_id=member_id_of(user),
            notice_id=notice_id,
            verdict=Verdict.not_relevant,
            now=datetime.now(UTC),
        )
    if request.headers.get("HX-Request") == "true":
        return _toggle(request, notice_id, next_, set_aside=True)
    back = URL(local_path(next_)).include_query_params(**{JUST_SET_ASIDE: notice_id})
    return see_other(str(back))


@router.post("/notices/{notice_id:path}/restore")
def restore(
    request: Request,
    notice_id: NoticeIdPath,
    context: ContextDep,
    user: PostedBy,
    next_: NextPath = "/",
) -> Response:
    """Undo « pas pour moi »: the notice comes back among the member's matches."""
    with context.sessions() as session:
        feedback_usecases.withdraw_feedback(
            session=session,
            principal=user.principal,
            member_id=member_id_of(user),
            notice_id=notice_id,
        )
    if request.headers.get("HX-Request") == "true":
        return _toggle(request, notice_id, next_, set_aside=False)
    return see_other(local_path(next_))
