"""Every FastAPI dependency, exposed as an ``Annotated`` alias."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.principal import Principal, resolve_principal
from app.matching.engine import MatchingEngine
from app.search.index import IndexLockedError
from app.wiring.context import AppContext


def get_context(request: Request) -> AppContext:
    """The context built in the app's lifespan."""
    context: AppContext = request.app.state.context
    return context


def get_session(context: Annotated[AppContext, Depends(get_context)]) -> Iterator[Session]:
    """One session per request, committed by the route's service calls."""
    with context.sessions() as session:
        yield session


def get_now() -> datetime:
    """The request's clock (overridable in tests)."""
    return datetime.now(UTC)


ContextDep = Annotated[AppContext, Depends(get_context)]
SessionDep = Annotated[Session, Depends(get_session)]
NowDep = Annotated[datetime, Depends(get_now)]


_bearer = HTTPBearer(
    auto_error=False,
    description="A token from `cotender token create` (or `POST /api/tokens`).",
)


def get_principal(
    context: ContextDep,
    session: SessionDep,
    now: NowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller; 401 for a missing, malformed, unknown, expired or revoked token."""
    principal = None
    if credentials is not None:
        principal = resolve_principal(
            session=session,
            token=credentials.credentials,
            secret_key=context.settings.secret_key.get_secret_value(),
            now=now,
        )
    if principal is None:
        raise HTTPException(
            status_code=401,
            detail="a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
AUTHENTICATED = Depends(get_principal)
"""For ``APIRouter(dependencies=[AUTHENTICATED])``: every route of the router needs a token."""


def get_admin(principal: CurrentPrincipal) -> Principal:
    """The caller, who must be an admin (403 otherwise, before the body is looked at)."""
    policy.require(principal.is_admin)
    return principal


AdminPrincipal = Annotated[Principal, Depends(get_admin)]


def get_matching(context: Annotated[AppContext, Depends(get_context)]) -> MatchingEngine:
    """The matching engine; 503 while another process owns the embedded index."""
    try:
        return context.matching
    except IndexLockedError:
        raise HTTPException(
            status_code=503,
            detail="the vector index is held by another Cotender process; retry shortly",
            headers={"Retry-After": "30"},
        ) from None


MatchingDep = Annotated[MatchingEngine, Depends(get_matching)]
