"""Hard filters: what removes a notice (or a lot) from a member's matches, and why.

- **deadline**: the notice must be ``open`` and its deadline (the lot's own when it
  has one, else the latest of the notice) still ahead of ``now``; an open notice
  without a known deadline is kept. ``include_closed`` turns the filter off. A
  ``planned`` notice (prior information) passes only with ``include_closed``, its
  reason saying "prior information: the call is announced".
- **region**: applied only when the member restricts their regions (a list of
  department codes). A notice is kept when one of its places is one of those
  departments, when a place is a NUTS code covering one of them (``FRE1`` covers
  ``59`` and ``62``; ``FR`` covers all of France), or when it gives no place at all
  (most DECP and many TED items do not: excluding them would hide real work, so the
  reason says the place is unknown). A notice placed only outside France or in other
  departments is excluded. Places that are neither departments nor French NUTS
  codes are not held against the notice.
- **nature**: applied only when natures are requested; an unknown nature is kept.
- **value**: applied only when a value range is requested: the lot's estimated value
  (else the notice's) must lie in it, compared as published (nearly always EUR); a
  notice that gives no value is kept and the reason says so, like an unknown place.
- **sells**: a notice (or lot) that buys supplies only is not proposed to a member
  who sells no supplies; one that also asks for installation, laying or maintenance
  is, and the reason says so; one that buys works only is not proposed to a member
  who sells no works, declared or read from their words (:mod:`app.matching.sells`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.matching.sells import notice_buys
from models.notice import Nature, Notice, NoticeStatus
from models.vocabulary.places import DEPARTMENTS

# NUTS 2016/2021 level 3 → department (the French codes are identical in both versions).
_NUTS3 = {
    "FR101": "75", "FR102": "77", "FR103": "78", "FR104": "91", "FR105": "92",
    "FR106": "93", "FR107": "94", "FR108": "95", "FRB01": "18", "FRB02": "28",
    "FRB03": "36", "FRB04": "37", "FRB05": "41", "FRB06": "45", "FRC11": "21",
    "FRC12": "58", "FRC13": "71", "FRC14": "89", "FRC21": "25", "FRC22": "39",
    "FRC23": "70", "FRC24": "90", "FRD11": "14", "FRD12": "50", "FRD13": "61",
    "FRD21": "27", "FRD22": "76", "FRE11": "59", "FRE12": "62", "FRE21": "02",
    "FRE22": "60", "FRE23": "80", "FRF11": "67", "FRF12": "68", "FRF21": "08",
    "FRF22": "10", "FRF23": "51", "FRF24": "52", "FRF31": "54", "FRF32": "55",
    "FRF33": "57", "FRF34": "88", "FRG01": "44", "FRG02": "49", "FRG03": "53",
    "FRG04": "72", "FRG05": "85", "FRH01": "22", "FRH02": "29", "FRH03": "35",
    "FRH04": "56", "FRI11": "24", "FRI12": "33", "FRI13": "40", "FRI14": "47",
    "FRI15": "64", "FRI21": "19", "FRI22": "23", "FRI23": "87", "FRI31": "16",
    "FRI32": "17", "FRI33": "79", "FRI34": "86", "FRJ11": "11", "FRJ12": "30",
    "FRJ13": "34", "FRJ14": "48", "FRJ15": "66", "FRJ21": "09", "FRJ22": "12",
    "FRJ23": "31", "FRJ24": "32", "FRJ25": "46", "FRJ26": "65", "FRJ27": "81",
    "FRJ28": "82", "FRK11": "03", "FRK12": "15", "FRK13": "43", "FRK14": "63",
    "FRK21": "01", "FRK22": "07", "FRK23": "26", "FRK24": "38", "FRK25": "42",
    "FRK26": "69", "FRK27": "73", "FRK28": "74", "FRL01": "04", "FRL02": "05",
    "FRL03": "06", "FRL04": "13", "FRL05": "83", "FRL06": "84", "FRM01": "2A",
    "FRM02": "2B", "FRY10": "971", "FRY20": "972", "FRY30": "973", "FRY40": "974",
    "FRY50": "976",
}  # fmt: skip


@dataclass(frozen=True)
class ValueRange:
    """Bounds on a notice's estimated value (either may be open)."""

    minimum: float | None = None
    maximum: float | None = None

    def describe(self) -> str:
        """The range as a person reads it."""
        low = f"{self.minimum:,.0f}" if self.minimum is not None else "0"
        return f"{low}–{self.maximum:,.0f}" if self.maximum is not None else f"≥ {low}"


@dataclass(frozen=True)
class AppliedFilter:
    """One hard filter as applied to one notice or lot."""

    name: str
    passed: bool
    detail: str


def departments_of(place: str) -> set[str] | None:
    """Departments a place covers; None when the place is not French or not understood."""
    code = place.strip().upper()
    if code in DEPARTMENTS:
        return {code}
    if code in {"FR", "FRA"}:
        return set(DEPARTMENTS)
    if code.startswith("FR") and len(code) <= 5:
        covered = {dept for nuts, dept in _NUTS3.items() if nuts.startswith(code)}
        return covered or None
    return set() if len(code) in (2, 3, 4, 5) and code[:2].isalpha() else None


def _deadline_filter(
    notice: Notice, lot: str | None, *, include_closed: bool, now: datetime
) -> AppliedFilter:
    if notice.status is NoticeStatus.planned:  # an early warning, never an open call
        return AppliedFilter("deadline", include_closed, "prior information: the call is announced")
    if include_closed:
        return AppliedFilter("deadline", True, "closed notices included on request")
    if notice.status is not NoticeStatus.open:
        return AppliedFilter("deadline", False, f"notice is {notice.status.value}")
    lot_deadline = next((x.deadline for x in notice.lots if x.id == lot), None)
    deadline = lot_deadline or notice.effective_deadline()
    if deadline is None:
        return AppliedFilter("deadline", True, "open, no deadline known")
    if deadline <= now:
        return AppliedFilter("deadline", False, f"deadline {deadline.isoformat()} passed")
    return AppliedFilter("deadline", True, f"open until {deadline.isoformat()}")


def _region_filter(notice: Notice, regions: Sequence[str]) -> AppliedFilter | None:
    if not regions:
        return None
    wanted = set(regions)
    if not notice.place:
        return AppliedFilter("region", True, "notice gives no place: kept")
    unknown: list[str] = []
    for place in notice.place:
        covered = departments_of(place)
        if covered is None:
            unknown.append(place)
        elif covered & wanted:
            return AppliedFilter("region", True, f"place {place} in {', '.join(sorted(wanted))}")
    if unknown:
        return AppliedFilter("region", True, f"place {', '.join(unknown)} not comparable: kept")
    places = ", ".join(notice.place)
    return AppliedFilter("region", False, f"place {places} outside {', '.join(sorted(wanted))}")


def _value_filter(notice: Notice, lot: str | None, wanted: ValueRange) -> AppliedFilter:
    value = next((x.value for x in notice.lots if x.id == lot and x.value), None) or notice.value
    if value is None:
        return AppliedFilter("value", True, "value not given: kept")
    amount = f"{value.amount:,.0f} {value.currency}"
    inside = (wanted.minimum is None or value.amount >= wanted.minimum) and (
        wanted.maximum is None or value.amount <= wanted.maximum
    )
    verb = "within" if inside else "outside"
    return AppliedFilter("value", inside, f"estimated value {amount} {verb} {wanted.describe()}")


def _sells_filter(notice: Notice, lot: str | None, sells: Collection[Nature]) -> AppliedFilter:
    if all(nature in sells for nature in Nature):  # free-text search, or sells everything
        return AppliedFilter("sells", True, "member sells services, supplies and works")
    buys = notice_buys(notice, lot)
    bought = ", ".join(sorted(n.value for n in buys.natures))
    if not buys.natures.isdisjoint(sells):
        return AppliedFilter("sells", True, f"buys {bought}")
    if buys.natures == {Nature.supplies} and buys.installation:
        return AppliedFilter("sells", True, "supplies with installation, laying or maintenance")
    if buys.supplies_only:
        return AppliedFilter(
            "sells", False, "supplies only (no installation, laying or maintenance)"
        )
    return AppliedFilter(
        "sells", False, f"{bought} only: the member sells none (declared, or read from their words)"
    )


def apply_filters(
    notice: Notice,
    *,
    lot: str | None = None,
    regions: Sequence[str] = (),
    include_closed: bool = False,
    now: datetime,
    natures: Collection[Nature] | None = None,
    value_range: ValueRange | None = None,
    sells: Collection[Nature] | None = None,
) -> tuple[AppliedFilter, ...]:
    """Every hard filter that applies to ``notice`` (or its ``lot``) for one member.

    ``sells``: what a notice may buy to be proposed to the member
    (:func:`~app.matching.sells.proposed_natures`; None: not checked).
    """
    applied = [_deadline_filter(notice, lot, include_closed=include_closed, now=now)]
    region = _region_filter(notice, regions)
    if region is not None:
        applied.append(region)
    if sells is not None:
        applied.append(_sells_filter(notice, lot, sells))
    if natures is not None:
        if notice.nature is None:
            applied.append(AppliedFilter("nature", True, "nature unknown: kept"))
        else:
            passed = notice.nature in natures
            verb = "requested" if passed else "not requested"
            applied.append(AppliedFilter("nature", passed, f"{notice.nature.value} {verb}"))
    if value_range is not None:
        applied.append(_value_filter(notice, lot, value_range))
    elif notice.value is not None:  # no bound asked: the value is still worth reading
        amount = f"{notice.value.amount:,.0f} {notice.value.currency}"
        applied.append(AppliedFilter("value", True, f"estimated value {amount}"))
    return tuple(applied)


def passes(filters: Sequence[AppliedFilter]) -> bool:
    """True when no filter excludes the notice."""
    return all(f.passed for f in filters)
