"""TED: the EU's Tenders Electronic Daily, above-threshold notices of every member state.

Source
    The Publications Office's Search API v3 (``POST /v3/notices/search``, no key),
    in ``ITERATION`` mode so that a harvest has no depth cap. Each result item
    comes with its eForms XML, downloaded from ``links.xml.MUL``; the XML has the
    per-lot facts the flat item cannot give (``shared/DATA-FORMATS.md``, "TED").
    Only the latest version of each notice is asked for (``onlyLatestVersions``).

Arguments
    ``scope_query``
        An expert query that narrows the harvest, e.g.
        ``buyer-country IN (FRA) AND notice-type IN (cn-standard cn-social)``.
        The publication-date window is appended (``YYYYMMDD``, both ends included).
    ``page_size``
        Notices per page, at most 250 upstream.
    ``max_attempts``, ``max_wait``, ``sleep``
        Retry policy of :func:`ingest.http.send_with_retries`, for every request.

Paging stops when there is no next token, when ``totalNoticeCount`` notices have
been received, or on an empty page: the token may stay non-null on the last page.

Upstream docs
    https://docs.ted.europa.eu/api/latest/search.html (the API) and
    https://docs.ted.europa.eu/reuse/search-api.html (request body, the two
    paging modes, at most 250 notices per page).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

import httpx

from ingest.errors import SourceUnavailableError
from ingest.http import send_with_retries

logger = logging.getLogger(__name__)

SEARCH_PATH = "/v3/notices/search"
# Fields every parser reads; the API answers 400 to an unknown field name.
SEARCH_FIELDS = (
    "publication-number",
    "notice-identifier",
    "notice-version",
    "notice-type",
    "notice-title",
    "buyer-name",
    "buyer-country",
    "description-proc",
    "classification-cpv",
    "place-of-performance",
    "deadline-receipt-tender-date-lot",
    "deadline-receipt-tender-time-lot",
    "publication-date",
    "links",
)
_OR = re.compile(r"\bOR\b", re.IGNORECASE)


class TedSource:
    """Fetches TED notices published in a date window, each with its eForms XML."""

    name = "ted"

    def __init__(
        self,
        client: httpx.Client,
        base_url: str,
        *,
        scope_query: str,
        max_attempts: int,
        max_wait: float,
        page_size: int = 100,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._client = client
        self._search_url = base_url.rstrip("/") + SEARCH_PATH
        self._scope_query = scope_query.strip()
        self._max_attempts = max_attempts
        self._max_wait = max_wait
        self._page_size = page_size
        self._sleep = sleep

    def query(self, since: date, until: date) -> str:
        """The expert query for notices published from ``since`` to ``until`` inclusive."""
        window = f"publication-date>={since:%Y%m%d} AND publication-date<={until:%Y%m%d}"
        if not self._scope_query:
            return window
        scope = f"({self._scope_query})" if _OR.search(self._scope_query) else self._scope_query
        return f"{scope} AND {window}"

    def fetch(self, since: date, until: date) -> Iterator[tuple[dict[str, Any], bytes | None]]:
        """Each search item with its eForms XML (None when it has none or it can't be had)."""
        for item in self._search(since, until):
            yield item, self._download_xml(item)

    def _search(self, since: date, until: date) -> Iterator[dict[str, Any]]:
        body: dict[str, Any] = {
            "query": self.query(since, until),
            "fields": list(SEARCH_FIELDS),
            "limit": self._page_size,
            "paginationMode": "ITERATION",
            "onlyLatestVersions": True,
            "scope": "ALL",
        }
        received = 0
        while True:
            page = self._post(body)
            notices = [n for n in page.get("notices") or [] if isinstance(n, dict)]
            received += len(notices)
            yield from notices
            total = page.get("totalNoticeCount")
            token = page.get("iterationNextToken")
            if not notices or not token or (isinstance(total, int) and received >= total):
                return
            if token == body.get("iterationNextToken"):
                logger.warning("TED repeated its iteration token; stopping", extra={"token": token})
                return
            body["iterationNextToken"] = token

    def _post(self, body: Mapping[str, Any]) -> dict[str, Any]:
        request = self._client.build_request("POST", self._search_url, json=body)
        try:
            response = self._send(request)
        except httpx.HTTPStatusError as error:
            # A 4xx is permanent (a bad query or field name); TED explains why in the body.
            detail = error.response.text[:500]
            raise SourceUnavailableError(
                f"TED search refused the request: HTTP {error.response.status_code}: {detail}"
            ) from error
        try:
            page = response.json()
        except ValueError as error:
            raise SourceUnavailableError(f"TED search answered non-JSON: {error}") from error
        if not isinstance(page, dict) or not isinstance(page.get("notices", []), list):
            raise SourceUnavailableError("TED search answered an unexpected JSON shape")
        if page.get("timedOut"):
            # A timed-out search may be partial; failing keeps the watermark where it was.
            raise SourceUnavailableError("TED search timed out; results would be partial")
        return page

    def _download_xml(self, item: Mapping[str, Any]) -> bytes | None:
        links = item.get("links")
        xml_links = links.get("xml") if isinstance(links, Mapping) else None
        url = xml_links.get("MUL") if isinstance(xml_links, Mapping) else None
        number = item.get("publication-number")
        if not isinstance(url, str) or not url:
            logger.info("TED notice has no XML link", extra={"publication_number": number})
            return None
        request = self._client.build_request("GET", url, headers={"Accept": "application/xml"})
        try:
            return self._send(request).content
        except (SourceUnavailableError, httpx.HTTPStatusError) as error:
            logger.warning(
                "TED notice XML unavailable",
                extra={"publication_number": number, "url": url, "error": str(error)},
            )
            return None

    def _send(self, request: httpx.Request) -> httpx.Response:
        return send_with_retries(
            self._client,
            request,
            max_attempts=self._max_attempts,
            max_wait=self._max_wait,
            sleep=self._sleep,
        )
