"""Groups and their procedures: admins create them and set who belongs; leads adjust them."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from app.api.deps import AdminPrincipal, CurrentPrincipal, SessionDep, require, unprocessable
from app.api.params import GroupIdPath
from app.auth import policy
from app.groups import service
from models.errors import InvalidInputError
from models.group import Group, Procedure
from models.schema import GroupRow

router = APIRouter(prefix="/api/groups", tags=["groups"])


class GroupPublic(BaseModel):
    """A group as served: its members, leads and procedure."""

    id: str
    name: str
    cooperative: str = ""
    members: list[str]
    leads: list[str]
    procedure: Procedure

    @classmethod
    def of(cls, row: GroupRow) -> GroupPublic:
        """The public form of a stored group."""
        return cls.model_validate(row.document)


def _found(session: SessionDep, group_id: str) -> GroupRow:
    row = service.get_group(session=session, group_id=group_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"group {group_id} not found")
    return row


@router.post("", status_code=201, response_model=GroupPublic)
def create_group(group: Group, session: SessionDep, _admin: AdminPrincipal) -> GroupPublic:
    """Create a group with its procedure (admins)."""
    try:
        row = service.create_group(session=session, group=group)
        session.commit()
    except InvalidInputError as error:
        raise unprocessable(error) from error
    except (service.GroupExistsError, IntegrityError) as error:
        session.rollback()
        raise HTTPException(status_code=409, detail=f"group {group.id} already exists") from error
    return GroupPublic.of(row)


@router.get("", response_model=list[GroupPublic])
def read_groups(session: SessionDep, principal: CurrentPrincipal) -> list[GroupPublic]:
    """Retrieve the groups the caller belongs to (admins: all)."""
    only = None if principal.is_admin else principal.groups
    return [GroupPublic.of(row) for row in service.list_groups(session=session, only=only)]


@router.get("/{group_id}", response_model=GroupPublic)
def read_group(
    group_id: GroupIdPath, session: SessionDep, principal: CurrentPrincipal
) -> GroupPublic:
    """Retrieve a group."""
    require(policy.can_read_group(principal, group_id))
    return GroupPublic.of(_found(session, group_id))


@router.put("/{group_id}", response_model=GroupPublic)
def replace_group(
    group_id: GroupIdPath, group: Group, session: SessionDep, principal: CurrentPrincipal
) -> GroupPublic:
    """Replace a group; its leads may change all but its members and leads."""
    require(policy.can_lead_group(principal, group_id))
    current = GroupPublic.of(_found(session, group_id))
    if (set(current.members), set(current.leads)) != (set(group.members), set(group.leads)):
        require(policy.can_change_group_membership(principal))
    try:
        row = service.replace_group(session=session, group_id=group_id, group=group)
    except InvalidInputError as error:
        raise unprocessable(error) from error
    session.commit()
    return GroupPublic.of(row)


@router.get("/{group_id}/procedure", response_model=Procedure)
def read_procedure(
    group_id: GroupIdPath, session: SessionDep, principal: CurrentPrincipal
) -> Procedure:
    """Retrieve a group's procedure."""
    require(policy.can_read_group(principal, group_id))
    return GroupPublic.of(_found(session, group_id)).procedure


@router.put("/{group_id}/procedure", response_model=Procedure)
def replace_procedure(
    group_id: GroupIdPath, procedure: Procedure, session: SessionDep, principal: CurrentPrincipal
) -> Procedure:
    """Replace a group's procedure (its leads and admins)."""
    require(policy.can_lead_group(principal, group_id))
    try:
        row = service.replace_procedure(session=session, group_id=group_id, procedure=procedure)
    except InvalidInputError as error:
        raise unprocessable(error) from error
    except service.GroupNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from error
    session.commit()
    return GroupPublic.of(row).procedure
