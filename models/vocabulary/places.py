"""Places: French department codes and NUTS codes in one list.

BOAMP writes departments without zero padding (``"2"`` where ``gestion`` says
``"02"``); Corsica is ``2A``/``2B`` and overseas departments are ``971``–``976``.
TED mixes NUTS codes (``FRE11``) with ISO-3 countries (``FRA``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_METRO = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
_OVERSEAS = {"971", "972", "973", "974", "975", "976", "977", "978", "986", "987", "988"}
DEPARTMENTS = frozenset(_METRO | _OVERSEAS)
_NUTS = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")


def normalise_department(value: object) -> str | None:
    """Return a valid department code (``"2"`` → ``"02"``, ``"2a"`` → ``"2A"``) or None."""
    text = str(value).strip().upper() if value is not None else ""
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    return text if text in DEPARTMENTS else None


def normalise_places(values: Iterable[object]) -> list[str]:
    """Keep department codes and NUTS codes, in order, without repeats."""
    places: list[str] = []
    for value in values:
        text = str(value).strip().upper() if value is not None else ""
        code = normalise_department(text) or (text if _NUTS.match(text) else None)
        if code and code not in places:
            places.append(code)
    return places


def department_from_postcode(postcode: object) -> str | None:
    """Department of a French postcode: ``59110`` → ``59``, ``20000`` → ``2A``."""
    text = str(postcode or "").strip()
    if not re.fullmatch(r"\d{5}", text):
        return None
    if text.startswith("97") or text.startswith("98"):
        return normalise_department(text[:3])
    if text.startswith("20"):
        return "2A" if int(text) < 20200 else "2B"
    return normalise_department(text[:2])
