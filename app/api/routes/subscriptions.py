"""Routes reached from outside a session: one-click unsubscribe (RFC 8058) and feeds.

The unsubscribe link carries a signed token; ``GET`` shows a confirmation page (mail
scanners fetch links, so a GET never unsubscribes) and ``POST`` unsubscribes, which is
what a mail client's one-click button sends (``List-Unsubscribe=One-Click``). Feed URLs
carry the member's feed secret; a wrong or revoked one is a 404.
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import HTMLResponse

from app.api.deps import ContextDep, MatchingDep, NowDep, SessionDep
from app.digest import links, usecases
from app.digest.feeds import calendar_items, render_atom, render_calendar
from app.digest.labels import labels_for
from app.digest.preferences import member_recipient, preferences_of, subscription
from models.member import Member

router = APIRouter(tags=["subscriptions"])

TokenPath = Annotated[str, Path(min_length=10, max_length=400, pattern=r"^[A-Za-z0-9:._-]+$")]
SecretPath = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


def _secret_key(context: ContextDep) -> str:
    return context.settings.secret_key.get_secret_value()


def _page(language: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>Cotender</title></head><body>{body}</body></html>"
    )


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def confirm_unsubscribe(token: TokenPath, context: ContextDep, session: SessionDep) -> HTMLResponse:
    """The page of an unsubscribe link: one button that unsubscribes."""
    recipient = usecases.link_recipient(secret_key=_secret_key(context), token=token)
    language = usecases.recipient_language(session, recipient)
    labels = labels_for(language)
    return _page(
        language,
        f"<p>{escape(labels.unsubscribe_page)}</p>"
        f'<form method="post" action="/unsubscribe/{escape(token)}">'
        f'<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f'<button type="submit">{escape(labels.unsubscribe_button)}</button></form>',
    )


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def one_click_unsubscribe(
    token: TokenPath, context: ContextDep, session: SessionDep
) -> HTMLResponse:
    """Unsubscribe (RFC 8058 one-click POST, or the page's button); idempotent."""
    language = usecases.unsubscribe_by_link(
        session=session, secret_key=_secret_key(context), token=token
    )
    return _page(language, f"<p>{escape(labels_for(language).unsubscribed_page)}</p>")


def _feed_owner(context: ContextDep, session: SessionDep, secret: str) -> Member:
    return usecases.feed_owner(session=session, secret_key=_secret_key(context), secret=secret)


@router.get("/feeds/{secret}/calendar.ics")
def read_calendar(
    secret: SecretPath, context: ContextDep, session: SessionDep, now: NowDep
) -> Response:
    """The member's deadlines and procedure steps (ICS)."""
    member = _feed_owner(context, session, secret)
    items = calendar_items(session, member, now=now, public_url=context.settings.public_url)
    return Response(
        render_calendar(member, items, now=now), media_type="text/calendar; charset=utf-8"
    )


@router.get("/feeds/{secret}/matches.atom")
def read_atom(
    secret: SecretPath,
    context: ContextDep,
    session: SessionDep,
    matching: MatchingDep,
    now: NowDep,
) -> Response:
    """The member's current matches above their threshold (Atom)."""
    member = _feed_owner(context, session, secret)
    preferences = preferences_of(subscription(session, member_recipient(member.id)), member)
    public = context.settings.public_url
    body = render_atom(
        session,
        matching,
        member,
        threshold=preferences.threshold,
        language=preferences.language,
        now=now,
        public_url=public,
        feed_url=links.feed_urls(public, secret)["atom"],
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")
