"""Text cleaning shared by every parser.

Real payloads carry HTML entities (``d&#039;``), line breaks inside titles,
typographic quotes next to straight ones and stray whitespace
(``shared/DATA-FORMATS.md``, "Pitfalls"); matching and dedupe need them gone.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_TAG = re.compile(r"<[^>]{1,200}>")
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def clean_text(value: Any) -> str:
    """Return ``value`` as clean one-paragraph-per-line text ('' for None)."""
    if value is None:
        return ""
    text = html.unescape(html.unescape(str(value)))
    text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHIC)
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()


def clean_line(value: Any) -> str:
    """Like :func:`clean_text` but on one line (titles, names)."""
    return " ".join(clean_text(value).split())


def fold(value: str) -> str:
    """Lower-case, accent-free, alphanumeric-only form used for comparisons."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", ascii_only))


def as_list(value: Any) -> list[Any]:
    """Normalise a one-or-many field (object when one, list when several) to a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]
