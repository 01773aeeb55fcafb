"""A digest written in words: subject, plain text and HTML, in the recipient's language.

Templates (``templates/*.j2``, Jinja2) hold the layout; HTML templates autoescape,
so a notice title can never inject markup. Pure: same digest, same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.digest import links
from app.digest.content import GroupDigest, MemberDigest, NoticeLine
from app.digest.labels import Labels
from models.vocabulary.time import PARIS

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Written:
    """A digest's subject and bodies."""

    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
    )


def _helpers(labels: Labels) -> dict[str, object]:
    def deadline(line: NoticeLine) -> str:
        if line.deadline is None:
            return labels.no_deadline
        return labels.deadline.format(date=f"{line.deadline.astimezone(PARIS):%d/%m/%Y %H:%M}")

    def day(value: date) -> str:
        return f"{value:%d/%m/%Y}"

    def intentions(pairs: list[tuple[str, str]]) -> str:
        return ", ".join(f"{name} ({role})" for name, role in pairs)

    return {"L": labels, "deadline": deadline, "day": day, "intentions": intentions}


def _render(name: str, subject: str, values: dict[str, object]) -> Written:
    env = _environment()
    values = {**values, "subject": subject}
    return Written(
        subject=subject,
        text=env.get_template(f"{name}.txt.j2").render(values),
        html=env.get_template(f"{name}.html.j2").render(values),
    )


def write_member(digest: MemberDigest, *, public_url: str, unsubscribe_url: str) -> Written:
    """The member's digest in their language."""
    labels = digest.labels
    count = len(digest.new) + digest.more
    if count:
        subject = labels.subject_member.format(count=count)
    else:
        what = labels.changes_title if digest.changes else labels.closing_title
        subject = labels.subject_other.format(
            what=what if digest.changes or digest.closing else labels.steps_title
        )
    values = {
        **_helpers(labels),
        "d": digest,
        "profile": links.profile_url(public_url),
        "unsubscribe": unsubscribe_url,
    }
    return _render("member", subject, values)


def write_group(digest: GroupDigest, *, public_url: str, unsubscribe_url: str) -> Written:
    """The group's weekly digest."""
    labels = digest.labels
    values = {
        **_helpers(labels),
        "d": digest,
        "board": links.group_url(public_url, digest.group_id),
        "unsubscribe": unsubscribe_url,
    }
    return _render("group", labels.subject_group.format(group=digest.name), values)
