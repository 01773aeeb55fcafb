"""Errors raised by ingestion (a branch of ``models.errors.CotenderError``).

Hierarchy::

    IngestError
    ├── MalformedRecordError   a record cannot be read; it is quarantined, the run goes on
    │   └── NotProcurementError  a well-formed record that is no procurement notice: skipped
    ├── UnknownFormatError     a file's format cannot be recognised
    └── SourceUnavailableError a source stayed unreachable after retries
"""

from __future__ import annotations

from models.errors import CotenderError


class IngestError(CotenderError):
    """Raised for any ingestion failure, from ingest/."""


class MalformedRecordError(IngestError):
    """Raised when one record cannot be parsed or normalised, from a parser."""


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
