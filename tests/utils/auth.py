"""Bearer tokens for API tests: ``client.get(url, headers=admin_headers(context))``."""

from __future__ import annotations

from datetime import UTC, datetime

from app.auth.tokens import create_token
from app.core.db import transaction
from app.wiring.context import AppContext


def make_token(
    context: AppContext,
    *,
    member_id: str | None = None,
    admin: bool = False,
    days: int = 90,
    now: datetime | None = None,
) -> str:
    """Issue a token for ``member_id`` (who must exist) or an admin; returns the secret."""
    with transaction(context.sessions) as session:
        issued = create_token(
            session=session,
            secret_key=context.settings.secret_key.get_secret_value(),
            now=now or datetime.now(UTC),
            member_id=member_id,
            is_admin=admin,
            days=days,
        )
    return issued.token


def bearer(token: str) -> dict[str, str]:
    """The ``Authorization`` header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


def admin_headers(context: AppContext) -> dict[str, str]:
    """Headers of a fresh admin token (for tests of routes that need any valid token)."""
    return bearer(make_token(context, admin=True))


def member_headers(context: AppContext, member_id: str) -> dict[str, str]:
    """Headers of a fresh token for an existing member."""
    return bearer(make_token(context, member_id=member_id))
