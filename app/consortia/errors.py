"""Errors of consortium assembly.

Hierarchy::

    AssemblyError
    ├── InvalidRequestError   (also a ValueError: the request itself is inconsistent)
    └── NoFeasibleTeamError   (the request is valid but no team satisfies its constraints)

The API translates them at the route boundary (422 for an invalid request, 409 or
200-with-reasons for no feasible team: the route's choice, not ours).
"""

from __future__ import annotations


class AssemblyError(Exception):
    """Raised when no consortium can be proposed for a request, from ``assemble``.

    The message is the English reason (the API's words); ``code`` and ``params``
    say it as data, so a page can say it in its reader's language
    (``app.consortia.explain.no_team_text``). ``code`` is None for reasons
    without a translation (an inconsistent request, said to developers).
    """

    def __init__(self, message: str, *, code: str | None = None, **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class InvalidRequestError(AssemblyError, ValueError):
    """Raised when an assembly request is inconsistent, from ``AssemblyRequest`` and its parts."""


class NoFeasibleTeamError(AssemblyError):
    """Raised when no team satisfies the request's constraints, from ``assemble``."""
