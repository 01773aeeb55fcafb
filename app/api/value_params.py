"""The ``min_value``/``max_value`` query parameters of notice lists and member matches."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.exceptions import RequestValidationError

from app.matching.filters import ValueRange

MinValue = Annotated[
    float | None, Query(ge=0, le=1e13, description="Lowest estimated value (as published)")
]
MaxValue = Annotated[
    float | None, Query(ge=0, le=1e13, description="Highest estimated value (as published)")
]


def check_value_range(minimum: float | None, maximum: float | None) -> ValueRange | None:
    """The requested range; a 422 naming ``max_value`` when it is below ``min_value``."""
    if minimum is not None and maximum is not None and maximum < minimum:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", "max_value"),
                    "msg": f"must be at least min_value ({minimum:g})",
                    "type": "value_error",
                }
            ]
        )
    if minimum is None and maximum is None:
        return None
    return ValueRange(minimum=minimum, maximum=maximum)
