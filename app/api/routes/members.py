"""Members: profiles (create, read, update), their data export and deletion, their intentions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from app.api.deps import AdminPrincipal, CurrentPrincipal, NowDep, SessionDep
from app.api.params import MemberIdPath
from app.intentions.usecases import IntentionPublic, member_intentions
from app.members import usecases
from models.member import Member, MemberUpdate
from models.schema import MemberRow

router = APIRouter(prefix="/api/members", tags=["members"])


class MemberPublic(Member):
    """A member's profile as served."""

    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: MemberRow) -> MemberPublic:
        """The public form of a stored member."""
        return cls.model_validate(
            {**row.profile, "created_at": row.created_at, "updated_at": row.updated_at}
        )


class MembersPublic(BaseModel):
    """One page of members."""

    total: int
    limit: int
    offset: int
    items: list[MemberPublic]


class MemberExport(BaseModel):
    """Everything stored about a member (their right of access)."""

    exported_at: datetime
    member: dict[str, Any]
    groups: list[dict[str, Any]]
    intentions: list[dict[str, Any]]
    intention_events: list[dict[str, Any]]
    feedback: list[dict[str, Any]]
    tokens: list[dict[str, Any]]


@router.post("", status_code=201, response_model=MemberPublic)
def create_member(member: Member, session: SessionDep, admin: AdminPrincipal) -> MemberPublic:
    """Create a member (admins)."""
    row = usecases.create_member(session=session, principal=admin, member=member)
    return MemberPublic.of(row)


@router.get("", response_model=MembersPublic)
def read_members(
    session: SessionDep,
    admin: AdminPrincipal,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> MembersPublic:
    """Retrieve members by id (admins)."""
    total, rows = usecases.list_members(
        session=session, principal=admin, limit=limit, offset=offset
    )
    items = [MemberPublic.of(row) for row in rows]
    return MembersPublic(total=total, limit=limit, offset=offset, items=items)


@router.get("/{member_id}", response_model=MemberPublic)
def read_member(
    member_id: MemberIdPath, session: SessionDep, principal: CurrentPrincipal
) -> MemberPublic:
    """Retrieve a member's profile."""
    row = usecases.read_member(session=session, principal=principal, member_id=member_id)
    return MemberPublic.of(row)


@router.patch("/{member_id}", response_model=MemberPublic)
def update_member(
    member_id: MemberIdPath, update: MemberUpdate, session: SessionDep, principal: CurrentPrincipal
) -> MemberPublic:
    """Update some fields of a member's profile."""
    row = usecases.update_member(
        session=session, principal=principal, member_id=member_id, update=update
    )
    return MemberPublic.of(row)


@router.delete("/{member_id}", status_code=204, response_class=Response)
def delete_member(
    member_id: MemberIdPath, session: SessionDep, principal: CurrentPrincipal
) -> None:
    """Erase a member and all their data."""
    usecases.delete_member(session=session, principal=principal, member_id=member_id)


@router.get("/{member_id}/export", response_model=MemberExport)
def export_member(
    member_id: MemberIdPath, session: SessionDep, principal: CurrentPrincipal, now: NowDep
) -> MemberExport:
    """Export everything stored about a member as JSON."""
    data = usecases.export_member(
        session=session, principal=principal, member_id=member_id, now=now
    )
    return MemberExport.model_validate(data)


@router.get("/{member_id}/intentions", response_model=list[IntentionPublic])
def read_member_intentions(
    member_id: MemberIdPath, session: SessionDep, principal: CurrentPrincipal
) -> list[IntentionPublic]:
    """Retrieve a member's own intentions, latest first."""
    return member_intentions(session=session, principal=principal, member_id=member_id)
