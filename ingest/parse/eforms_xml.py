"""Reading eForms UBL XML: namespaces and the few element helpers every reader uses.

lxml ships no type hints, so elements are typed ``Any`` here once.
"""

from __future__ import annotations

from typing import Any

Element = Any  # lxml ships no type hints
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
EXTENSION = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"


def all_at(parent: Element | None, path: str) -> list[Element]:
    """Every element at ``path`` under ``parent`` (none when there is no parent)."""
    return [] if parent is None else list(parent.findall(path, NS))


def text_at(parent: Element | None, path: str) -> str:
    """The stripped text of the first element at ``path``, or ``""``."""
    if parent is None:
        return ""
    found = parent.find(path, NS)
    return "" if found is None else clean(found)


def clean(el: Element) -> str:
    """All the text of an element, stripped."""
    return str("".join(el.itertext())).strip()


def pick(elements: list[Element], language: str | None) -> tuple[str, str | None]:
    """The text in ``language``, else the first non-empty one, with its language code."""
    texts = [(clean(el), str(el.get("languageID", "")).upper() or None) for el in elements]
    texts = [(text, lang) for text, lang in texts if text]
    for text, lang in texts:
        if language and lang == language:
            return text, lang
    return texts[0] if texts else ("", None)
