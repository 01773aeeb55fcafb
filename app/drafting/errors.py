"""Errors raised by response drafting.

Hierarchy::

    DraftError   the inputs of a draft contradict each other (the API answers 422)
"""

from __future__ import annotations


class DraftError(ValueError):
    """Raised when a notice, group, members and proposal cannot make a draft, from build_draft.

    ``field`` names the offending input (``notice.deadline``,
    ``proposal.mandataire``, ``proposal.members[1].lots``…) so the API can point
    the user at it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
