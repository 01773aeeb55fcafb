"""Every quarantine reason code is said in French and in English on the admin page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.web.reasons import quarantine_reason
from ingest.errors import ReasonCode
from ingest.operations import QuarantineView

PARAMS = {
    "notice": "boamp:26-1",
    "source": "BOAMP",
    "identifier": "26 1",
    "detail": "Expecting value",
    "root": "TED_EXPORT",
}


def _entry(code: str | None, reason: str = "the English reason") -> QuarantineView:
    return QuarantineView(
        id=1,
        run_id=None,
        source="file",
        record_ref="x.json:1",
        reason=reason,
        reason_code=code,
        reason_params=PARAMS,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_code_has_its_sentence_in_both_languages(code: ReasonCode) -> None:
    french = quarantine_reason(_entry(code), "fr")
    english = quarantine_reason(_entry(code), "en")
    assert french != "the English reason" and english != "the English reason"
    assert french != english
    assert "%(" not in french and "%(" not in english  # every parameter filled


def test_an_unknown_or_missing_code_shows_the_stored_text() -> None:
    assert quarantine_reason(_entry(None, "kept before codes"), "fr") == "kept before codes"
    assert quarantine_reason(_entry("a-future-code", "newer"), "fr") == "newer"


def test_the_french_sentence_names_the_notice() -> None:
    assert (
        quarantine_reason(_entry(ReasonCode.no_title), "fr")
        == "L'avis boamp:26-1 n'a pas de titre."
    )
