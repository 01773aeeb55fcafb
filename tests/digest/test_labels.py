"""A digest's words come from the application's catalogues, in the recipient's language."""

from __future__ import annotations

from dataclasses import fields

from app.digest.labels import Labels, labels_for


def _texts(labels: Labels) -> dict[str, str]:
    """Every word of a language, the dictionaries' entries by ``field.key``."""
    texts: dict[str, str] = {}
    for field in fields(Labels):
        value = getattr(labels, field.name)
        if isinstance(value, dict):
            texts |= {f"{field.name}.{key}": text for key, text in value.items()}
        elif field.name != "language":
            texts[field.name] = value
    return texts


def test_french_and_english_digests_say_every_word_in_their_language() -> None:
    french, english = _texts(labels_for("fr")), _texts(labels_for("en"))
    assert french.keys() == english.keys()
    assert all(french.values()) and all(english.values())
    # Only the words spelt alike in both languages may be equal.
    alike = {key for key in french if french[key] == english[key]}
    assert alike <= {"subject_other", "role.interested", "strength_line"}, alike
    assert french["subject_member"] == "Cotender : {count} nouvel(s) avis pour vous"
    assert english["subject_member"] == "Cotender: {count} new notice(s) for you"
    assert french["unsubscribe_button"] == "Me désabonner"


def test_a_language_without_a_catalogue_reads_french() -> None:
    assert labels_for("de") == labels_for("fr")
    assert labels_for("fr").language == "fr"
