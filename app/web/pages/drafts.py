"""A generated draft: its summary and its downloads (DOCX, Markdown, ICS).

Domain calls: ``app.drafting.service.get_draft`` and ``draft_of``,
``app.auth.policy.can_read_group``, and the renderers
``app.drafting.render_docx.render_docx``, ``render_markdown``, ``render_ics``
(as ``GET /api/drafts/{id}.docx|.md|.ics``, same file names).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.api.params import DRAFT_ID_PATTERN
from app.api.routes.drafts import DOCX_TYPE
from app.auth import policy
from app.drafting import service as drafting
from app.drafting.render_docx import render_docx
from app.drafting.render_ics import render_ics
from app.drafting.render_markdown import render_markdown
from app.web.deps import ContextDep, UserDep
from app.web.render import render
from app.web.sessions import WebUser
from models.draft import Draft
from models.errors import ForbiddenError, NotFoundError
from models.schema import DraftRow

router = APIRouter(include_in_schema=False)
DraftId = Annotated[str, Path(max_length=64, pattern=DRAFT_ID_PATTERN)]
FORMATS: dict[str, tuple[Callable[[Draft], str | bytes], str]] = {
    "docx": (render_docx, DOCX_TYPE),
    "md": (render_markdown, "text/markdown; charset=utf-8"),
    "ics": (render_ics, "text/calendar; charset=utf-8"),
}


def readable_draft(session: Session, user: WebUser, draft_id: str) -> DraftRow:
    """The draft if the user's groups include its group; 404 alike for others' drafts."""
    if not (user.principal.is_admin or user.principal.groups):
        raise ForbiddenError("drafts belong to groups; you are in none")
    row = drafting.get_draft(session, draft_id)
    if row is None or not policy.can_read_group(user.principal, row.group_id):
        raise NotFoundError(f"draft {draft_id} not found")
    return row


@router.get("/drafts/{draft_id}")
def draft_page(request: Request, draft_id: DraftId, context: ContextDep, user: UserDep) -> Response:
    """The draft's team, planning and checklist at a glance, and its downloads."""
    with context.sessions() as session:
        row = readable_draft(session, user, draft_id)
        draft, version, group_id = drafting.draft_of(row), row.version, row.group_id
    return render(
        request,
        "draft.html",
        {"draft": draft, "version": version, "group_id": group_id, "draft_key": draft_id},
    )


@router.get("/drafts/{draft_id}/download/{extension}")
def download(
    draft_id: DraftId,
    extension: Annotated[str, Path(pattern="^(docx|md|ics)$")],
    context: ContextDep,
    user: UserDep,
) -> Response:
    """The draft as a file, named after notice, group and version (as the API names it)."""
    renderer, media_type = FORMATS[extension]
    with context.sessions() as session:
        row = readable_draft(session, user, draft_id)
        content = renderer(drafting.draft_of(row))
        safe_notice = "".join(c if c.isalnum() or c in "._-" else "-" for c in row.notice_id)
        filename = f"draft-{safe_notice}-{row.group_id}-v{row.version}.{extension}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
