"""Every FastAPI dependency, exposed as an ``Annotated`` alias."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.auth.principal import Principal, resolve_principal
from app.core.context import AppContext
from app.matching.engine import MatchingEngine
from app.search.index import IndexLockedError
from models.errors import InvalidInputError


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


def require(allowed: bool) -> None:
    """Refuse with 403 unless ``allowed`` (asked before any look-up, so nothing leaks)."""
    if not allowed:
        raise HTTPException(status_code=403, detail="not allowed")


def unprocessable(error: InvalidInputError, *, prefix: str = "body") -> HTTPException:
    """A service's refusal of the input as a 422 naming the fields (``body.<path>``)."""
    fields = [
        {**problem, "field": ".".join(p for p in (prefix, problem["field"]) if p)}
        for problem in error.fields
    ]
    return HTTPException(status_code=422, detail={"message": error.message, "fields": fields})


def get_admin(principal: CurrentPrincipal) -> Principal:
    """The caller, who must be an admin (403 otherwise)."""
    require(principal.is_admin)
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
