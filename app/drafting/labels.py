"""Labels and formats shared by the draft builder and its renderers, in the draft's language.

Every fixed text is a gettext message of the application's catalogues
(``app.core.i18n``), looked up for the language the draft is written in. Dates
and numbers go through Babel rather than ``locale``: the server's locale is not
ours to choose, and a draft must read the same wherever it is rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from app.core import i18n
from models.consortium import LegalForm, TeamRole
from models.group import Document, OwnerRole

Translate = Callable[[str], str]


def translator(language: str) -> Translate:
    """The ``gettext`` of ``language``, named ``_`` at the call sites so extraction finds them."""
    return i18n.translations(language).gettext


def owner_role_label(role: OwnerRole, language: str) -> str:
    """Who a procedure step is for: ``Pilote du groupe``, ``Toute l'équipe``…"""
    _ = translator(language)
    labels = {
        OwnerRole.lead: _("Group lead"),
        OwnerRole.mandataire: _("Mandataire"),
        OwnerRole.contributors: _("Contributors"),
        OwnerRole.members: _("The whole team"),
    }
    return labels[role]


def team_role_label(role: TeamRole, language: str) -> str:
    """A team member's role: ``Mandataire``, ``Cotraitant``, ``Sous-traitant``."""
    _ = translator(language)
    labels = {
        TeamRole.mandataire: _("Mandataire"),
        TeamRole.cotraitant: _("Co-contractor"),
        TeamRole.subcontractor: _("Subcontractor"),
    }
    return labels[role]


def legal_form_label(form: LegalForm, language: str) -> str:
    """The legal form the team answers under."""
    _ = translator(language)
    labels = {
        LegalForm.cae: _("Response of the cooperative (CAE), single candidate"),
        LegalForm.joint: _("Joint groupement (conjoint)"),
        LegalForm.joint_and_several: _("Joint and several groupement (solidaire)"),
    }
    return labels[form]


def document_title(document: Document, language: str) -> str:
    """The title of an administrative document, its French form code first."""
    _ = translator(language)
    titles = {
        Document.DC1: _("DC1 — Application letter"),
        Document.DC2: _("DC2 — Candidate's declaration"),
        Document.DUME: _("DUME — European single procurement document"),
        Document.DC4: _("DC4 — Subcontracting declaration"),
        Document.memoire_technique: _("Technical proposal (mémoire technique)"),
        Document.price_schedule: _("Price schedule (bordereau des prix / DPGF)"),
    }
    return titles[document]


def format_day(day: date, language: str) -> str:
    """``jeudi 24/12/2026`` / ``Thursday 24/12/2026``."""
    return i18n.format_day(day, language)


def format_deadline(moment: datetime, language: str) -> str:
    """``vendredi 18/12/2026 à 12:00 (heure de Paris)``."""
    return i18n.format_moment(moment, language)


def format_share(share: float, language: str) -> str:
    """``40 %`` / ``40%`` for a share in [0, 1] (no decimals unless needed)."""
    return i18n.format_percent(share, language)


def format_percent(value: float, language: str) -> str:
    """``60 %`` / ``60%`` for a value already on a 100 scale."""
    return i18n.format_percent(value / 100, language)


def format_amount(amount: float, language: str) -> str:
    """``150 000`` / ``150,000``: a whole amount."""
    return i18n.format_amount(amount, language)


def lot_label(lot: str | None, title: str, language: str) -> str:
    """``Lot 2 — Animation`` or, for a notice without lots, its title."""
    if lot is None:
        return title
    _ = translator(language)
    if title:
        return _("Lot %(lot)s — %(title)s") % {"lot": lot, "title": title}
    return _("Lot %(lot)s") % {"lot": lot}


def join_names(names: Sequence[str], language: str) -> str:
    """``A, B et C`` / ``A, B and C``."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    _ = translator(language)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
