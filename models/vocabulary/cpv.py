"""CPV codes: 8 digits, main code first, no repeats.

Sources write ``45316110-9`` (check digit), ``4531 6110`` or a 7-digit code that
lost its leading zero; the CPV 2008 list (``data/cpv/cpv_2008_fr_en.csv``)
decides what is a real code.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from models.paths import BUNDLED_DATA_DIR

CPV_CSV = BUNDLED_DATA_DIR / "cpv" / "cpv_2008_fr_en.csv"
_CODE = re.compile(r"(\d[\d ]{6,9}\d)(?:-\d)?")


@dataclass(frozen=True)
class CpvLabel:
    """The official French and English labels of one CPV code."""

    code: str
    fr: str
    en: str


@cache
def cpv_labels(path: Path = CPV_CSV) -> dict[str, CpvLabel]:
    """All CPV 2008 codes with their labels, read once."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: CpvLabel(row["code"], row["label_fr"], row["label_en"])
            for row in csv.DictReader(handle)
        }


def normalise_cpv(value: object) -> str | None:
    """Return the 8-digit form of one CPV value, or None when it is not a known code."""
    if value is None:
        return None
    match = _CODE.search(str(value))
    if not match:
        return None
    digits = match.group(1).replace(" ", "")
    if len(digits) == 7:
        digits = "0" + digits
    if len(digits) != 8:
        return None
    return digits if digits in cpv_labels() else None


def normalise_cpv_list(values: Iterable[object]) -> list[str]:
    """Normalise many CPV values, keeping the first occurrence order (main code first)."""
    codes: list[str] = []
    for value in values:
        code = normalise_cpv(value)
        if code and code not in codes:
            codes.append(code)
    return codes


def cpv_depth(code: str) -> int:
    """Hierarchy depth of a code: 2 for a division (``79000000``) up to 8."""
    significant = code.rstrip("0")
    return max(2, len(significant))


def shared_depth(a: str, b: str) -> int:
    """Number of leading digits two codes share within both codes' significant part."""
    limit = min(cpv_depth(a), cpv_depth(b))
    depth = 0
    while depth < limit and a[depth] == b[depth]:
        depth += 1
    return depth
