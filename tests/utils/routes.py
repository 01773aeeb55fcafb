"""Which routes are web pages (session sign-in) and which the API's (bearer token or link)."""

from __future__ import annotations

from typing import Any

from app.web.security import is_web_path


def is_web_page(route: Any) -> bool:
    """True for a route of the web package; the digest's capability URLs (unsubscribe
    links, feeds) live outside ``/api`` but belong to the API's routers."""
    module = getattr(getattr(route, "endpoint", None), "__module__", "app.web")
    return is_web_path(route.path) and module.startswith("app.web")
