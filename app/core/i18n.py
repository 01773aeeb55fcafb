"""The one translation mechanism: gettext catalogues for every text a person reads.

French by default, English on request. Texts are gettext messages whose msgids
are the English texts, translated by ``app/locale/<lang>/LC_MESSAGES/messages.po``
(one catalogue for the web pages, the drafts, the go/no-go verdicts, the
quarantine reasons and the digests, so one text is translated once). The ``.po``
files are the only form kept in the repository: they are compiled in memory when
first used, so a fresh clone or an installed package works without a build step.

Dates and numbers follow the language through Babel (``format_day``,
``format_percent``…), never the server's locale, so a text reads the same
wherever it is produced. Moments are shown in Paris time, where French deadlines
are set.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent

from models.vocabulary.time import PARIS

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
"""The regional variant behind each language: France's French and British English
(day/month order, 24-hour clock), as the proofing language of a Word draft."""


def supported(language: str | None) -> str:
    """``language`` when it is one we translate to, French otherwise."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def translations(language: str) -> gettext.GNUTranslations:
    """The compiled catalogue of a language (French for one we do not translate to)."""
    return _compiled(supported(language))


@lru_cache(maxsize=len(LANGUAGES))
def _compiled(language: str) -> gettext.GNUTranslations:
    """A language's ``.po`` file, compiled once per process."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def format_day(day: date, language: str) -> str:
    """``jeudi 24/12/2026`` / ``Thursday 24/12/2026``: the weekday matters for planning."""
    return format_date(day, "EEEE dd/MM/yyyy", locale=BABEL_LOCALES[supported(language)])


def format_moment(moment: datetime, language: str) -> str:
    """``vendredi 18/12/2026 à 12:00 (heure de Paris)``, read in Paris time."""
    local = moment.astimezone(PARIS)
    _ = translations(language).gettext
    clock = format_time(local, "HH:mm", locale=BABEL_LOCALES[supported(language)])
    return _("%(day)s at %(time)s (Paris time)") % {
        "day": format_day(local.date(), language),
        "time": clock,
    }


def format_percent(share: float, language: str) -> str:
    """``40 %`` / ``40%`` for a share in [0, 1] (one decimal only when needed)."""
    locale = BABEL_LOCALES[supported(language)]
    return str(babel_percent(round(share, 3), locale=locale, decimal_quantization=False))


def format_number(value: float, language: str) -> str:
    """``0,5`` / ``0.5``: a decimal number as the language writes it."""
    return str(format_decimal(value, locale=BABEL_LOCALES[supported(language)]))


def format_amount(amount: float, language: str) -> str:
    """``150 000`` / ``150,000``: a whole amount with the language's grouping."""
    return str(format_decimal(round(amount), locale=BABEL_LOCALES[supported(language)]))
