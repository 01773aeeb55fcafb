"""The web app's routes and static files, mounted on the FastAPI app by ``app.main``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from starlette.staticfiles import StaticFiles

from app.web.errors import install_web_error_handlers
from app.web.pages import (
    admin,
    board,
    digest,
    drafts,
    home,
    notice,
    profile,
    search,
    set_aside,
    signin,
    teams,
)
from app.web.security import SecurityHeaders

STATIC_DIR = Path(__file__).parent / "static"

web_router = APIRouter(include_in_schema=False)
pages = (signin, home, set_aside, notice, board, teams, drafts, profile, digest, search, admin)
for page in pages:
    web_router.include_router(page.router)


def install_web(app: FastAPI) -> None:
    """Mount the pages, ``/static``, the security headers and the friendly error pages."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(web_router)
    app.add_middleware(SecurityHeaders)
    install_web_error_handlers(app)
