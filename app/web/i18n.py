"""Languages of the web app: French by default, English on request (a ``lang`` cookie).

The catalogues and their loading are the application's one mechanism
(``app.core.i18n``); this module only reads which language a request asked for.
"""

from __future__ import annotations

from starlette.requests import Request

from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, translations

LANGUAGE_COOKIE = "lang"

__all__ = ["LANGUAGES", "LANGUAGE_COOKIE", "LANGUAGE_NAMES", "language_of", "translations"]


def language_of(request: Request) -> str:
    """The language a request asked for (its cookie), French otherwise."""
    wanted = request.cookies.get(LANGUAGE_COOKIE, DEFAULT_LANGUAGE)
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE
