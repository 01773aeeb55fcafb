"""Every text of the application is in both catalogues, and the catalogues are current.

One catalogue serves the web pages, drafts, go/no-go verdicts, quarantine reasons and digests
(``app.core.i18n``): the messages extracted from all of ``app/`` must be exactly its entries.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.core.i18n import LOCALE_DIR, translations

APP = Path(__file__).resolve().parents[2] / "app"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [
    ("web/templates/**.html", "jinja2"),
    ("digest/templates/**.j2", "jinja2"),
    ("**.py", "python"),
]
JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}
OPTIONS = {"web/templates/**.html": JINJA, "digest/templates/**.j2": JINJA}


def _extracted() -> set[str]:
    found = extract_from_dir(APP, METHODS, options_map=OPTIONS, keywords=KEYWORDS)
    return {message[0] if isinstance(message, tuple) else message for _, _, message, *_ in found}


def _catalogue(language: str) -> dict[str, object]:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    return {m.id[0] if isinstance(m.id, tuple) else m.id: m.string for m in catalog if m.id}


def test_every_text_has_a_french_translation_and_no_stale_entry() -> None:
    texts = _extracted()
    assert len(texts) > 150
    french = _catalogue("fr")
    missing = sorted(t for t in texts if not french.get(t))
    assert missing == [], "translate these in fr/LC_MESSAGES/messages.po"
    assert set(french) == texts, "run pybabel update (app/locale/README.md)"
    assert set(_catalogue("en")) == texts


def test_catalogues_compile_from_the_po_files() -> None:
    assert translations("fr").gettext("Sign out") == "Se déconnecter"
    assert translations("en").gettext("Sign out") == "Sign out"
    assert (
        translations("fr").ngettext(
            "%(num)d notice found.", "%(num)d notices found, best first.", 2
        )
        == "%(num)d avis trouvés, les meilleurs d'abord."
    )
