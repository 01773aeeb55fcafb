"""Asking the data folder's running server for what needs the embedded vector index.

The embedded index has one owner. While ``cotender serve`` owns it, a command that
needs it (``digest send`` composing digests) asks the server, on the loopback
address the server recorded under the data folder, with an admin token minted for
that one call and revoked after it: the command shares the server's store and
secret key, so it holds no more power than it already had, and no token outlives it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from app.auth.tokens import create_token, revoke_token
from app.core.db import transaction
from app.wiring.context import AppContext
from app.wiring.server_address import running_server_url

SERVER_TIMEOUT_SECONDS = 1800.0
"""Composing a night's digests for thousands of members takes minutes, not hours."""


class ServerUnavailable(Exception):
    """Raised when no server runs on the data folder, or it did not answer (with why)."""


def post_to_server(context: AppContext, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to the running server's ``path`` as an admin; its JSON answer."""
    url = running_server_url(context.settings)
    if url is None:
        raise ServerUnavailable("no running server recorded its address in the data folder")
    secret = context.settings.secret_key.get_secret_value()
    with transaction(context.sessions) as session:
        issued = create_token(
            session=session, secret_key=secret, now=datetime.now(UTC), is_admin=True, days=1
        )
    try:
        answer = httpx.post(
            f"{url}{path}",
            json=body,
            headers={"Authorization": f"Bearer {issued.token}"},
            timeout=SERVER_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as error:
        raise ServerUnavailable(f"the server at {url} did not answer: {error}") from None
    finally:
        with transaction(context.sessions) as session:
            revoke_token(session=session, token_id=issued.id, now=datetime.now(UTC))
    if answer.status_code != 200:
        raise ServerUnavailable(f"the server at {url} answered {answer.status_code}: {answer.text}")
    data: dict[str, Any] = answer.json()
    return data
