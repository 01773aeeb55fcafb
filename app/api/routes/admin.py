"""Operators' views: ingestion runs and quarantined records (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import AdminPrincipal, ContextDep
from ingest.operations import QuarantineView, RunView, quarantined, recent_runs

router = APIRouter(prefix="/api/admin", tags=["admin"])


@router.get("/runs", response_model=list[RunView])
def read_runs(
    context: ContextDep,
    _admin: AdminPrincipal,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> list[RunView]:
    """Retrieve the last ingestion runs, newest first, with counts, errors and watermark."""
    return recent_runs(context.sessions, limit=limit)


@router.get("/quarantine", response_model=list[QuarantineView])
def read_quarantine(
    context: ContextDep,
    _admin: AdminPrincipal,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[QuarantineView]:
    """Retrieve quarantined records with the reason each could not be ingested."""
    return quarantined(context.sessions, limit=limit, offset=offset)
