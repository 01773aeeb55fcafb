"""What a member sells and what a notice buys: services, works or supplies.

A painter does not want "supply of paint articles", a cleaner does not want a
tender for cleaning products (the assessors grade such notices 0): buying goods
is another trade than doing the work, even in the same CPV division. So:

- **a member sells** what they declare (``Member.sells``), else what their own words
  say: supplies when a statement or reference speaks of supplying, selling, making,
  printing or delivering goods; works unless every statement of expertise names an
  intellectual service (an audit, a study, advice, design, training, supervision…):
  an energy auditor's "accompagnement à la rénovation thermique" and an architect's
  "suivi de chantier" are services about works, while a landscaper's "taille de haies"
  names no service and may be works; services always (a freelancer's statement
  describes a service);
- **a notice buys** what its nature says when the buyer gave one, else what the
  divisions of its CPV codes say (45: works; 03–44 and 48: supplies; 50–98:
  services), widened by its text: a supply-coded notice whose title or description
  asks for a service or for works (a *prestation*, a *création*, *travaux*…) buys
  that too, and one that asks for installation, laying or maintenance of what it
  buys (*pose*, *installation*, *entretien*…) is a supply with work included.

A notice that buys supplies only, without installation, laying or maintenance, is
not proposed to a member who sells no supplies (the ``sells`` filter of
:mod:`app.matching.filters`), and the codes of goods (divisions 03–44 and 48) do not
enter such a member's inferred CPV profile (:func:`sold_codes`). A notice that buys
works only, and the codes of works (division 45), are left out in the same way for a
member who does not sell works (:func:`proposed_natures`). The rules are
word lists of French and English procurement vocabulary (Snowball-stemmed as the
lexical signal is), never a rule for one trade.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.matching.lexical import document_terms
from models.member import Member
from models.notice import Nature, Notice
from models.vocabulary.text import fold_words

_SUPPLY_DIVISIONS = frozenset({f"{d:02d}" for d in range(3, 45)} | {"48"})
_WORKS_DIVISIONS = frozenset({"45"})


def _terms(texts: Iterable[str]) -> frozenset[str]:
    """French and English stems of the texts' words (as the lexical signal stems them)."""
    return frozenset(
        term for text in texts for lang in ("fr", "en") for term in document_terms(text, lang)
    )


def _stems(words: str) -> frozenset[str]:
    return _terms(words.split())


_INSTALLATION = _stems(
    "pose poser installation installations installer montage monter raccordement "
    "maintenance entretien reparation reparations depannage refection rehab "
    "install installing laying fitting fitted maintaining repair repairs"
)
"""Work on the goods bought: with one of these a supply notice includes work."""
_INSTALLATION_PHRASES = re.compile(r"\bmise en (place|oeuvre|service)\b|\bset up\b")
_GOODS_OF = re.compile(
    r"\b(produits?|articles?|materiels?|fournitures?|accessoires?) (d |de |pour )?(l )?"
    r"(entretien|maintenance|nettoyage)\b"
)
"""Goods named after a work ("produits d'entretien"): the goods, not the work."""
_SERVICE_OR_WORKS = _stems(
    "prestation prestations creation conception elaboration preparation "
    "realisation etude etudes mission accompagnement assistance animation "
    "travaux chantier construction renovation rehabilitation amenagement "
    "design development hosting host setup consultancy works"
)
"""Words of a notice that asks for a service or works besides goods."""
_SELLS_SUPPLIES = _stems(
    "fourniture fournitures fournir vente vendre fabrication fabriquer negoce livraison livrer "
    "impression imprimer edition "
    "supply supplies supplying supplier sell selling sale manufacture manufacturing "
    "delivery delivering print printing"
)
"""Words of a member who sells goods (makes, prints, supplies or delivers them)."""
_INTELLECTUAL_SERVICE = _stems(
    "audit audits etude etudes conseil conseils accompagnement assistance formation formations "
    "diagnostic diagnostics evaluation expertise conception maitrise programmation strategie "
    "analyse enquete enquetes animation mediation traduction redaction suivi ingenierie "
    "developpement hebergement "
    "advice advisory consulting consultancy study studies design training assessment survey "
    "representation development hosting"
)
"""Words of a statement that describes an intellectual service, whatever works it is about."""


def _folded(texts: Iterable[str]) -> str:
    return " ".join(" ".join(fold_words(text)) for text in texts)


def inferred_sells(member: Member) -> frozenset[Nature]:
    """What the member's own statements and references say they sell.

    Works when one statement of expertise names no intellectual service: statements
    rarely say that a trade is works (a landscaper writes "plantations", not
    "travaux"), so works are assumed unless each statement says which service it is.
    References are left out of that reading: they name the project ("rénovation de
    l'école"), not the member's part in it.
    """
    statements = [_terms([statement]) for statement in member.expertise]
    references = _terms(f"{r.title} {r.summary}" for r in member.references)
    sells = {Nature.services}
    if references.union(*statements) & _SELLS_SUPPLIES:
        sells.add(Nature.supplies)
    if any(not terms & _INTELLECTUAL_SERVICE for terms in statements):
        sells.add(Nature.works)
    return frozenset(sells)


def member_sells(member: Member) -> frozenset[Nature]:
    """What the member sells: as declared, else as inferred from their words."""
    return frozenset(member.sells) if member.sells else inferred_sells(member)


def proposed_natures(member: Member) -> frozenset[Nature]:
    """What a notice may buy to be proposed to the member: what the matching holds them to.

    What they sell (:func:`member_sells`), and services always: a notice that buys a
    service is never held against a freelancer, whatever they ticked (printing and
    catering are coded as services too).
    """
    return member_sells(member) | {Nature.services}


def sold_codes(
    evidence: Iterable[tuple[str, float]], proposed: Collection[Nature]
) -> list[tuple[str, float]]:
    """The evidence codes of what the member sells: a code of goods only for a supplier.

    ``proposed`` is :func:`proposed_natures`. A member's first hits lend their codes to
    the profile, and a code of goods (division 03–44 or 48) whose label echoes the
    member's words lifts purchases of those goods: an accountant's "analyse
    financière" brings in "financial analysis software", and with it software
    platforms before the audits. Such a code says what the buyer buys, and a member
    who sells no supplies does not sell it; a code of works, likewise, for a member who
    sells no works.
    """
    allowed = set(proposed)
    return [(code, weight) for code, weight in evidence if _code_natures([code]) <= allowed]


@dataclass(frozen=True)
class Purchase:
    """What a notice (or a lot) buys, and whether work on the goods is included."""

    natures: frozenset[Nature]
    installation: bool

    @property
    def supplies_only(self) -> bool:
        """Goods alone: no service, no works, no installation, laying or maintenance."""
        return self.natures == {Nature.supplies} and not self.installation


def notice_buys(notice: Notice, lot: str | None = None) -> Purchase:
    """What the buyer buys with the notice (or with one of its lots)."""
    part = next((x for x in notice.lots if x.id == lot), None) if lot is not None else None
    if part is not None:  # a lot buys what its own words say (the notice's when it has none)
        texts = [t for t in (part.title, part.description) if t] or [notice.title]
        codes = tuple(part.cpv or notice.cpv)
    else:
        texts = [notice.title, notice.description]
        texts += [text for x in notice.lots for text in (x.title, x.description)]
        codes = (*notice.cpv, *(c for x in notice.lots for c in x.cpv))
    return _purchase(notice.nature, codes, tuple(t for t in texts if t))


@lru_cache(maxsize=16_384)
def _purchase(nature: Nature | None, codes: tuple[str, ...], texts: tuple[str, ...]) -> Purchase:
    # Memoised: a member's ranking asks it of every candidate, each member of the same ones.
    folded = _GOODS_OF.sub(" ", _folded(texts))
    terms = _terms([folded])
    natures = {nature} if nature is not None else set(_code_natures(codes))
    if not natures:
        natures = {Nature.services}  # nothing to tell: not held against the notice
    installation = bool(terms & _INSTALLATION or _INSTALLATION_PHRASES.search(folded))
    if Nature.supplies in natures and terms & _SERVICE_OR_WORKS:
        natures.add(Nature.services)
    return Purchase(frozenset(natures), installation)


def _code_natures(codes: Sequence[str]) -> set[Nature]:
    natures = set()
    for code in codes:
        division = code[:2]
        if division in _SUPPLY_DIVISIONS:
            natures.add(Nature.supplies)
        elif division in _WORKS_DIVISIONS:
            natures.add(Nature.works)
        elif division.isdigit():
            natures.add(Nature.services)
    return natures
