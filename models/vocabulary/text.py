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


# NFKD decomposes accents but not ligatures: without this table "œuvre" folds to "uvre".
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_WORD = re.compile(r"[a-z0-9]+")


def fold_words(value: str) -> list[str]:
    """The lower-case, accent- and ligature-free alphanumeric words of ``value``.

    The one folding of Cotender: lexical search, twin detection, buyer keys and
    query parsing all compare these words, so "MAITRISE D OEUVRE",
    "maîtrise d’œuvre" and "Maîtrise d'Œuvre" are the same three words.
    """
    decomposed = unicodedata.normalize("NFKD", value.translate(_LIGATURES).lower())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(ascii_only)


def fold(value: str) -> str:
    """:func:`fold_words` joined by single spaces (the form stored for comparisons)."""
    return " ".join(fold_words(value))


def search_key(*texts: str) -> str:
    """The folded words of ``texts`` as one line, padded with a space at each end.

    Stored for the notice text filter (title and buyer): a folded query is then a
    substring of it exactly when its words appear in that order, whatever the
    accents, case, ligatures or punctuation on either side; the padding lets a
    filter ask for whole words (`` paris ``) if it wants to.
    """
    return f" {fold(' '.join(texts))} "


def as_list(value: Any) -> list[Any]:
    """Normalise a one-or-many field (object when one, list when several) to a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]
