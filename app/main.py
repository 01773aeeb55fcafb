"""The FastAPI application: assembles the context, error handlers and routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.errors import install_error_handlers
from app.api.main import api_router
from app.core.config import Settings, get_settings
from app.web.router import install_web
from app.wiring.background import BackgroundIndexer, optimize_before_serving
from app.wiring.context import AppContext


def create_app(settings: Settings | None = None, context: AppContext | None = None) -> FastAPI:
    """Build the app; the context (database…) opens in the lifespan unless given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = context is None
        app.state.context = context or AppContext.open(settings or get_settings())
        optimize_before_serving(app.state.context)
        indexing = BackgroundIndexer(
            app.state.context, app.state.context.settings.index_sync_seconds
        )
        indexing.start()
        try:
            yield
        finally:
            indexing.stop()
            if owned:
                app.state.context.close()

    app = FastAPI(
        title="Cotender",
        version="0.1.0",
        summary="Public tenders matched to a cooperative's members, answered together.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(api_router)
    install_web(app)
    return app
