"""Administration: members and groups import with the line-by-line report, sign-in links,
token revocation, the last ingestion runs and the quarantined records.

Domain calls: ``app.core.sourcemap.load_located``,
``app.members.importer.import_members_document`` and
``app.groups.importer.import_groups_document`` (as ``cotender members|groups import``),
``app.members.service.list_all_members``, ``app.auth.tokens.create_token``,
``member_tokens``, ``revoke_token`` and ``signin_url`` (as ``cotender token create --link``),
``ingest.operations.recent_runs`` and ``quarantined`` (as ``GET /api/admin/runs|quarantine``),
the quarantine reasons said in the page's language (``app.web.reasons``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, UploadFile
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import Response

from app.auth.tokens import (
    DEFAULT_TOKEN_DAYS,
    MAX_TOKEN_DAYS,
    TokenOwnerError,
    create_token,
    member_tokens,
    revoke_token,
    signin_url,
)
from app.core.db import transaction
from app.core.import_report import ImportReport, RowError
from app.core.sourcemap import DocumentSyntaxError, LocatedDocument, load_located
from app.groups.importer import import_groups_document
from app.members.importer import import_members_document
from app.members.service import list_all_members
from app.web.deps import ContextDep, PostedBy, UserDep
from app.web.errors import see_other
from app.web.i18n import language_of
from app.web.reasons import quarantine_reason
from app.web.render import render
from app.web.sessions import WebUser
from ingest.operations import quarantined, recent_runs
from models.errors import ForbiddenError, InvalidInputError, NotFoundError

router = APIRouter(include_in_schema=False)
MAX_UPLOAD_BYTES = 5_000_000
RUNS_SHOWN = 20
QUARANTINE_SHOWN = 50
Importer = Callable[..., ImportReport]
IMPORTERS: dict[str, Importer] = {
    "members": import_members_document,
    "groups": import_groups_document,
}


def _admin(user: WebUser) -> None:
    if not user.principal.is_admin:
        raise ForbiddenError("the administration is for admins")


def _page(
    request: Request,
    sessions: sessionmaker[Session],
    *,
    report: tuple[str, ImportReport] | None = None,
    link: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    language = language_of(request)
    with sessions() as session:
        members = [(row.id, row.name) for row in list_all_members(session=session)]
        tokens = [
            (member_id, name, member_tokens(session=session, member_id=member_id))
            for member_id, name in members
        ]
    return render(
        request,
        "admin.html",
        {
            "runs": recent_runs(sessions, limit=RUNS_SHOWN),
            "quarantine": [
                (entry, quarantine_reason(entry, language))
                for entry in quarantined(sessions, limit=QUARANTINE_SHOWN)
            ],
            "members": members,
            "tokens": tokens,
            "report": report,
            "link": link,
            "default_days": DEFAULT_TOKEN_DAYS,
            "max_days": MAX_TOKEN_DAYS,
        },
        status_code=status_code,
    )


@router.get("/admin")
def admin(request: Request, context: ContextDep, user: UserDep) -> Response:
    """Imports, sign-in links, tokens, ingestion runs and quarantine."""
    _admin(user)
    return _page(request, context.sessions)


@router.post("/admin/import/{what}")
async def import_file(
    request: Request,
    what: Annotated[str, Path(pattern="^(members|groups)$")],
    context: ContextDep,
    user: PostedBy,
    file: UploadFile,
) -> Response:
    """Import a members or groups file (YAML or JSON): all or nothing, every line reported."""
    _admin(user)
    importer = IMPORTERS[what]
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInputError("file too large", [{"field": "file", "message": "over 5 MB"}])
    fmt = "json" if (file.filename or "").lower().endswith(".json") else "yaml"
    try:
        document: LocatedDocument = load_located(content.decode("utf-8"), fmt=fmt)
    except UnicodeDecodeError:
        report = ImportReport(errors=[RowError(None, None, None, "the file is not UTF-8 text")])
    except DocumentSyntaxError as error:
        report = ImportReport(errors=[RowError(error.line, None, None, error.message)])
    else:
        report = importer(sessions=context.sessions, document=document)
    status = 200 if report.ok else 422
    return _page(request, context.sessions, report=(what, report), status_code=status)


@router.post("/admin/links")
def create_link(
    request: Request,
    context: ContextDep,
    user: PostedBy,
    member_id: Annotated[str, Form(max_length=100)],
    days: Annotated[int, Form(ge=1, le=MAX_TOKEN_DAYS)] = DEFAULT_TOKEN_DAYS,
) -> Response:
    """A new sign-in link for a member, shown once (only its hash is stored)."""
    _admin(user)
    settings = context.settings
    try:
        with transaction(context.sessions) as session:
            issued = create_token(
                session=session,
                secret_key=settings.secret_key.get_secret_value(),
                now=datetime.now(UTC),
                member_id=member_id,
                days=days,
            )
    except TokenOwnerError as error:
        raise InvalidInputError(
            str(error), [{"field": "member_id", "message": str(error)}]
        ) from error
    link = (member_id, signin_url(settings.public_url, issued.token))
    return _page(request, context.sessions, link=link)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke(
    token_id: Annotated[str, Path(max_length=32)],
    context: ContextDep,
    user: PostedBy,
) -> Response:
    """Revoke a token: its sign-in link stops working and its sessions end."""
    _admin(user)
    with transaction(context.sessions) as session:
        row = revoke_token(session=session, token_id=token_id, now=datetime.now(UTC))
    if row is None:
        raise NotFoundError(f"token {token_id} not found")
    return see_other("/admin")
