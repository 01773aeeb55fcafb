"""DOCX rendering, opened back with python-docx and inspected."""

from __future__ import annotations

from io import BytesIO

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table

from app.drafting.render_docx import render_docx
from models.draft import Draft


def open_docx(draft: Draft) -> DocxDocument:
    return docx.Document(BytesIO(render_docx(draft)))


def headings(document: DocxDocument) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith(("Heading", "Title"))
    ]


def cells(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_render_docx_has_real_headings(draft: Draft) -> None:
    found = headings(open_docx(draft))
    assert found[0] == ("Title", f"Brouillon de réponse — {draft.notice_title}")
    level_1 = [text for style, text in found if style == "Heading 1"]
    assert level_1 == [
        "Points d'attention",
        "Rétroplanning",
        "Équipe et forme juridique",
        "Pièces administratives",
        "Mémoire technique",
    ]
    level_2 = [text for style, text in found if style == "Heading 2"]
    assert level_2 == [
        "Lot 1 — Enquête auprès des habitants",
        "Lot 2 — Communication de la concertation",
        "Questions à l'acheteur",
        "Points encore ouverts",
    ]
    level_3 = [text for style, text in found if style == "Heading 3"]
    assert level_3[:5] == [
        "1. Compréhension du besoin",
        "2. Méthodologie",
        "3. Équipe",
        "4. Planning",
        "5. Références",
    ]
    assert len(level_3) == 10


def test_render_docx_tables(draft: Draft) -> None:
    document = open_docx(draft)
    planning, team, checklist, criteria_1, criteria_2 = document.tables
    rows = cells(planning)
    assert rows[0] == ["Échéance", "Étape", "Responsable", "Remarque"]
    assert len(rows) == 1 + len(draft.planning) + 1  # header, steps, deadline
    christmas = rows[2]
    assert christmas[0] == "jeudi 24/12/2026 (J-21)"
    assert "vendredi 25/12/2026 (jour férié : Noël)" in christmas[3]
    assert "Déjà passée" in rows[1][3]
    assert rows[-1][:2] == [
        "vendredi 15/01/2027 à 12:00 (heure de Paris)",
        "Date limite de remise des offres",
    ]
    assert cells(team)[1:] == [
        [
            "Inès Moreau",
            "Mandataire",
            "Lot 1",
            "50\u00a0%",
            "DC1, DC2, DUME, DC4 (Alexandre Martin)",
        ],
        ["Claire Dumont", "Cotraitant", "Lot 2", "40\u00a0%", "DC1, DC2, DUME"],
        [
            "Alexandre Martin",
            "Sous-traitant (partenaire)",
            "Lot 1",
            "10\u00a0%",
            "DC4 (Alexandre Martin)",
        ],
    ]
    documents = [row[0] for row in cells(checklist)[1:]]
    assert documents == [
        "DC1 — Lettre de candidature",
        "DC2 — Déclaration du candidat",
        "DC2 — Déclaration du candidat",
        "DUME — Document unique de marché européen",
        "DC4 — Déclaration de sous-traitance",
        "Mémoire technique",
        "Bordereau des prix / DPGF",
    ]
    assert cells(criteria_1) == [
        ["Rang", "Critère", "Pondération"],
        ["1", "Prix", "40\u00a0%"],
        ["2", "Valeur technique", "60\u00a0%"],
    ]
    assert cells(criteria_2)[1:] == [
        ["1", "Valeur technique", "70\u00a0%"],
        ["2", "Prix", "30\u00a0%"],
    ]
    header_properties = planning.rows[0]._tr.trPr
    assert header_properties is not None
    assert header_properties.find(qn("w:tblHeader")) is not None
    assert all(
        table.style is not None and table.style.name == "Table Grid" for table in document.tables
    )


def test_render_docx_body(draft: Draft) -> None:
    document = open_docx(draft)
    quotes = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Quote"
    ]
    assert quotes[0] == draft.outline[0].need
    assert quotes[1] == "Communication de la concertation"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "au plus tard le jeudi 31/12/2026" in text
    assert "Lot 2 : Impression des supports de la concertation (pistes : Hugo Lambert)" in text
    assert "Inès Moreau — Sociologue, enquêtes qualitatives" in text
    properties = document.core_properties
    assert properties.title == f"Brouillon de réponse — {draft.notice_title}"
    assert properties.language == "fr-FR"
    assert properties.created == draft.generated_at
