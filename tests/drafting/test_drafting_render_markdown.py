"""Markdown rendering: headings, tables, quoted need, criteria, questions and gaps."""

from __future__ import annotations

from app.drafting.render_markdown import render_markdown
from models.draft import Draft


def test_render_markdown_sections_in_order(draft: Draft) -> None:
    text = render_markdown(draft)
    lines = text.splitlines()
    assert lines[0] == f"# Brouillon de réponse — {draft.notice_title}"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## Points d'attention",
        "## Rétroplanning",
        "## Équipe et forme juridique",
        "## Pièces administratives",
        "## Mémoire technique",
    ]
    assert [line for line in lines if line.startswith("### ")] == [
        "### Lot 1 — Enquête auprès des habitants",
        "### Lot 2 — Communication de la concertation",
        "### Questions à l'acheteur",
        "### Points encore ouverts",
    ]
    assert lines.count("#### 3. Équipe") == 2


def test_render_markdown_content(draft: Draft) -> None:
    text = render_markdown(draft)
    assert "- **Date limite de remise des offres** : vendredi 15/01/2027 à 12:00" in text
    assert "- **Forme juridique** : Groupement solidaire" in text
    assert (
        "| jeudi 24/12/2026 (J-21) | Chaque membre déclare son intention "
        "(pilote, contributeur, intéressé, décline) | Toute l'équipe : Inès Moreau, "
        "Claire Dumont et Alexandre Martin | Avancée : vendredi 25/12/2026 "
        "(jour férié : Noël) |"
    ) in text
    assert "| lundi 21/12/2026 (J-25) |" in text and "| Déjà passée |" in text
    assert (
        "| Inès Moreau | Mandataire | Lot 1 | 50\u00a0% | DC1, DC2, DUME, DC4 (Alexandre Martin) |"
        in (text)
    )
    assert "| DC4 — Déclaration de sous-traitance | Alexandre Martin | Inès Moreau |" in text
    assert "> Réalisation d'une enquête qualitative et quantitative" in text
    assert "| 1 | Prix | 40\u00a0% |\n| 2 | Valeur technique | 60\u00a0% |" in text
    assert "- **Claire Dumont** — Campagne de sensibilisation au tri des déchets" in text
    assert "au plus tard le jeudi 31/12/2026 (étape « Questions à l'acheteur »" in text
    assert "- Lot 2 : Impression des supports de la concertation (pistes : Hugo Lambert)" in text
    assert any(note.startswith("Groupement solidaire") for note in draft.legal_form_notes)
    assert f"- {draft.legal_form_notes[0]}" in text


def test_render_markdown_escapes_markup(draft: Draft) -> None:
    tricky = draft.model_copy(
        update={"notice_title": "Lot *A* | [lien]", "warnings": ["a_b <script>"]}
    )
    text = render_markdown(tricky)
    assert text.splitlines()[0] == "# Brouillon de réponse — Lot \\*A\\* | \\[lien\\]"
    assert "- a\\_b \\<script\\>" in text
    assert text.endswith("\n")
