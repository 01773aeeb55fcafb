"""Errors raised by ingestion (a branch of ``models.errors.CotenderError``).

Hierarchy::

    IngestError
    ├── MalformedRecordError   a record cannot be read; it is quarantined, the run goes on
    │   └── NotProcurementError  a well-formed record that is no procurement notice: skipped
    ├── UnknownFormatError     a file's format cannot be recognised
    └── SourceUnavailableError a source stayed unreachable after retries
"""

from __future__ import annotations

from enum import StrEnum

from models.errors import CotenderError


class ReasonCode(StrEnum):
    """Why a record is quarantined, as a stable code a person's language can say.

    The error's message stays the English text for logs, the CLI and the API; the
    code and its parameters (``MalformedRecordError.params``: ``notice``, ``source``,
    ``detail``…) let the web page say the reason in the reader's language. The
    ``detail`` parameter is the parser's own technical words, quoted as they are.
    """

    invalid_json = "invalid_json"
    not_an_object = "not_an_object"
    no_identifier = "no_identifier"
    bad_identifier = "bad_identifier"
    no_title = "no_title"
    invalid_notice = "invalid_notice"
    invalid_lot = "invalid_lot"
    bad_date = "bad_date"
    malformed_xml = "malformed_xml"
    not_eforms = "not_eforms"
    unexpected_shape = "unexpected_shape"
    not_stored = "not_stored"


class IngestError(CotenderError):
    """Raised for any ingestion failure, from ingest/."""


class MalformedRecordError(IngestError):
    """Raised when one record cannot be parsed or normalised, from a parser.

    ``code`` and ``params`` say the reason as data (see :class:`ReasonCode`);
    the message is its English text.
    """

    def __init__(
        self, message: str, *, code: ReasonCode = ReasonCode.unexpected_shape, **params: str
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class NotProcurementError(MalformedRecordError):
    """Raised for a record of a kind Cotender does not serve (an EEIG registration), from a parser.

    ``kind`` names it for the summary; the record is skipped, not quarantined.
    """

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class UnknownFormatError(IngestError):
    """Raised when a file matches no known payload format, from ingest.files."""


class SourceUnavailableError(IngestError):
    """Raised when a source keeps failing after bounded retries, from a connector."""
