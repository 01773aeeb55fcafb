"""The member's profile: edit statements, references, regions, availability and what they
sell, preview the notices the edited profile would match before saving.

Domain calls: ``app.members.service.get_member``, ``member_from_row`` and ``update_member``
(as ``PATCH /api/members/{id}``), ``app.feedback.service.ranked_with_feedback`` with the
stored member's ``app.members.feedback.member_examples`` for the preview (the home's ranking),
``app.notices.queries.notices_by_id`` and ``present`` for the previewed notices,
``app.matching.sells.member_sells`` for what the member sells when they declared nothing,
``app.matching.usecases.member_trade`` for how matching reads their trade (CPV codes),
``app.web.pages.digest.digest_form`` for the digest preferences and
``app.web.pages.set_aside.set_aside_notices`` for the notices set aside, shown on the same page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import ValidationError
from starlette.responses import Response

from app.feedback.service import ranked_with_feedback
from app.matching.present import member_trade_public
from app.matching.sells import member_sells
from app.matching.strength import MatchStrength, strength_of
from app.matching.usecases import member_trade
from app.members.feedback import member_examples
from app.members.service import get_member, member_from_row
from app.members.usecases import update_member
from app.notices.queries import notices_by_id, present
from app.web.deps import ContextDep, MemberDep, PostedBy, member_id_of
from app.web.errors import see_other
from app.web.i18n import language_of
from app.web.pages.digest import digest_form
from app.web.pages.home import SHOWN
from app.web.pages.set_aside import SetAside, set_aside_notices
from app.web.problems import refused_fields
from app.web.render import render
from app.web.sessions import WebUser
from app.web.views import nonempty
from app.wiring.context import AppContext
from models.errors import InvalidInputError, NotFoundError
from models.member import Member, MemberUpdate, Reference
from models.notice import Nature, Notice

router = APIRouter(include_in_schema=False)
PREVIEWED = 10
Text = Annotated[str, Form(max_length=100_000)]
Sells = Annotated[list[Nature] | None, Form(max_length=3)]


@dataclass(frozen=True)
class ProfileForm:
    """The profile as the form edits it: one statement or reference per line."""

    statements: str
    references: str
    regions: str
    availability: str
    sells: tuple[Nature, ...] = ()
    """What the member declares they sell; none ticked: inferred from their statements."""

    @classmethod
    def of(cls, member: Member) -> ProfileForm:
        """The form filled with a stored profile."""
        references = "\n".join(
            " | ".join(str(v) for v in (r.title, r.buyer, r.year or "") if v).rstrip(" |")
            for r in member.references
        )
        days = member.availability_days_per_month
        return cls(
            statements="\n".join(member.expertise),
            references=references,
            regions=", ".join(member.regions),
            availability="" if days is None else f"{days:g}",
            sells=tuple(member.sells or ()),
        )

    def update(self, current: Member) -> MemberUpdate:
        """The change the form asks for (a reference keeps its summary when its title stays)."""
        summaries = {r.title: r.summary for r in current.references}
        references = []
        for line in nonempty(self.references.splitlines()):
            title, buyer, year = ([part.strip() for part in line.split("|")] + ["", ""])[:3]
            references.append(
                Reference(
                    title=title,
                    buyer=buyer,
                    year=int(year) if year.isdigit() else None,
                    summary=summaries.get(title, ""),
                )
            )
        return MemberUpdate(
            expertise=nonempty(self.statements.splitlines()),
            references=references,
            regions=nonempty(self.regions.replace(";", ",").replace(" ", ",").split(",")),
            availability_days_per_month=float(self.availability.replace(",", "."))
            if self.availability.strip()
            else None,
            sells=sorted(set(self.sells)) or None,
        )


def _current(context: AppContext, member_id: str) -> Member:
    with context.sessions() as session:
        row = get_member(session=session, member_id=member_id)
        if row is None:
            raise NotFoundError(f"member {member_id} not found")
        return member_from_row(row)


def _edited(current: Member, form: ProfileForm) -> Member:
    """The profile the form describes, validated as a whole (raises the field problems)."""
    merged = {**current.model_dump(), **form.update(current).model_dump(exclude_unset=True)}
    return Member.model_validate(merged)


@dataclass(frozen=True)
class Previewed:
    """A notice the preview lists, with how strongly the profile would match it."""

    notice: Notice
    strength: MatchStrength


def _matched(context: AppContext, member: Member, *, edited: bool) -> list[Previewed]:
    """What a profile would show on « Pour moi » now, best first.

    Ranked as the home ranks (its number of matches, open notices, re-ranked by the
    member's stored verdicts and intentions), so a notice set aside stays out of the
    preview. An edited profile gets its own id: the engine caches a member's embedded
    units by id, and the edited profile must not evict the stored one.
    """
    now = datetime.now(UTC)
    profile = member.model_copy(update={"id": f"~preview:{member.id}"}) if edited else member
    with context.sessions() as session:
        ranked = ranked_with_feedback(
            session,
            context.matching,
            profile,
            now=now,
            limit=SHOWN,
            examples=member_examples(session=session, member_id=member.id),
        )
        rows = notices_by_id(session, [item.match.notice_id for item in ranked])
    shown = [item.match for item in ranked if item.match.notice_id in rows]
    return [
        Previewed(present(rows[match.notice_id], now=now), strength_of(match.score))
        for match in shown[:PREVIEWED]
    ]


def _trade(context: AppContext, member: Member, language: str) -> list[tuple[str, str]]:
    """The leading codes of the stored profile as (code, label in ``language``)."""
    public = member_trade_public(member.id, member_trade(context.matching, member))
    return [(c.code, c.label_fr if language == "fr" else c.label_en) for c in public.codes]


def _set_aside(context: AppContext, user: WebUser) -> list[SetAside]:
    with context.sessions() as session:
        return set_aside_notices(session, user.principal, member_id_of(user))


def _page(
    request: Request,
    form: ProfileForm,
    *,
    context: AppContext,
    user: WebUser,
    member: Member,
    preview: list[Previewed] | None = None,
    before: list[Previewed] | None = None,
    problems: list[dict[str, str]] | None = None,
    saved: str = "",
    status_code: int = 200,
) -> Response:
    fragment = request.headers.get("HX-Request") == "true" and preview is not None
    return render(
        request,
        "_preview.html" if fragment else "profile.html",
        {
            "member": member,
            "form": form,
            "preview": preview,
            "before_ids": {item.notice.id for item in before or []},
            "problems": problems or [],
            "saved": saved,
            "natures": list(Nature),
            "inferred_sells": None if member.sells else sorted(member_sells(member)),
            "digest": digest_form(request, member) if not fragment else None,
            "set_aside": _set_aside(context, user) if not fragment else [],
            "trade": _trade(context, member, language_of(request)) if not fragment else [],
        },
        status_code=status_code,
    )


@router.get("/profile")
def profile(
    request: Request,
    context: ContextDep,
    user: MemberDep,
    saved: Annotated[str, Query(pattern="^(|1|digest)$")] = "",
) -> Response:
    """The profile form, filled with what is stored."""
    member = _current(context, member_id_of(user))
    return _page(
        request, ProfileForm.of(member), context=context, user=user, member=member, saved=saved
    )


def posted_form(
    statements: Text = "",
    references: Text = "",
    regions: Text = "",
    availability: Text = "",
    sells: Sells = None,
) -> ProfileForm:
    """The profile form as posted (preview and save read the same fields)."""
    return ProfileForm(statements, references, regions, availability, tuple(sells or ()))


PostedForm = Annotated[ProfileForm, Depends(posted_form)]


@router.post("/profile/preview")
def preview(request: Request, context: ContextDep, user: PostedBy, form: PostedForm) -> Response:
    """What the edited profile would match, next to what the stored one matches."""
    member = _current(context, member_id_of(user))
    try:
        edited = _edited(member, form)
    except (ValidationError, ValueError) as error:
        return _page(
            request,
            form,
            context=context,
            user=user,
            member=member,
            preview=[],
            problems=refused_fields(error, language_of(request)),
        )
    return _page(
        request,
        form,
        context=context,
        user=user,
        member=member,
        preview=_matched(context, edited, edited=True),
        before=_matched(context, member, edited=False),
    )


@router.post("/profile")
def save(request: Request, context: ContextDep, user: PostedBy, form: PostedForm) -> Response:
    """Save the edited profile (all or nothing); the form comes back with the fields at fault."""
    member_id = member_id_of(user)
    member = _current(context, member_id)
    try:
        update = form.update(member)
        with context.sessions() as session:
            update_member(
                session=session, principal=user.principal, member_id=member_id, update=update
            )
    except (ValidationError, InvalidInputError, ValueError) as error:
        return _page(
            request,
            form,
            context=context,
            user=user,
            member=member,
            problems=refused_fields(error, language_of(request)),
            status_code=422,
        )
    return see_other("/profile?saved=1")
