"""Bearer tokens: admins issue them; admins and their owners revoke them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import AdminPrincipal, ContextDep, CurrentPrincipal, NowDep, SessionDep
from app.auth import usecases
from app.auth.tokens import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, TOKEN_ID_PATTERN
from models.member import MemberId

router = APIRouter(prefix="/api/tokens", tags=["tokens"])

TokenIdPath = Annotated[str, Path(pattern=TOKEN_ID_PATTERN)]


class TokenCreate(BaseModel):
    """Who the token is for: one member, or an admin."""

    model_config = ConfigDict(extra="forbid")

    member_id: MemberId | None = None
    admin: bool = False
    days: int = Field(default=DEFAULT_TOKEN_DAYS, ge=1, le=MAX_TOKEN_DAYS)


class TokenIssued(BaseModel):
    """A new token; ``token`` is shown this once and never stored."""

    id: str
    token: str
    member_id: str | None
    is_admin: bool
    expires_at: datetime


@router.post("", status_code=201, response_model=TokenIssued)
def create_api_token(
    body: TokenCreate, session: SessionDep, context: ContextDep, now: NowDep, admin: AdminPrincipal
) -> TokenIssued:
    """Issue a token for a member or an admin (admins)."""
    issued = usecases.issue_token(
        session=session,
        principal=admin,
        secret_key=context.settings.secret_key.get_secret_value(),
        now=now,
        member_id=body.member_id,
        is_admin=body.admin,
        days=body.days,
    )
    return TokenIssued(
        id=issued.id,
        token=issued.token,
        member_id=issued.member_id,
        is_admin=issued.is_admin,
        expires_at=issued.expires_at,
    )


@router.delete("/{token_id}", status_code=204, response_class=Response)
def revoke_api_token(
    token_id: TokenIdPath, session: SessionDep, principal: CurrentPrincipal, now: NowDep
) -> None:
    """Revoke a token (admins, or the member it belongs to)."""
    usecases.revoke_token(session=session, principal=principal, token_id=token_id, now=now)
