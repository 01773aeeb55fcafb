"""The member's digest preferences on their profile page: frequency, threshold, language.

Domain calls, as ``GET/PUT /api/members/{id}/preferences``: ``app.digest.preferences``
``subscription``, ``member_recipient`` and ``preferences_of`` to read them,
``save_preferences`` to store them (the edit policy checked first).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from app.auth import policy
from app.digest.preferences import (
    Frequency,
    Preferences,
    member_recipient,
    preferences_of,
    save_preferences,
    subscription,
)
from app.web.deps import ContextDep, PostedBy, member_id_of, web_context
from app.web.errors import see_other
from models.member import Member

router = APIRouter(include_in_schema=False)


def digest_form(request: Request, member: Member) -> Preferences:
    """The member's digest preferences as stored, or the defaults for them."""
    with web_context(request).sessions() as session:
        return preferences_of(subscription(session, member_recipient(member.id)), member)


@router.post("/profile/digest")
def save_digest(
    context: ContextDep,
    user: PostedBy,
    frequency: Annotated[Frequency, Form()],
    threshold: Annotated[float, Form(ge=-10, le=100)],
    language: Annotated[str, Form(pattern=r"^(fr|en)$")],
) -> Response:
    """Store how often and in which language the member hears of new matches."""
    member_id = member_id_of(user)
    policy.require(policy.can_edit_member(user.principal, member_id))
    preferences = Preferences(frequency=frequency, threshold=threshold, language=language)
    with context.sessions() as session:
        save_preferences(session, member_id, preferences)
        session.commit()
    return see_other("/profile?saved=digest")
