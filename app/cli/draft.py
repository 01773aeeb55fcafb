"""``cotender draft``: compute the consortia, draft one proposal, store it, write a file.

The draft is stored as the next version for the notice and group (as through the
API, created by ``cli``); ``--out`` writes it in the format its extension names
(``.docx``, ``.md``, ``.ics``, ``.json``), in the language ``--language`` names
(``fr``, the default, or ``en``). The draft id is printed on stdout
(``--json``: the id, version, file and the draft itself). Exit codes: 1 when the
notice or group is unknown, the notice cancelled or awarded, there is no proposal
N, or the proposal cannot be drafted; 2 for a bad option.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from app.auth.principal import CLI_OPERATOR
from app.cli.common import JsonOption, echo_json, open_context
from app.cli.consortia import OPTIONS, GroupOption, LotOption, MaxMembersOption
from app.core.i18n import LANGUAGES
from app.drafting import service
from app.drafting.render_docx import render_docx
from app.drafting.render_ics import render_ics
from app.drafting.render_markdown import render_markdown
from app.drafting.usecases import make_draft
from models.draft import Draft

FORMATS = (".docx", ".md", ".ics", ".json")


def rendered(draft: Draft, suffix: str) -> bytes:
    """The draft in the format of a file extension (one of ``FORMATS``)."""
    if suffix == ".docx":
        return render_docx(draft)
    if suffix == ".ics":
        return render_ics(draft)
    if suffix == ".md":
        return render_markdown(draft).encode("utf-8")
    return (draft.model_dump_json(indent=2) + "\n").encode("utf-8")


def draft_command(
    notice_id: str = typer.Argument(..., help="The notice (any of its source ids)."),
    group: str = GroupOption,
    proposal: int = typer.Option(
        0, "--proposal", "-p", min=0, help="Which proposal to draft (0: the best)."
    ),
    max_members: int = MaxMembersOption,
    lot: list[str] | None = LotOption,
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the draft here: .docx, .md, .ics or .json."
    ),
    language: str = typer.Option(
        "fr", "--language", help="The language the draft is written in: fr or en."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Draft a response for a group from one of its proposed teams, and store it."""
    suffix = out.suffix.lower() if out is not None else None
    if out is not None and suffix not in FORMATS:
        raise typer.BadParameter(
            f"unknown format {out.suffix or '(no extension)'}: use {', '.join(FORMATS)}",
            param_hint="--out",
        )
    if language not in LANGUAGES:
        raise typer.BadParameter(
            f"unknown language {language!r}: use {', '.join(LANGUAGES)}", param_hint="--language"
        )
    with open_context(options=OPTIONS) as context, context.sessions() as session:
        row = make_draft(
            session=session,
            principal=CLI_OPERATOR,
            embedder=context.embedder,
            notice_id=notice_id,
            group_id=group,
            proposal=proposal,
            max_members=max_members,
            lots=lot or None,
            now=datetime.now(UTC),
            language=language,
        )
    draft = service.draft_of(row)
    if out is not None and suffix is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(rendered(draft, suffix))
    if as_json:
        echo_json(
            {
                "draft_id": row.id,
                "version": row.version,
                "notice_id": row.notice_id,
                "group_id": row.group_id,
                "out": str(out) if out is not None else None,
                "draft": draft.model_dump(mode="json"),
            }
        )
        return
    typer.echo(row.id)
    written = f", written to {out}" if out is not None else ""
    typer.echo(
        f"version {row.version} of the draft of {row.group_id} for {row.notice_id}{written}",
        err=True,
    )
