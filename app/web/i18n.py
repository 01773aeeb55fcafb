"""Languages of the web app: French by default, English on request (a ``lang`` cookie).

Texts are gettext messages (English msgids) translated by the catalogues under
``app/web/locale/<lang>/LC_MESSAGES/messages.po``. The ``.po`` files are the only
form kept in the repository: they are compiled in memory when first used, so a
fresh clone or an installed package works without a build step.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.requests import Request

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext.GNUTranslations:
    """The compiled catalogue of a language (its ``.po`` file, compiled once per process)."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def language_of(request: Request) -> str:
    """The language a request asked for (its cookie), French otherwise."""
    wanted = request.cookies.get(LANGUAGE_COOKIE, DEFAULT_LANGUAGE)
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE
