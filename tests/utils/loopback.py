"""A real HTTP server on 127.0.0.1 that plays BOAMP and TED from recorded payloads.

Used by the end-to-end ingestion tests: the CLI talks to it through the
``COTENDER_BOAMP_BASE_URL`` / ``COTENDER_TED_BASE_URL`` settings exactly as it
would talk to the live sources.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

BOAMP_PATH = "/api/explore/v2.1/catalog/datasets/boamp/records"
TED_PATH = "/v3/notices/search"
_DATES = re.compile(r"date'(\d{4}-\d{2}-\d{2})'")


@dataclass
class FakeSources:
    """Recorded records to serve, and faults to inject."""

    boamp_records: list[dict[str, Any]] = field(default_factory=list)
    ted_items: list[dict[str, Any]] = field(default_factory=list)
    xml_files: dict[str, bytes] = field(default_factory=dict)
    fail_boamp_day: str | None = None  # answer 503 for windows that include this day
    requests: list[str] = field(default_factory=list)
    base_url: str = ""

    def boamp_page(self, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        since, until = _DATES.findall(query["where"][0])
        if self.fail_boamp_day and since <= self.fail_boamp_day <= until:
            return 503, {"error": "unavailable"}
        window = [r for r in self.boamp_records if since <= r["dateparution"] <= until]
        window.sort(key=lambda r: r["dateparution"], reverse=True)
        offset, limit = int(query.get("offset", ["0"])[0]), int(query.get("limit", ["10"])[0])
        return 200, {"total_count": len(window), "results": window[offset : offset + limit]}

    def ted_page(self, body: dict[str, Any]) -> dict[str, Any]:
        dates = re.findall(r"publication-date[<>]=(\d{8})", body["query"])
        since, until = min(dates), max(dates)
        items = [
            item
            for item in self.ted_items
            if since <= item["publication-date"][:10].replace("-", "") <= until
        ]
        return {"notices": items, "totalNoticeCount": len(items), "iterationNextToken": None}


def _handler(sources: FakeSources) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Keep test output quiet."""

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            sources.requests.append(self.path)
            if url.path == BOAMP_PATH:
                status, payload = sources.boamp_page(parse_qs(url.query))
                self._send(status, json.dumps(payload).encode(), "application/json")
            elif url.path.startswith("/xml/") and url.path[5:] in sources.xml_files:
                self._send(200, sources.xml_files[url.path[5:]], "application/xml")
            else:
                self._send(404, b"{}", "application/json")

        def do_POST(self) -> None:
            sources.requests.append(self.path)
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if urlparse(self.path).path == TED_PATH:
                self._send(200, json.dumps(sources.ted_page(body)).encode(), "application/json")
            else:
                self._send(404, b"{}", "application/json")

    return Handler


@contextmanager
def serve(sources: FakeSources) -> Iterator[FakeSources]:
    """Run the fake sources on a free loopback port for the duration of a test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(sources))
    sources.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sources
    finally:
        server.shutdown()
        server.server_close()


def cli_env(sources: FakeSources, database_url: str, data_dir: str) -> dict[str, str]:
    """Environment for ``cotender`` pointing at the fake sources, with short retry waits."""
    return {
        "COTENDER_DATA_DIR": data_dir,
        "COTENDER_DATABASE_URL": database_url,
        "COTENDER_BOAMP_BASE_URL": sources.base_url,
        "COTENDER_TED_BASE_URL": sources.base_url,
        "COTENDER_HTTP_MAX_ATTEMPTS": "2",
        "COTENDER_HTTP_MAX_WAIT_SECONDS": "0.01",
        "COTENDER_EMBEDDER": "hashing",
    }
