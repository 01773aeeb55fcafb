"""One folding for every comparison: accents, ligatures, apostrophes and case never matter."""

from __future__ import annotations

import pytest

from ingest.dedupe import buyer_key, same_notice
from models.vocabulary.text import fold, fold_words


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("maîtrise d'œuvre", "maitrise d oeuvre"),
        ("MAITRISE D OEUVRE", "maitrise d oeuvre"),
        ("Maîtrise d’Œuvre", "maitrise d oeuvre"),
        ("Société Publique Locale", "societe publique locale"),
        ("ÆSTHÉTIQUE Straße", "aesthetique strasse"),
        ("Ville\u00a0de\u202fParis", "ville de paris"),
    ],
)
def test_fold_accents_ligatures_apostrophes_case(written: str, folded: str) -> None:
    assert fold(written) == folded


def test_fold_words_are_the_folded_words() -> None:
    assert fold_words("Cœur de ville – lot n°3") == ["coeur", "de", "ville", "lot", "n", "3"]


def test_twins_found_whatever_the_ligature() -> None:
    assert buyer_key("Maîtrise d'œuvre urbaine") == buyer_key("MAITRISE D OEUVRE URBAINE")
    assert same_notice(
        buyer_a="Commune de Cœuvres",
        title_a="Maîtrise d'œuvre pour la rénovation de l'école",
        buyer_b="COMMUNE DE COEUVRES",
        title_b="MAITRISE D OEUVRE RENOVATION ECOLE",
    )
