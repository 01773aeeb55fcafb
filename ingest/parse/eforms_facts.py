"""eForms facts read per procedure and per lot: dated steps, estimated values, buyers.

- Deadlines keep their meaning: ``TenderSubmissionDeadlinePeriod`` (BT-131,
  tenders), ``ParticipationRequestReceptionPeriod`` (BT-1311, requests to
  participate) and the extension's ``InterestExpressionReceptionPeriod`` (BT-630,
  expressions of interest, the one step of a PIN call for competition or a CEI).
- The estimated value is BT-27, ``RequestedTenderTotal/EstimatedOverallContractAmount``
  with its ``currencyID``, on the procedure and on each lot.
- Buyers: every ``cac:ContractingParty`` of a joint procurement, in document order
  (the first is the lead buyer), looked up among ``efac:Organizations``.
"""

from __future__ import annotations

import re

from ingest.normalise.dates import combine_date_time
from ingest.parse.eforms_xml import EXTENSION, Element, all_at, pick, text_at
from models.notice import Buyer, Deadline, DeadlineKind, Money
from models.vocabulary.text import clean_line

_PERIODS = (
    ("cac:TenderSubmissionDeadlinePeriod", DeadlineKind.tenders),
    ("cac:ParticipationRequestReceptionPeriod", DeadlineKind.requests_to_participate),
    (f"{EXTENSION}/efac:InterestExpressionReceptionPeriod", DeadlineKind.expressions_of_interest),
)
_SIRET = re.compile(r"^\d{14}$")
_AMOUNT = "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount"
_ORGANIZATIONS = f"{EXTENSION}/efac:Organizations/efac:Organization/efac:Company"


def deadlines(process: Element | None) -> list[Deadline]:
    """Every dated step of a ``cac:TenderingProcess``; ValueError on an unreadable date."""
    found = []
    for path, kind in _PERIODS:
        for period in all_at(process, path):
            at = combine_date_time(text_at(period, "cbc:EndDate"), text_at(period, "cbc:EndTime"))
            if at is not None:
                found.append(Deadline(kind=kind, at=at))
    return found


def estimated_value(project: Element | None) -> Money | None:
    """BT-27 of a ``cac:ProcurementProject``; None when absent or not a number."""
    amounts = all_at(project, _AMOUNT)
    if not amounts:
        return None
    try:
        amount = float(text_at(project, _AMOUNT))
    except ValueError:
        return None
    currency = str(amounts[0].get("currencyID") or "EUR").strip().upper()
    if amount < 0 or not re.fullmatch(r"[A-Z]{3}", currency):
        return None
    return Money(amount=amount, currency=currency)


def total_value(values: list[Money | None]) -> Money | None:
    """The sum of the lots' values when every lot has one, in one currency."""
    if not values or any(v is None for v in values):
        return None
    known = [v for v in values if v is not None]
    if len({v.currency for v in known}) != 1:
        return None
    return Money(amount=sum(v.amount for v in known), currency=known[0].currency)


def buyer_companies(root: Element) -> list[Element]:
    """The ``efac:Company`` of every contracting party, lead buyer first."""
    companies = {
        text_at(company, "cac:PartyIdentification/cbc:ID"): company
        for company in all_at(root, _ORGANIZATIONS)
    }
    parties = [
        text_at(party, "cac:Party/cac:PartyIdentification/cbc:ID")
        for party in all_at(root, "cac:ContractingParty")
    ]
    return [companies[p] for p in dict.fromkeys(parties) if p and p in companies]


def buyer_of(company: Element, language: str | None) -> Buyer:
    """One buyer: its name in the notice language and its registration id."""
    name, _ = pick(all_at(company, "cac:PartyName/cbc:Name"), language)
    return Buyer(
        name=clean_line(name),
        id=_buyer_id(text_at(company, "cac:PartyLegalEntity/cbc:CompanyID")),
    )


def _buyer_id(value: str) -> str | None:
    """The SIRET (14 digits, spaces removed) or the registration id as written.

    Values without any digit are placeholders or names (``not available``,
    ``KKH Kaufmännische Krankenkasse`` in 622691-2023) and are dropped.
    """
    text = clean_line(value)
    compact = re.sub(r"[\s.]", "", text)
    if _SIRET.match(compact):
        return compact
    return text if any(c.isdigit() for c in text) else None
