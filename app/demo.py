"""The bundled real data the demo loads (see ``data/samples/SOURCES.md``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.auth.tokens import create_token, signin_url
from app.core.db import transaction
from app.core.import_report import ImportReport
from app.groups.importer import import_groups
from app.members.importer import import_members
from app.wiring.context import AppContext
from models.paths import BUNDLED_DATA_DIR
from models.schema import MemberRow

SAMPLES_DIR = BUNDLED_DATA_DIR / "samples"
DEVSET_DIR = BUNDLED_DATA_DIR / "devset"
NOTICE_SUFFIXES = (".json", ".xml", ".jsonl")
NOT_NOTICES = {"decp_consolidated_tableschema.json"}


def bundled_notice_files() -> list[Path]:
    """Every bundled payload that holds notices or awards, then the devset notices."""
    samples = sorted(
        path
        for path in SAMPLES_DIR.rglob("*")
        if path.suffix in NOTICE_SUFFIXES and path.name not in NOT_NOTICES
    )
    return [*samples, DEVSET_DIR / "notices.jsonl"]


DEMO_LEAD = "m-studies"
"""The member whose token the demo prints: a lead of the sample group ``g-participation``."""
DEMO_MEMBER = "m-comm"
"""A member of ``g-participation`` who does not lead it: the demo prints their sign-in link."""


@dataclass(frozen=True)
class SamplePeople:
    """What loading the sample members and group did."""

    members: ImportReport
    groups: ImportReport


def load_sample_people(context: AppContext) -> SamplePeople:
    """Import ``devset/members.yaml`` then ``devset/group.yaml`` (idempotent upserts)."""
    members = import_members(sessions=context.sessions, path=DEVSET_DIR / "members.yaml")
    groups = import_groups(sessions=context.sessions, path=DEVSET_DIR / "group.yaml")
    return SamplePeople(members=members, groups=groups)


def demo_people(context: AppContext) -> list[str]:
    """Load the sample people, issue an admin and a lead token; lines to show the user."""
    people = load_sample_people(context)
    lines = [
        f"demo {what}: {report.imported} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.errors)} errors"
        for what, report in (("members", people.members), ("groups", people.groups))
    ]
    lines += [
        f"  line {error.line}: {error.id or ''} {error.field or ''}: {error.message}"
        for error in [*people.members.errors, *people.groups.errors]
    ]
    public_url = context.settings.public_url
    with transaction(context.sessions) as session:
        secret = context.settings.secret_key.get_secret_value()
        now = datetime.now(UTC)
        admin = create_token(session=session, secret_key=secret, now=now, is_admin=True)
        tokens = {
            member_id: create_token(
                session=session, secret_key=secret, now=now, member_id=member_id
            )
            for member_id in (DEMO_LEAD, DEMO_MEMBER)
            if session.get(MemberRow, member_id) is not None
        }
        admin_link = create_token(session=session, secret_key=secret, now=now, is_admin=True)
    lines.append(f"admin token (may do everything):  {admin.token}")
    if DEMO_LEAD in tokens:
        lead = tokens[DEMO_LEAD]
        lines.append(f"member token for {DEMO_LEAD} (lead of g-participation):  {lead.token}")
    lines.append(f'try: curl -H "Authorization: Bearer <token>" {public_url}/api/groups')
    lines.append("open the web app with a sign-in link:")
    roles = {DEMO_LEAD: "lead of g-participation", DEMO_MEMBER: "member of g-participation"}
    for member_id, issued in tokens.items():
        lines.append(f"  {member_id} ({roles[member_id]}):  {signin_url(public_url, issued.token)}")
    lines.append(f"  admin:  {signin_url(public_url, admin_link.token)}")
    return lines
