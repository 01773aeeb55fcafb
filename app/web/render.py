"""Rendering pages: one Jinja2 environment per language, dates shown in Europe/Paris."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.matching.strength import strength_label
from app.web.i18n import LANGUAGE_NAMES, LANGUAGES, language_of, translations
from models.notice import Money
from models.vocabulary.time import PARIS

TEMPLATES_DIR = Path(__file__).parent / "templates"
NOT_IN_AN_ID = re.compile(r"[^A-Za-z0-9-]")


def dom_id(notice_id: str) -> str:
    """A notice id as an HTML id part (``boamp:26-1`` → ``boamp_3a_26-1``), one per notice.

    Fragments answered to htmx name the live region of their notice with it, the page
    that holds the region having named it the same way.
    """
    return NOT_IN_AN_ID.sub(lambda found: f"_{ord(found.group()):x}_", notice_id)


def _filters(language: str) -> dict[str, Any]:
    """Formatting in the page's language, times in Paris."""

    def when(value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value.astimezone(PARIS), "d MMMM y, HH:mm", locale=language)

    def day(value: Any) -> str:
        return format_date(value, "d MMMM y", locale=language) if value else ""

    def time_left(value: datetime | None, now: datetime | None = None) -> str:
        if value is None:
            return ""
        delta = value - (now or datetime.now(UTC))
        return format_timedelta(delta, add_direction=True, locale=language, threshold=1.5)

    def euros(value: float | None) -> str:
        return format_currency(value, "EUR", locale=language) if value is not None else ""

    def money(value: Money | None) -> str:
        """An amount as published, in its own currency."""
        if value is None:
            return ""
        return format_currency(value.amount, value.currency, locale=language)

    def number(value: float, digits: int = 0) -> str:
        return format_decimal(round(value, digits), locale=language)

    def percent(value: float) -> str:
        return format_decimal(round(100 * value), locale=language) + "\u00a0%"

    return {
        "when": when,
        "day": day,
        "time_left": time_left,
        "euros": euros,
        "money": money,
        "number": number,
        "percent": percent,
        "strength_label": lambda strength: strength_label(strength, language),
    }


@lru_cache(maxsize=len(LANGUAGES))
def environment(language: str) -> Environment:
    """The template environment of one language (gettext installed once, thread-safe)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    _ = translations(language).gettext
    # Said on every card: translated once here rather than at each use in a loop.
    choices = {
        "lead": _("Lead"),
        "contributor": _("Contributor"),
        "interested": _("Interested"),
        "declined": _("I decline"),
    }
    env.globals.update(role_choices=choices, role_names={**choices, "declined": _("Declined")})
    env.filters.update(_filters(language), dom_id=dom_id)
    env.globals.update(
        language=language,
        language_names=LANGUAGE_NAMES,
        languages=LANGUAGES,
        colon="\u00a0:" if language == "fr" else ":",  # French puts a space before a colon
    )
    return env


def gettext_of(request: Request) -> Any:
    """The ``gettext`` of the request's language, for texts built in Python."""
    return translations(language_of(request)).gettext


def render(
    request: Request,
    template: str,
    values: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A page (or, for htmx requests asking a fragment, a fragment) in the request's language."""
    env = environment(language_of(request))
    user = getattr(request.state, "web_user", None)
    page = env.get_template(template).render(
        request=request,
        user=user,
        csrf_token=user.csrf_token if user else "",
        path=request.url.path,
        query=request.url.query,
        now=datetime.now(UTC),
        **(values or {}),
    )
    return HTMLResponse(page, status_code=status_code)
