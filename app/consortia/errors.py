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
    """Raised when no consortium can be proposed for a request, from ``assemble``."""


class InvalidRequestError(AssemblyError, ValueError):
    """Raised when an assembly request is inconsistent, from ``AssemblyRequest`` and its parts."""


class NoFeasibleTeamError(AssemblyError):
    """Raised when no team satisfies the request's constraints, from ``assemble``."""
