"""Errors on web pages: a friendly page in the reader's language, never JSON or a trace.

The API's handlers stay in charge of ``/api`` and ``/health``: each handler here
answers web paths and hands anything else to the handler it replaced.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from app.web.deps import SignInRequired
from app.web.i18n import language_of
from app.web.problems import field_problems, refused_fields
from app.web.render import render
from app.web.security import CsrfError, is_web_path
from models.errors import (
    ConflictError,
    CotenderError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)

logger = logging.getLogger(__name__)
Handler = Callable[[Request, Any], Response | Awaitable[Response]]


def error_page(
    request: Request, status: int, *, kind: str, fields: list[dict[str, str]] | None = None
) -> Response:
    """The error page; ``kind`` picks its translated title and explanation.

    An htmx request gets the page's content instead, swapped into ``<main>`` (the
    pages let htmx swap 4xx answers, see ``base.html``): a form sent by htmx whose
    session ended, or whose input is refused, says so rather than doing nothing.
    """
    values = {"status": status, "kind": kind, "fields": fields or []}
    if request.headers.get("HX-Request") == "true":
        answer = render(request, "_error.html", {**values, "fragment": True}, status_code=status)
        answer.headers.update({"HX-Retarget": "#main", "HX-Reswap": "innerHTML"})
        return answer
    return render(request, "error.html", values, status_code=status)


def _status_kind(exc: Exception, language: str) -> tuple[int, str, list[dict[str, str]]]:
    if isinstance(exc, SignInRequired):
        return 401, "signin", []
    if isinstance(exc, CsrfError):
        return 403, "csrf", []
    if isinstance(exc, ForbiddenError):
        return 403, "forbidden", []
    if isinstance(exc, NotFoundError):
        return 404, "not_found", []
    if isinstance(exc, ConflictError):
        return 409, "conflict", []
    if isinstance(exc, InvalidInputError):
        return 422, "invalid", refused_fields(exc, language)
    if isinstance(exc, RequestValidationError):
        if all(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            # A malformed address (a notice id without its source): the reader filled
            # in no field, so "correct the fields below" would point at nothing.
            return 404, "not_found", []
        return 422, "invalid", field_problems(exc.errors(), language, skip=1)
    if isinstance(exc, StarletteHTTPException):
        kinds = {401: "signin", 403: "forbidden", 404: "not_found", 405: "not_found"}
        return exc.status_code, kinds.get(exc.status_code, "error"), []
    return 500, "error", []


def install_web_error_handlers(app: FastAPI) -> None:
    """Wrap the installed handlers: web paths get a page, the API keeps its JSON."""
    fallback: Handler | None = app.exception_handlers.get(Exception)
    for kind in (StarletteHTTPException, RequestValidationError, CotenderError, Exception):
        previous: Handler | None = app.exception_handlers.get(kind) or fallback
        app.add_exception_handler(kind, _web_handler(previous))


def _web_handler(previous: Handler | None) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if not is_web_path(request.url.path):
            if previous is None:
                raise exc
            answer = previous(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        status, kind, fields = _status_kind(exc, language_of(request))
        if status >= 500:
            logger.error("web page failed", extra={"path": request.url.path}, exc_info=exc)
        return error_page(request, status, kind=kind, fields=fields)

    return handle


def see_other(location: str) -> RedirectResponse:
    """After a form: go to the page that shows the result (303, so a reload is harmless)."""
    return RedirectResponse(location, status_code=303)


def local_path(target: str) -> str:
    """A ``next`` to follow: a path of this site, else the home page.

    ``//host`` and ``/\\host`` are refused: browsers read both as another site.
    """
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"
