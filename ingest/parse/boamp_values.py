"""Shared readers of BOAMP ``donnees``: one-or-many JSON paths and small value parsers.

Everywhere in ``donnees``, one element is an object and several are a list, so
every path is read with :func:`all_items`, which treats both alike.
:class:`DonneesFacts` is what each schema family's reader returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ingest.normalise.dates import parse_local_datetime
from models.notice import AwardCriterion, Lot, Money, Nature
from models.vocabulary.text import as_list, clean_line, fold
from models.vocabulary.time import PARIS


@dataclass
class DonneesFacts:
    """What one ``donnees`` payload says; empty values mean "not given"."""

    family: str
    title: str = ""
    description: str = ""
    buyer_name: str = ""
    buyer_id: str | None = None
    cpv: list[str] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    deadline: datetime | None = None
    deadline_has_time: bool = False
    places: list[str] = field(default_factory=list)
    criteria: list[AwardCriterion] = field(default_factory=list)
    value: Money | None = None
    nature: Nature | None = None
    is_award: bool = False
    is_change: bool = False
    parent_idwebs: list[str] = field(default_factory=list)


# --- reading one-or-many JSON ------------------------------------------------------------


def all_items(node: Any, *path: str) -> list[Any]:
    """Every value at ``path``, flattening the lists met on the way."""
    nodes = as_list(node)
    for key in path:
        nodes = [
            value for item in nodes if isinstance(item, Mapping) for value in as_list(item.get(key))
        ]
    return [n for n in nodes if n is not None]


def first_item(node: Any, *path: str) -> Any:
    found = all_items(node, *path)
    return found[0] if found else None


def text_of(value: Any) -> str:
    """The text of a scalar, of an XML-ish ``{"#text": …}`` or of the first useful item."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        return text_of(value.get("#text"))
    if isinstance(value, list):
        return next((t for t in map(text_of, value) if t.strip()), "")
    return ""


def texts_of(value: Any) -> list[str]:
    return [t for t in (text_of(v) for v in as_list(value)) if t.strip()]


def lang_text(value: Any, language: str = "FRA") -> str:
    """eForms text: the French version when there are several languages."""
    items = as_list(value)
    for item in items:
        if isinstance(item, Mapping) and item.get("@languageID") == language:
            return text_of(item)
    return text_of(items)


def walk(node: Any, keys: set[str]) -> Iterator[Any]:
    """Values of every key named in ``keys`` (case-insensitive), at any depth."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if str(key).lower() in keys:
                yield value
            yield from walk(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item, keys)


# --- small value parsers -----------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
CPV_IN_TEXT = re.compile(r"(?<!\d)(\d{8})-\d(?!\d)")
_DATE_PART = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_FRENCH_DATE = re.compile(r"\b(\d{1,2})(?:er)? ([a-z]+) (\d{4})\b")
_FRENCH_TIME = re.compile(r"\b(\d{1,2}) ?(?:h|heures?)(?: ?(\d{2}))?\b")
_MONTHS = "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"
_MONTH_NUMBERS = {name: position for position, name in enumerate(_MONTHS.split(), start=1)}
_NATURES = {"travaux": Nature.works, "works": Nature.works, "services": Nature.services}
_NATURES |= {"fournitures": Nature.supplies, "supplies": Nature.supplies}


def number(value: Any) -> float | None:
    """The first number in a value (``"60 %"``, ``"40,5"``), or None."""
    match = _NUMBER.search(text_of(value))
    return float(match.group().replace(",", ".")) if match else None


def estimated_value(node: Any) -> Money | None:
    """``valeurEstimee``: its ``valeur``, else the top of its ``fourchette``, in its ``@devise``.

    Placeholders are dropped: ``valeur "0.00"`` and the ``valeurBasse "1"`` of a range
    whose real figure is its ``valeurHaute`` (``shared/DATA-FORMATS.md``, "Pitfalls").
    """
    if not isinstance(node, Mapping):
        return None
    amount = number(node.get("valeur")) or number(first_item(node, "fourchette", "valeurHaute"))
    if not amount or amount <= 1:
        return None
    currency = text_of(node.get("@devise")).strip().upper() or "EUR"
    return Money(amount=amount, currency=currency if len(currency) == 3 else "EUR")


def siret(value: Any) -> str | None:
    """A SIRET (14 digits once spaces are removed), or None."""
    digits = re.sub(r"[\s.]", "", text_of(value))
    return digits if re.fullmatch(r"\d{14}", digits) else None


def tidy(value: Any) -> str:
    """One clean line without the stray trailing punctuation of old notices (``ville de X.``)."""
    text = clean_line(value).rstrip(" ,;:")
    if text.endswith(".") and not re.search(r"(?:\b\w\.){2,}$", text):  # keep "D.E.C.S."
        text = text[:-1].rstrip()
    return text


def nature_of(values: Iterable[Any]) -> Nature | None:
    """The contract nature named by the first recognised word (``TRAVAUX``, ``services``…)."""
    for value in values:
        nature = _NATURES.get(fold(str(value)))
        if nature:
            return nature
    return None


def local_datetime(value: Any) -> tuple[datetime | None, bool]:
    """A BOAMP date-time read as Paris wall-clock time, and whether it had a time.

    Tolerates unpadded dates (``2006-08-2``, seen in 2006 ``gestion``) and
    unreadable values, which give None instead of failing the record.
    """
    text = text_of(value).strip()
    match = _DATE_PART.match(text)
    if not match:
        return None, False
    year, month, day = match.groups()
    padded = f"{year}-{int(month):02d}-{int(day):02d}" + text[match.end() :]
    try:
        parsed = parse_local_datetime(padded)
    except ValueError:
        return None, False
    return parsed, len(padded) > 10


def french_datetime(day_text: Any, time_texts: Iterable[Any] = ()) -> tuple[datetime | None, bool]:
    """``"21 juillet 2006"`` + ``", à 12 heures"`` → 2006-07-21 12:00 Paris, and if it had a time.

    Without a time the deadline is kept at 23:59 local, like
    :func:`~ingest.normalise.dates.parse_local_datetime` does for a bare date.
    """
    day = french_date(day_text)
    if day is None:
        return None, False
    for text in [day_text, *time_texts]:
        match = _FRENCH_TIME.search(fold(text_of(text)))
        if match and int(match.group(1)) < 24 and int(match.group(2) or 0) < 60:
            clock = time(int(match.group(1)), int(match.group(2) or 0))
            return datetime.combine(day, clock, tzinfo=PARIS), True
    return datetime.combine(day, time(23, 59), tzinfo=PARIS), False


def french_date(value: Any) -> date | None:
    """``"1er septembre 2006"`` → 2006-09-01, or None."""
    match = _FRENCH_DATE.search(fold(text_of(value)))
    if not match or match.group(2) not in _MONTH_NUMBERS:
        return None
    try:
        return date(int(match.group(3)), _MONTH_NUMBERS[match.group(2)], int(match.group(1)))
    except ValueError:
        return None


def criteria_from_text(value: Any) -> list[AwardCriterion]:
    """Award criteria written as a list in free text.

    ``"- prix : 40 %;- valeur technique : 60 %."`` gives two weighted criteria;
    ``"2. Prix : 40.3. Délai : 10."`` is split on its numbering. A sentence
    without a list nor weights (``"Critères énoncés dans le règlement"``) gives
    nothing: it names no criterion.
    """
    text = clean_line(value)
    pieces = [
        piece
        for part in text.split(";")
        for piece in re.split(r"(?:^|(?<=\.))\s*\d{1,2}\s*\.\s+(?=\D)", part)
    ]
    if len(pieces) == 1:  # "… avec leur pondération : - valeur technique : 60 % - prix : 40 %"
        pieces = re.split(r"(?:^|\s)[-•–]\s+", text)
    criteria = [c for c in (_criterion_from_piece(p) for p in pieces) if c]
    if any(c.weight is not None for c in criteria):
        while criteria[0].weight is None:  # an introductory sentence, not a criterion
            criteria.pop(0)
        return criteria
    listed = text.startswith("-") or bool(re.match(r"\d{1,2}\s*\.\s", text))
    return criteria if listed and len(criteria) > 1 else []


def _criterion_from_piece(piece: str) -> AwardCriterion | None:
    piece = piece.strip().lstrip("-•*– ").strip()
    if not piece:
        return None
    weight_match = re.search(r"pond[ée]ration\s*:?\s*(\d+(?:[.,]\d+)?)", piece, re.I) or re.search(
        r"[:\s](\d+(?:[.,]\d+)?)\s*(?:%|points?|pts)?\s*\.?$", piece
    )
    weight = float(weight_match.group(1).replace(",", ".")) if weight_match else None
    name = piece.split(":", 1)[0] if ":" in piece else piece
    if weight_match and ":" not in piece:
        name = piece[: weight_match.start()]
    name = tidy(name.strip(" -–"))
    return AwardCriterion(name=name, weight=weight) if name else None


def unique_lot_ids(proposed: list[str | None]) -> list[str]:
    """Keep the lot numbers the notice gives when they are complete and unique, else 1..n."""
    given = [p for p in proposed if p]
    if len(given) == len(proposed) and len(set(given)) == len(given):
        return given
    return [str(position) for position in range(1, len(proposed) + 1)]


_LOT_PREFIX = re.compile(
    r"^\s*(?:lot\s*(?:n\s*°|no\.?|n)?\s*(\d{1,3})(?!\d)\s*[-:.)_]?|(\d{1,3})\s*[-:.)_])\s*", re.I
)


def lot_number(text: str) -> str | None:
    """``"Lot 2 : Finition"`` or ``"1- Prestations…"`` → the lot's number."""
    match = _LOT_PREFIX.match(text)
    return (match.group(1) or match.group(2)) if match else None


def lot_title(description: str) -> str:
    """A lot's title from its description: the first line, without its ``Lot 2 :`` prefix."""
    return tidy(_LOT_PREFIX.sub("", description.split("\n", 1)[0], count=1))


def idwebs(node: Any) -> list[str]:
    return [t.strip() for v in walk(node, {"idweb"}) for t in texts_of(v) if t.strip()]
