"""Security of the web pages: response headers and CSRF tokens on every form.

Headers go on every web response (not on ``/api``, ``/health`` or the OpenAPI
pages, whose answers stay as they were). The Content-Security-Policy allows no
inline script or style: the pages load only ``/static`` files.
"""

from __future__ import annotations

import hmac

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from models.errors import ForbiddenError

# The digests' secret-URL routes (feeds, one-click unsubscribe) are API routes: no session,
# the secret in the URL, their rules in the API's permission matrix.
NOT_WEB = ("/api/", "/health", "/docs", "/redoc", "/openapi.json", "/feeds/", "/unsubscribe/")
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class CsrfError(ForbiddenError):
    """Raised when a form comes without the session's CSRF token, from :func:`check_csrf`."""


def is_web_path(path: str) -> bool:
    """True for the web pages and their static files (not the API nor its docs)."""
    return path != "/api" and not path.startswith(NOT_WEB)


class SecurityHeaders(BaseHTTPMiddleware):
    """Adds the security headers to web responses; personal pages are never cached."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        if is_web_path(request.url.path):
            response.headers.update(SECURITY_HEADERS)
            if not request.url.path.startswith("/static/"):
                response.headers.setdefault("Cache-Control", "no-store")
        return response


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse a state-changing request without the session's CSRF token (field or header)."""
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfError("the form's security token is missing or out of date")
