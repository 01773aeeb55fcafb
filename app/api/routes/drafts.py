"""Response drafts: generate one from a proposal, read it as JSON, Markdown, DOCX or ICS.

``POST /api/notices/{notice_id}/drafts`` takes ``{"group_id", "proposal"}`` where
``proposal`` is either a whole proposal (typically one posted back from
``POST /api/notices/{notice_id}/consortia``) or an integer index into the
proposals computed afresh with the same body's ``max_members`` and ``lots`` (0:
the best; those two fields matter only with an index). ``?lang=fr|en`` (default
``fr``) chooses the language the draft is written in, once: its stored texts and its
Markdown, DOCX and ICS downloads all say it. Each generation stores a new version;
older versions stay readable.

Access: the group's leads and admins generate drafts; the group's members may read
them (they write the sections), as may admins. Reading a draft of another group
answers 404, as for an unknown id, so ids reveal nothing; a caller in no group
gets 403 at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy.orm import Session

from app.api.deps import ContextDep, CurrentPrincipal, NowDep, SessionDep
from app.api.params import ConsortiaIn, DraftIdPath, GroupIdQuery, NoticeIdPath
from app.auth.principal import Principal
from app.drafting import service, usecases
from app.drafting.render_docx import render_docx
from app.drafting.render_ics import render_ics
from app.drafting.render_markdown import render_markdown
from models.consortium import Consortium, LegalForm
from models.draft import Draft
from models.schema import DraftRow

router = APIRouter(tags=["drafts"])

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DraftLanguage = Annotated[
    Literal["fr", "en"], Query(description="The language the draft is written in")
]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class DraftIn(ConsortiaIn):
    """The group, and the proposal to draft: a whole proposal or an index (0: the best)."""

    proposal: Annotated[StrictInt, Field(ge=0, le=49)] | Consortium = Field(
        description="A proposal from POST /consortia, or the index of one in a fresh "
        "computation with this body's max_members and lots"
    )


class DraftLinks(BaseModel):
    """Where to read a draft in each format."""

    model_config = ConfigDict(populate_by_name=True)

    json_: str = Field(alias="json")
    markdown: str
    docx: str
    ics: str

    @classmethod
    def of(cls, draft_id: str) -> DraftLinks:
        """The links of a stored draft."""
        base = f"/api/drafts/{draft_id}"
        return cls.model_validate(
            {"json": base, "markdown": f"{base}.md", "docx": f"{base}.docx", "ics": f"{base}.ics"}
        )


class DraftSummary(BaseModel):
    """A stored version of a draft, without its content."""

    draft_id: str
    version: int
    notice_id: str
    group_id: str
    mandataire: str | None
    legal_form: LegalForm | None
    created_by: str
    created_at: datetime
    links: DraftLinks

    @classmethod
    def of(cls, row: DraftRow) -> DraftSummary:
        """The summary of a stored draft."""
        legal_form = row.proposal.get("legal_form")
        return cls(
            draft_id=row.id,
            version=row.version,
            notice_id=row.notice_id,
            group_id=row.group_id,
            mandataire=row.proposal.get("mandataire"),
            legal_form=LegalForm(legal_form) if legal_form in set(LegalForm) else None,
            created_by=row.created_by,
            created_at=row.created_at,
            links=DraftLinks.of(row.id),
        )


class DraftCreated(DraftSummary):
    """A new draft version: its id, version, links and content."""

    draft: Draft


@router.post(
    "/api/notices/{notice_id}/drafts",
    status_code=201,
    response_model=DraftCreated,
    response_model_by_alias=True,
)
def create_draft(
    notice_id: NoticeIdPath,
    body: DraftIn,
    session: SessionDep,
    context: ContextDep,
    principal: CurrentPrincipal,
    now: NowDep,
    response: Response,
    lang: DraftLanguage = "fr",
) -> DraftCreated:
    """Generate and store a new version of the group's draft for the notice."""
    row = usecases.make_draft(
        session=session,
        principal=principal,
        embedder=context.embedder,
        notice_id=notice_id,
        group_id=body.group_id,
        proposal=body.proposal,
        max_members=body.max_members,
        lots=body.lots,
        now=now,
        language=lang,
    )
    response.headers["Location"] = f"/api/drafts/{row.id}"
    return DraftCreated(**dict(DraftSummary.of(row)), draft=service.draft_of(row))


@router.get("/api/notices/{notice_id}/drafts", response_model=list[DraftSummary])
def read_notice_drafts(
    notice_id: NoticeIdPath,
    session: SessionDep,
    principal: CurrentPrincipal,
    group_id: GroupIdQuery = None,
) -> list[DraftSummary]:
    """Retrieve the drafts of a notice the caller may read (one group's, if asked), by version."""
    rows = usecases.list_notice_drafts(
        session=session, principal=principal, notice_id=notice_id, group_id=group_id
    )
    return [DraftSummary.of(row) for row in rows]


def _readable(session: Session, principal: Principal, draft_id: str) -> DraftRow:
    return usecases.read_draft(session=session, principal=principal, draft_id=draft_id)


def _filename(row: DraftRow, extension: str) -> str:
    return f"draft-{_UNSAFE.sub('-', row.notice_id)}-{row.group_id}-v{row.version}.{extension}"


def _rendered(
    row: DraftRow,
    render: Callable[[Draft], str | bytes],
    *,
    media_type: str,
    extension: str,
    disposition: str = "attachment",
) -> Response:
    """One stored draft rendered in a download format, named after notice, group and version."""
    filename = _filename(row, extension)
    return Response(
        render(service.draft_of(row)),
        media_type=media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


# The format routes come before ``/api/drafts/{draft_id}``, which would match them too.
@router.get(
    "/api/drafts/{draft_id}.md",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}}, "description": "The draft in Markdown"}},
)
def read_draft_markdown(
    draft_id: DraftIdPath, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Retrieve a draft as Markdown."""
    row = _readable(session, principal, draft_id)
    media_type = "text/markdown; charset=utf-8"
    return _rendered(
        row, render_markdown, media_type=media_type, extension="md", disposition="inline"
    )


@router.get(
    "/api/drafts/{draft_id}.docx",
    response_class=Response,
    responses={200: {"content": {DOCX_TYPE: {}}, "description": "The draft as a Word file"}},
)
def read_draft_docx(
    draft_id: DraftIdPath, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Retrieve a draft as a Word document."""
    row = _readable(session, principal, draft_id)
    return _rendered(row, render_docx, media_type=DOCX_TYPE, extension="docx")


@router.get(
    "/api/drafts/{draft_id}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "The retro-planning"}},
)
def read_draft_ics(
    draft_id: DraftIdPath, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """Retrieve a draft's retro-planning as an iCalendar file."""
    row = _readable(session, principal, draft_id)
    return _rendered(row, render_ics, media_type="text/calendar; charset=utf-8", extension="ics")


@router.get("/api/drafts/{draft_id}", response_model=Draft)
def read_draft(draft_id: DraftIdPath, session: SessionDep, principal: CurrentPrincipal) -> Draft:
    """Retrieve a draft as structured JSON."""
    return service.draft_of(_readable(session, principal, draft_id))
