"""The one error hierarchy of Cotender, raised by the domain and translated at the edges.

Hierarchy::

    CotenderError
    ├── NotFoundError        a notice, member, group, draft… is unknown      (API 404, CLI exit 1)
    ├── ConflictError        the request contradicts the stored state        (API 409, CLI exit 1)
    ├── InvalidInputError    input refused; ``fields`` name what is at fault (API 422, CLI exit 1,
    │                        or 2 when the field is one of the command's options)
    ├── ForbiddenError       the caller may not do this                      (API 403, CLI exit 1)
    ├── IngestError          ingestion failures (``ingest.errors``)
    └── AssemblyError        pure consortium assembly (``app.consortia.errors``), never shown
                             as such: the use case turns it into an answer or an InvalidInputError

``app/api/errors.py`` maps them to the one JSON error shape, ``app/cli/common.py``
to a message and an exit code, the web pages to a friendly page. Domain code
raises these, never ``HTTPException``.
"""

from __future__ import annotations

FieldProblem = dict[str, str]
"""One field at fault: ``{"field": "references.0.title", "message": "…"}``."""


class CotenderError(Exception):
    """Raised for any refusal or failure Cotender explains to a person, from the domain."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(CotenderError):
    """Raised when a requested notice, member, group, draft or token is unknown, from a service."""


class ConflictError(CotenderError):
    """Raised when a request contradicts what is stored (exists already, notice closed)."""


class ForbiddenError(CotenderError):
    """Raised when the caller may not do what they ask, from a use case that checks it."""


class InvalidInputError(CotenderError):
    """Raised when input is refused, from any service; ``fields`` name what is at fault."""

    def __init__(
        self, message: str, fields: list[FieldProblem] | None = None, *, in_input: bool = True
    ) -> None:
        """``in_input``: the field paths are inside the caller's input (the API roots them at
        ``body``); False when they name the objects a use case combined (``proposal.…``)."""
        super().__init__(message)
        self.fields = fields or []
        self.in_input = in_input
