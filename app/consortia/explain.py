"""Why no consortium can be proposed, said in a person's language.

The assembly's refusals carry a code and parameters (``AssemblyError.code``);
the API keeps their English message in ``reasons``, a page says the code's
sentence in its own language from the catalogues.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from app.core.i18n import format_number, format_percent, translations


class NoTeam(BaseModel):
    """An assembly refusal as data: its code and parameters (numbers as plain text:
    ``cap`` a share in [0, 1], ``threshold`` a fit score), formatted when said."""

    code: str
    params: dict[str, str]


def no_team_text(no_team: NoTeam, language: str) -> str | None:
    """Why there is no team, in ``language`` (None for a code this version cannot say)."""
    _ = translations(language).gettext
    sentences = {
        "no_candidate": _(
            "no available member covers any requirement (fit of at least %(threshold)s); "
            "those who declined or are unavailable are left out"
        ),
        "lot_without_candidate": _(
            "on lot %(lot)s, no member who covers a requirement may work (all declined it or "
            "are unavailable)"
        ),
        "notice_without_candidate": _(
            "no member who covers a requirement may work on the notice (all declined it or "
            "are unavailable)"
        ),
        "share_cap_above_max_members": _(
            "with a share of at most %(cap)s each, at least %(needed)s members must share the "
            "work, but a team has at most %(max_members)s"
        ),
        "share_cap_above_candidates": _(
            "with a share of at most %(cap)s each, at least %(needed)s members must share the "
            "work, but only %(eligible)s available members cover a requirement"
        ),
        "no_team": _(
            "no team of at most %(max_members)s members among the %(eligible)s who cover a "
            "requirement gives every lot a member with each share at most %(cap)s; allow "
            "more members or larger shares, or invite more partners"
        ),
        "solver_time_limit": _(
            "the search found no team in its time limit; answer fewer lots or requirements"
        ),
    }
    sentence = sentences.get(no_team.code)
    if sentence is None:
        return None
    params = defaultdict(str, no_team.params)
    if params["cap"]:
        params["cap"] = format_percent(float(params["cap"]), language)
    if params["threshold"]:
        params["threshold"] = format_number(float(params["threshold"]), language)
    return sentence % params
