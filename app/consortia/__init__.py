"""Consortia: assemble teams (groupements) of members to answer a notice together.

Public surface: ``assemble(request) -> list[Consortium]`` on an ``AssemblyRequest`` of
``Requirement`` and ``Candidate`` items, ``evaluate_go_rule`` and the errors. The
modelling choices are documented in ``inputs`` (coverage), ``model`` (the CP-SAT
model and diversity rule), ``roles`` (mandataire, legal form) and ``decode``
(shares, gaps, score).
"""

from app.consortia.assembly import assemble
from app.consortia.errors import AssemblyError, InvalidRequestError, NoFeasibleTeamError
from app.consortia.go_rule import evaluate_go_rule
from app.consortia.inputs import AssemblyRequest, Candidate, Requirement

__all__ = [
    "AssemblyError",
    "AssemblyRequest",
    "Candidate",
    "InvalidRequestError",
    "NoFeasibleTeamError",
    "Requirement",
    "assemble",
    "evaluate_go_rule",
]
