"""Groups and their procedures: admins create them and set who belongs; leads adjust them."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from app.api.deps import AdminPrincipal, CurrentPrincipal, SessionDep
from app.api.params import GroupIdPath
from app.groups import usecases
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


@router.post("", status_code=201, response_model=GroupPublic)
def create_group(group: Group, session: SessionDep, admin: AdminPrincipal) -> GroupPublic:
    """Create a group with its procedure (admins)."""
    return GroupPublic.of(usecases.create_group(session=session, principal=admin, group=group))


@router.get("", response_model=list[GroupPublic])
def read_groups(session: SessionDep, principal: CurrentPrincipal) -> list[GroupPublic]:
    """Retrieve the groups the caller belongs to (admins: all)."""
    rows = usecases.list_groups(session=session, principal=principal)
    return [GroupPublic.of(row) for row in rows]


@router.get("/{group_id}", response_model=GroupPublic)
def read_group(
    group_id: GroupIdPath, session: SessionDep, principal: CurrentPrincipal
) -> GroupPublic:
    """Retrieve a group."""
    row = usecases.read_group(session=session, principal=principal, group_id=group_id)
    return GroupPublic.of(row)


@router.put("/{group_id}", response_model=GroupPublic)
def replace_group(
    group_id: GroupIdPath, group: Group, session: SessionDep, principal: CurrentPrincipal
) -> GroupPublic:
    """Replace a group; its leads may change all but its members and leads."""
    row = usecases.replace_group(
        session=session, principal=principal, group_id=group_id, group=group
    )
    return GroupPublic.of(row)


@router.get("/{group_id}/procedure", response_model=Procedure)
def read_procedure(
    group_id: GroupIdPath, session: SessionDep, principal: CurrentPrincipal
) -> Procedure:
    """Retrieve a group's procedure."""
    row = usecases.read_group(session=session, principal=principal, group_id=group_id)
    return GroupPublic.of(row).procedure


@router.put("/{group_id}/procedure", response_model=Procedure)
def replace_procedure(
    group_id: GroupIdPath, procedure: Procedure, session: SessionDep, principal: CurrentPrincipal
) -> Procedure:
    """Replace a group's procedure (its leads and admins)."""
    row = usecases.replace_procedure(
        session=session, principal=principal, group_id=group_id, procedure=procedure
    )
    return GroupPublic.of(row).procedure
