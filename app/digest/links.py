"""URLs into the web pages, signed unsubscribe tokens and feed secrets.

Links are ``COTENDER_PUBLIC_URL`` + the web app's routes. An unsubscribe token is
``<recipient>.<HMAC-SHA256(secret key, recipient)>`` (base64url): it works without a
session, cannot be forged for another recipient, and needs no storage. A feed
secret is random, shown once, and stored as its HMAC so a leaked database does not
leak subscribable URLs; rotating it revokes the old URLs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import quote

FEED_SECRET_BYTES = 24


def notice_url(public_url: str, notice_id: str) -> str:
    """The notice's page."""
    return f"{public_url}/notices/{quote(notice_id, safe=':')}"


def profile_url(public_url: str) -> str:
    """The signed-in member's profile page (preferences, feeds)."""
    return f"{public_url}/profile"


def group_url(public_url: str, group_id: str) -> str:
    """The group's board."""
    return f"{public_url}/groups/{quote(group_id, safe='')}"


def _mac(secret_key: str, purpose: str, value: str) -> str:
    digest = hmac.new(secret_key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def unsubscribe_token(secret_key: str, recipient: str) -> str:
    """The token of a recipient's one-click unsubscribe link."""
    return f"{recipient}.{_mac(secret_key, 'unsubscribe', recipient)}"


def read_unsubscribe_token(secret_key: str, token: str) -> str | None:
    """The recipient a token was signed for, or None when it is not genuine."""
    recipient, _, signature = token.rpartition(".")
    if not recipient or not signature:
        return None
    expected = _mac(secret_key, "unsubscribe", recipient)
    return recipient if hmac.compare_digest(signature, expected) else None


def unsubscribe_url(public_url: str, secret_key: str, recipient: str) -> str:
    """The one-click unsubscribe URL (GET shows a confirmation, POST unsubscribes)."""
    return f"{public_url}/unsubscribe/{quote(unsubscribe_token(secret_key, recipient), safe=':')}"


def new_feed_secret() -> str:
    """A fresh random feed secret (shown once to the member)."""
    return secrets.token_urlsafe(FEED_SECRET_BYTES)


def feed_secret_hash(secret_key: str, secret: str) -> str:
    """What the store keeps of a feed secret."""
    return _mac(secret_key, "feed", secret)


def feed_urls(public_url: str, secret: str) -> dict[str, str]:
    """The calendar and Atom URLs of a feed secret."""
    return {
        "calendar": f"{public_url}/feeds/{secret}/calendar.ics",
        "atom": f"{public_url}/feeds/{secret}/matches.atom",
    }
