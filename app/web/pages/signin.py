"""Sign-in by link, sign-out and the language switch.

Domain calls: ``app.web.sessions.open_session`` (which calls
``app.auth.tokens.verify_token``) and ``app.web.sessions.close_session``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from app.core.db import transaction
from app.web.deps import SESSION_COOKIE, ContextDep, PostedBy
from app.web.errors import error_page, local_path, see_other
from app.web.i18n import LANGUAGE_COOKIE, LANGUAGES
from app.web.render import render
from app.web.sessions import close_session, open_session

router = APIRouter(include_in_schema=False)


@router.get("/signin/{secret}")
def sign_in(
    request: Request,
    context: ContextDep,
    secret: Annotated[str, Path(max_length=200)],
) -> Response:
    """Open a session from a sign-in link and go to the home page."""
    settings = context.settings
    with transaction(context.sessions) as session:
        opened = open_session(
            session=session,
            token=secret,
            secret_key=settings.secret_key.get_secret_value(),
            now=datetime.now(UTC),
        )
    if opened is None:
        return error_page(request, 401, kind="bad_link")
    response = see_other("/")
    response.set_cookie(
        SESSION_COOKIE,
        opened.secret,
        expires=opened.expires_at,
        httponly=True,
        samesite="lax",
        secure=settings.environment != "development",
        path="/",
    )
    return response


@router.post("/signout")
def sign_out(request: Request, context: ContextDep, user: PostedBy) -> Response:
    """End this browser's session."""
    with transaction(context.sessions) as session:
        close_session(session=session, session_id=user.session_id)
    request.state.web_user = None
    response = render(request, "welcome.html", {"signed_out": True})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{language}")
def switch_language(
    language: Annotated[str, Path(pattern="^(" + "|".join(LANGUAGES) + ")$")],
    next_: Annotated[str, Query(alias="next", max_length=2000)] = "/",
) -> Response:
    """Show every page in ``language`` from now on (a cookie), then go back."""
    response = RedirectResponse(local_path(next_), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax", path="/")
    return response
