"""Who is using the browser: the session cookie resolved once per request."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from app.web.security import check_csrf
from app.web.sessions import WebUser, resolve_session
from app.wiring.context import AppContext
from models.errors import CotenderError, ForbiddenError

SESSION_COOKIE = "cotender_session"


class SignInRequired(CotenderError):
    """Raised when a page needs a session and the browser has none (or it ended)."""


def web_context(request: Request) -> AppContext:
    """The context built in the app's lifespan."""
    context: AppContext = request.app.state.context
    return context


def optional_user(request: Request) -> WebUser | None:
    """The signed-in user, or None; kept on ``request.state`` for the page layout."""
    secret = request.cookies.get(SESSION_COOKIE)
    user = None
    if secret:
        context = web_context(request)
        with context.sessions() as session:
            user = resolve_session(
                session=session,
                secret=secret,
                secret_key=context.settings.secret_key.get_secret_value(),
                now=datetime.now(UTC),
            )
    request.state.web_user = user
    return user


def signed_in(user: Annotated[WebUser | None, Depends(optional_user)]) -> WebUser:
    """The signed-in user; a page that needs one asks to sign in otherwise."""
    if user is None:
        raise SignInRequired("sign in with your link to see this page")
    return user


def signed_in_member(user: Annotated[WebUser, Depends(signed_in)]) -> WebUser:
    """A signed-in member (an admin session has no profile nor matches)."""
    if user.principal.member_id is None:
        raise ForbiddenError("this page is for members; an admin session has no profile")
    return user


async def posted_by(request: Request, user: Annotated[WebUser, Depends(signed_in)]) -> WebUser:
    """The signed-in user of a form, whose CSRF token must be the session's."""
    await check_csrf(request, user.csrf_token)
    return user


UserDep = Annotated[WebUser, Depends(signed_in)]
MemberDep = Annotated[WebUser, Depends(signed_in_member)]
PostedBy = Annotated[WebUser, Depends(posted_by)]
OptionalUser = Annotated[WebUser | None, Depends(optional_user)]
ContextDep = Annotated[AppContext, Depends(web_context)]


def member_id_of(user: WebUser) -> str:
    """The member a session acts as (pages behind ``MemberDep`` always have one)."""
    if user.principal.member_id is None:
        raise ForbiddenError("this page is for members")
    return user.principal.member_id
