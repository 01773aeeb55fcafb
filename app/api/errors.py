"""One JSON error shape for every 4xx (and the rare 5xx), pinned by a test.

``{"error": {"status": 422, "code": "validation_error", "message": "...",
"fields": [{"field": "body.role", "message": "..."}]}}`` — clients read the
``field`` to show which input is at fault.

The domain's refusals (``models.errors``) are mapped here, in one place:
``NotFoundError`` 404, ``ConflictError`` 409, ``InvalidInputError`` 422 (its
fields rooted at ``body`` when they name the request's input),
``ForbiddenError`` 403. Routes never catch them.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import (
    ConflictError,
    CotenderError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)

logger = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "rate_limited",
}


def error_body(
    status: int, message: str, fields: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The canonical error document."""
    return {
        "error": {
            "status": status,
            "code": _CODES.get(status, "error"),
            "message": message,
            "fields": fields or [],
        }
    }


def _field_errors(errors: list[Any]) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in error.get("loc", ())), "message": str(error.get("msg"))}
        for error in errors
    ]


async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else "request failed"
    fields = exc.detail.get("fields") if isinstance(exc.detail, dict) else None
    if isinstance(exc.detail, dict):
        detail = str(exc.detail.get("message", detail))
    return JSONResponse(
        error_body(exc.status_code, detail, fields),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    fields = _field_errors(list(exc.errors()))
    first = fields[0] if fields else {"field": "request", "message": "invalid"}
    message = f"{first['field']}: {first['message']}"
    return JSONResponse(error_body(422, message, fields), status_code=422)


_STATUSES: tuple[tuple[type[CotenderError], int], ...] = (
    (NotFoundError, 404),
    (ConflictError, 409),
    (InvalidInputError, 422),
    (ForbiddenError, 403),
)


def input_fields(error: InvalidInputError) -> list[dict[str, str]]:
    """The fields of a refused input as the API names them (``body.<path>``)."""
    root = "body" if error.in_input else ""
    return [
        {**problem, "field": ".".join(part for part in (root, problem["field"]) if part)}
        for problem in error.fields
    ]


async def _domain_error(request: Request, exc: CotenderError) -> JSONResponse:
    status = next((code for kind, code in _STATUSES if isinstance(exc, kind)), None)
    if status is None:  # a domain failure that is no refusal: a bug, logged
        return await _unexpected_error(request, exc)
    fields = input_fields(exc) if isinstance(exc, InvalidInputError) else None
    return JSONResponse(error_body(status, exc.message, fields), status_code=status)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unhandled error", extra={"path": request.url.path}, exc_info=exc)
    return JSONResponse(error_body(500, "internal error"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through the canonical shape."""
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(CotenderError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)
