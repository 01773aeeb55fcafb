"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import func, select

from app.api.deps import SessionDep
from models.schema import NoticeRow

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Service status and how many notices it serves."""

    status: str
    notices: int


@router.get("/health", response_model=Health)
def read_health(session: SessionDep) -> Health:
    """Report that the service and its database answer."""
    count = session.scalar(select(func.count()).select_from(NoticeRow)) or 0
    return Health(status="ok", notices=count)
