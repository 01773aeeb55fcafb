"""Quarantine reasons said in the reader's language, from their code and parameters.

Ingestion keeps each reason as English text (logs, CLI, API) and as a code with
parameters (``ingest.errors.ReasonCode``); the admin page says the code's
sentence in its own language, the parser's technical detail quoted as it is.
Rows kept before the codes existed, or with a code this version does not know,
show their stored text.
"""

from __future__ import annotations

from collections import defaultdict

from app.core.i18n import translations
from ingest.errors import ReasonCode
from ingest.operations import QuarantineView


def quarantine_reason(entry: QuarantineView, language: str) -> str:
    """Why ``entry`` is quarantined, in ``language``."""
    if entry.reason_code not in set(ReasonCode):
        return entry.reason
    _ = translations(language).gettext
    sentences = {
        ReasonCode.invalid_json: _("The record is not valid JSON (%(detail)s)."),
        ReasonCode.not_an_object: _("The record is not a JSON object, as this source's are."),
        ReasonCode.no_identifier: _(
            "The %(source)s record has no identifier, so it cannot be told apart from any "
            "other notice."
        ),
        ReasonCode.bad_identifier: _("The identifier %(identifier)s contains spaces."),
        ReasonCode.no_title: _("Notice %(notice)s has no title."),
        ReasonCode.invalid_notice: _("Notice %(notice)s has an invalid field (%(detail)s)."),
        ReasonCode.invalid_lot: _("A lot of notice %(notice)s is invalid (%(detail)s)."),
        ReasonCode.bad_date: _("Notice %(notice)s has a date that cannot be read (%(detail)s)."),
        ReasonCode.malformed_xml: _("The XML is not well-formed (%(detail)s)."),
        ReasonCode.not_eforms: _("The file is not an eForms notice (root element %(root)s)."),
        ReasonCode.unexpected_shape: _(
            "The record has a shape this reader does not expect (%(detail)s)."
        ),
        ReasonCode.not_stored: _(
            "Notice %(notice)s could not be stored (%(detail)s); the raw record is kept for "
            "a retry."
        ),
    }
    sentence = sentences.get(ReasonCode(entry.reason_code))
    if sentence is None:
        return entry.reason
    return sentence % defaultdict(str, entry.reason_params)
