"""The access rules of ``shared/DESIGN.md``, as pure functions of the principal.

A member reads notices and matches, and changes only their own profile and
intentions; a group lead may also run consortia and drafts for their group and
change its name and procedure; an admin may do everything. Routes ask these
functions before looking anything up, so a refusal never reveals whether the
thing asked for exists. Use cases ask them through :func:`require`.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.auth.principal import Principal
from models.errors import ForbiddenError


def require(allowed: bool) -> None:
    """Refuse with ``ForbiddenError`` unless ``allowed`` (use cases ask before any look-up)."""
    if not allowed:
        raise ForbiddenError("not allowed")


def can_read_member(principal: Principal, member_id: str) -> bool:
    """A profile (and its export, intentions, audit trail): the member or an admin."""
    return principal.is_admin or principal.member_id == member_id


def can_edit_member(principal: Principal, member_id: str) -> bool:
    """Change or delete a profile, declare intentions: the member or an admin."""
    return principal.is_admin or principal.member_id == member_id


def can_read_group(principal: Principal, group_id: str) -> bool:
    """A group and its procedure: its members and admins."""
    return principal.is_admin or group_id in principal.groups


def can_lead_group(principal: Principal, group_id: str) -> bool:
    """Run consortia and drafts, change the name and procedure: the group's leads and admins."""
    return principal.is_admin or group_id in principal.lead_of_groups


def can_change_group_membership(principal: Principal) -> bool:
    """Create groups, change who belongs to or leads one: admins only."""
    return principal.is_admin


def can_revoke_token(principal: Principal, owner_member_id: str | None) -> bool:
    """Revoke a token: admins, or the member the token belongs to."""
    return principal.is_admin or (
        owner_member_id is not None and principal.member_id == owner_member_id
    )


def visible_intention_members(
    principal: Principal, led_members: Iterable[str]
) -> frozenset[str] | None:
    """Whose intentions the caller sees on a notice (None: everyone's).

    A member sees their own; a lead also sees the members of the groups they
    lead (``led_members``), who they must turn into a team; an admin sees all.
    """
    if principal.is_admin:
        return None
    own = {principal.member_id} if principal.member_id else set()
    return frozenset(own | set(led_members))
