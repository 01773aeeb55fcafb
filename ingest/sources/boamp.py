"""BOAMP, the French official bulletin of public procurement notices (DILA).

Source
    The ``boamp`` dataset of DILA's Opendatasoft portal, Explore API v2.1:
    ``{base_url}/api/explore/v2.1/catalog/datasets/boamp/records``. One flat
    record per notice, with ``gestion`` and ``donnees`` as JSON strings, parsed
    by :func:`ingest.parse.boamp.parse_boamp_record`. Every kind of notice is
    served (calls, corrigenda, cancellations, awards); the parser tells them apart.

Arguments
    since, until
        Publication dates (``dateparution``), both included. Records come newest
        first (``order_by=dateparution desc``; the API's default is oldest first).

Caveats
    Pages hold at most 100 records and ``offset + limit`` may not pass 10,000.
    A window with more records is split in two halves, recursively, down to one
    day; a single day above 10,000 records is read up to that limit, with a
    warning (use the ``/exports`` endpoint for such a backfill). Rate limits are
    daily per portal and answered with 429: every request goes through
    :func:`ingest.http.send_with_retries`, which honours ``Retry-After``.

Upstream docs
    https://boamp-datadila.opendatasoft.com/explore/dataset/boamp/information/
    https://help.opendatasoft.com/apis/ods-explore-v2/
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import httpx

from ingest.errors import SourceUnavailableError
from ingest.http import send_with_retries

logger = logging.getLogger(__name__)

RECORDS_PATH = "/api/explore/v2.1/catalog/datasets/boamp/records"
MAX_PAGE_SIZE = 100
MAX_OFFSET_WINDOW = 10_000  # offset + limit may not pass this
ORDER_BY = "dateparution desc"


def where_clause(since: date, until: date) -> str:
    """The ODSQL filter for a publication window, both days included."""
    return (
        f"dateparution >= date'{since.isoformat()}' AND dateparution <= date'{until.isoformat()}'"
    )


class BoampSource:
    """Fetch raw BOAMP records published in a date window, newest first."""

    name = "boamp"

    def __init__(
        self,
        client: httpx.Client,
        base_url: str,
        *,
        max_attempts: int,
        max_wait: float,
        page_size: int = MAX_PAGE_SIZE,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")
        self.client = client
        self.url = base_url.rstrip("/") + RECORDS_PATH
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.page_size = page_size
        self.sleep = sleep

    def fetch(self, since: date, until: date) -> Iterator[dict[str, Any]]:
        """Yield every record published from ``since`` to ``until``, newest first."""
        if since > until:
            raise ValueError(f"since ({since}) is after until ({until})")
        yield from self._fetch_window(since, until)

    def count(self, since: date, until: date) -> int:
        """How many records were published in the window, in one small request."""
        return int(self._get(since, until, offset=0, limit=1, select="idweb")["total_count"])

    def _fetch_window(self, since: date, until: date) -> Iterator[dict[str, Any]]:
        if since < until:
            total = self.count(since, until)
            if total == 0:
                return
            if total > MAX_OFFSET_WINDOW:
                middle = since + (until - since) // 2
                logger.info(
                    "splitting a BOAMP window over the paging limit",
                    extra={"since": str(since), "until": str(until), "total": total},
                )
                yield from self._fetch_window(middle + timedelta(days=1), until)
                yield from self._fetch_window(since, middle)
                return
        yield from self._pages(since, until)

    def _pages(self, since: date, until: date) -> Iterator[dict[str, Any]]:
        """Page through one window; records seen twice (a page shifted by a new
        publication) are yielded once."""
        seen: set[str] = set()
        offset = 0
        while True:
            limit = min(self.page_size, MAX_OFFSET_WINDOW - offset)
            page = self._get(since, until, offset=offset, limit=limit)
            total = int(page["total_count"])
            if offset == 0 and total > MAX_OFFSET_WINDOW:
                logger.warning(
                    "BOAMP day above the paging limit: only the first %d of %d records are read",
                    MAX_OFFSET_WINDOW,
                    total,
                    extra={"since": str(since), "until": str(until)},
                )
            results: list[dict[str, Any]] = page["results"]
            for record in results:
                key = str(record.get("idweb") or "")
                if key and key in seen:
                    continue
                seen.add(key)
                yield record
            offset += len(results)
            if not results or offset >= min(total, MAX_OFFSET_WINDOW):
                return

    def _get(
        self, since: date, until: date, *, offset: int, limit: int, select: str | None = None
    ) -> dict[str, Any]:
        params: dict[str, str | int] = {"where": where_clause(since, until)}
        if select:
            params["select"] = select
        else:
            params["order_by"] = ORDER_BY
        params |= {"limit": limit, "offset": offset}
        request = self.client.build_request("GET", self.url, params=params)
        response = send_with_retries(
            self.client,
            request,
            max_attempts=self.max_attempts,
            max_wait=self.max_wait,
            sleep=self.sleep,
        )
        try:
            payload = response.json()
        except ValueError as error:
            raise SourceUnavailableError(f"BOAMP answered non-JSON from {request.url}") from error
        if not (
            isinstance(payload, dict)
            and isinstance(payload.get("results"), list)
            and isinstance(payload.get("total_count"), int)
        ):
            raise SourceUnavailableError(f"BOAMP answered an unexpected shape from {request.url}")
        return payload
