"""HTTP with bounded, polite retries for every source connector.

Retried: 429 and 5xx answers, timeouts and connection errors; ``Retry-After``
(seconds or an HTTP date) is honoured, capped by ``max_wait``; otherwise the
wait grows exponentially with full jitter. Anything else (a 400 for a bad
query, a 404) is permanent and raised at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from ingest.errors import SourceUnavailableError

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class RetryableStatusError(Exception):
    """Raised when a source answers 429 or 5xx, from :func:`send_with_retries`."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code} from {response.request.url}")
        self.response = response


def _is_retryable(error: BaseException) -> bool:
    return isinstance(error, RetryableStatusError | httpx.TimeoutException | httpx.TransportError)


def retry_after_seconds(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds, or None."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _wait_strategy(max_wait: float) -> Callable[[RetryCallState], float]:
    backoff = wait_random_exponential(multiplier=0.5, max=max_wait)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableStatusError):
            asked = retry_after_seconds(error.response)
            if asked is not None:
                return min(asked, max_wait)
        return float(backoff(state))

    return wait


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    logger.warning(
        "retrying request",
        extra={"attempt": state.attempt_number, "error": str(error)},
    )


def send_with_retries(
    client: httpx.Client,
    request: httpx.Request,
    *,
    max_attempts: int = 5,
    max_wait: float = 60.0,
    sleep: Callable[[float], None] | None = None,
) -> httpx.Response:
    """Send ``request``, retrying transient failures; raise SourceUnavailableError at the end."""
    options: dict[str, Any] = {}
    if sleep is not None:
        options["sleep"] = sleep
    retrying = Retrying(
        retry=retry_if_exception(_is_retryable),
        stop=stop_after_attempt(max_attempts),
        wait=_wait_strategy(max_wait),
        before_sleep=_log_retry,
        reraise=True,
        **options,
    )
    try:
        for attempt in retrying:
            with attempt:
                response = client.send(request)
                if response.status_code in RETRYABLE_STATUS:
                    raise RetryableStatusError(response)
                response.raise_for_status()
                return response
    except RetryableStatusError as error:
        raise SourceUnavailableError(str(error)) from error
    except (httpx.TimeoutException, httpx.TransportError) as error:
        raise SourceUnavailableError(f"{type(error).__name__}: {request.url}") from error
    raise AssertionError("unreachable: tenacity either returns or raises")


def build_client(
    *, user_agent: str, timeout: float, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """An httpx client with the identifying User-Agent and timeouts every source uses."""
    return httpx.Client(
        headers={"User-Agent": user_agent, "Accept": "application/json"},
        timeout=httpx.Timeout(timeout),
        transport=transport,
        follow_redirects=True,
    )
