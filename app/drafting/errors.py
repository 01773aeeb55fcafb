"""Errors raised by response drafting.

Hierarchy::

    InvalidInputError (models.errors)
    └── DraftError   the inputs of a draft contradict each other (API 422, naming the field)
"""

from __future__ import annotations

from models.errors import InvalidInputError


class DraftError(InvalidInputError):
    """Raised when a notice, group, members and proposal cannot make a draft, from build_draft.

    ``field`` names the offending input (``notice.deadline``,
    ``proposal.mandataire``, ``proposal.members[1].lots``…) so the API can point
    the user at it; the path names the drafting inputs, not the request body.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(
            f"{field}: {message}", [{"field": field, "message": message}], in_input=False
        )
        self.field = field
