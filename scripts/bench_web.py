"""Benchmark: server-side latency of the web pages and the weight of the home page.

    python scripts/bench_web.py [--requests N] [--size N] [--skip-100k] [--keep DIR]

1. The 2,555 devset notices and the 12 sample members are ingested and indexed with the
   real ``use`` embedder (as ``scripts/bench_matching.py`` part 1), then the app runs
   in-process (ASGI through Starlette's TestClient: no network, no browser), so the
   figures are the server's own time to answer. Every sample member signs in by link;
   one warm-up visit each (the first builds the catalog, each builds its member's
   context), then ``--requests`` GET ``/`` (« Pour moi »: matches, reasons, intentions)
   and as many GET ``/notices/{id}`` (each member's best notice; for the group's lead
   it also ranks the group's members per lot) round-robin over the members:
   p50/p95/max in ms. Target p95 ≤ 150 ms. Then every member sets their second notice
   aside (« pas pour moi », through the page's form) and declares an interest in their
   third, and the home is timed again: feedback re-ranks three times the candidates.
2. The home page's weight: its HTML (the largest over the members) plus the CSS and
   JavaScript it loads (``/static/app.css``, the vendored htmx), as served, raw and
   gzipped. Target ≤ 100 KB raw.
3. The same latencies at ``--size`` notices (default 100,000), built as in
   ``scripts/bench_matching.py`` part 3 (devset texts recombined, vectors reused).

Other processes share the cores: the 1-minute load average is printed with each run.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_matching import (  # noqa: E402
    LookupEmbedder,
    RecordingEmbedder,
    build_large,
    ingest_devset,
    machine,
)
from fastapi.testclient import TestClient  # noqa: E402

from app.auth.tokens import create_token  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.core.db import transaction  # noqa: E402
from app.main import create_app  # noqa: E402
from app.members.service import list_all_members  # noqa: E402
from app.search.embedder import load_embedder  # noqa: E402
from app.web.deps import SESSION_COOKIE  # noqa: E402
from app.wiring.context import AppContext  # noqa: E402

TARGET_P95_MS = 150.0
TARGET_HOME_KB = 100.0
FIRST_NOTICE = re.compile(r'<h2 id="n-1"><a href="(/notices/[^"]+)">')
NOTICE_LINK = re.compile(r'<h2 id="n-\d+"><a href="(/notices/[^"]+)">')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ASSETS = ("/static/app.css", "/static/vendor/htmx.min.js")


@dataclass
class PageTimes:
    """Milliseconds per request of one page."""

    name: str
    times: list[float]

    def line(self) -> str:
        ordered = sorted(self.times)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        return (
            f"  {self.name}: {len(ordered)} requests, p50 {statistics.median(ordered):.1f} ms, "
            f"p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms "
            f"({'within' if p95 <= TARGET_P95_MS else 'OVER'} the {TARGET_P95_MS:.0f} ms target)"
        )


def sessions_by_member(client: TestClient, context: AppContext) -> dict[str, str]:
    """A signed-in session cookie for every member (opened by their sign-in link)."""
    secret = context.settings.secret_key.get_secret_value()
    cookies = {}
    with transaction(context.sessions) as session:
        members = [row.id for row in list_all_members(session=session)]
        tokens = {
            m: create_token(session=session, secret_key=secret, now=datetime.now(UTC), member_id=m)
            for m in members
        }
    for member_id, issued in tokens.items():
        client.cookies.clear()
        response = client.get(f"/signin/{issued.token}", follow_redirects=False)
        assert response.status_code == 303, response.text
        cookies[member_id] = response.cookies[SESSION_COOKIE]
    return cookies


def timed(client: TestClient, cookie: str, path: str) -> tuple[float, str]:
    client.cookies.set(SESSION_COOKIE, cookie)
    start = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, response.text


def give_feedback(client: TestClient, cookie: str, page: str) -> None:
    """Set the page's second notice aside and declare an interest in its third."""
    client.cookies.set(SESSION_COOKIE, cookie)
    found = CSRF.search(page)
    links = NOTICE_LINK.findall(page)
    assert found and len(links) >= 3, "the home lists fewer than three notices"
    token = found.group(1)
    for path, fields in (
        (f"{links[1]}/not-for-me", {}),
        (f"{links[2]}/intention", {"role": "interested"}),
    ):
        answer = client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)
        assert answer.status_code == 303, (path, answer.status_code)


def timed_homes(
    client: TestClient, cookies: dict[str, str], members: list[str], name: str, requests: int
) -> PageTimes:
    """``requests`` GET / round-robin over ``members``."""
    home = PageTimes(name, [])
    for n in range(requests):
        home.times.append(timed(client, cookies[members[n % len(members)]], "/")[0])
    return home


def measure(folder: Path, requests: int, weigh: bool) -> None:
    context = AppContext.open(Settings(data_dir=folder))
    try:
        with TestClient(create_app(context.settings, context=context)) as client:
            cookies = sessions_by_member(client, context)
            start = time.perf_counter()
            notices, largest = {}, ""
            for member_id, cookie in cookies.items():
                _, page = timed(client, cookie, "/")
                found = FIRST_NOTICE.search(page)
                if found:
                    notices[member_id] = found.group(1)
                largest = max(largest, page, key=len)
            for member_id, path in notices.items():
                timed(client, cookies[member_id], path)
            warm = time.perf_counter() - start
            print(f"  warm-up (catalog, every member's context): {warm:.1f} s")
            home, notice = PageTimes("GET / (Pour moi)", []), PageTimes("GET /notices/{id}", [])
            members = list(notices)
            for n in range(requests):
                member_id = members[n % len(members)]
                home.times.append(timed(client, cookies[member_id], "/")[0])
                notice.times.append(timed(client, cookies[member_id], notices[member_id])[0])
            print(home.line())
            print(notice.line())
            print(f"  load average (1 min): {os.getloadavg()[0]:.2f}")
            for member_id in members:
                page = timed(client, cookies[member_id], "/")[1]
                give_feedback(client, cookies[member_id], page)
                largest = max(largest, timed(client, cookies[member_id], "/")[1], key=len)
            name = "GET / after feedback (one set aside, one interest)"
            print(timed_homes(client, cookies, members, name, requests).line())
            print(f"  load average (1 min): {os.getloadavg()[0]:.2f}")
            if weigh:
                weights = {"home HTML": largest.encode()}
                weights.update({path: client.get(path).content for path in ASSETS})
                total = sum(len(b) for b in weights.values())
                zipped = sum(len(gzip.compress(b)) for b in weights.values())
                for name, content in weights.items():
                    print(f"  {name}: {len(content) / 1024:.1f} KB")
                verdict = "within" if total / 1024 <= TARGET_HOME_KB else "OVER"
                print(
                    f"  home page HTML + CSS + JS: {total / 1024:.1f} KB raw, "
                    f"{zipped / 1024:.1f} KB gzipped ({verdict} the {TARGET_HOME_KB:.0f} KB target)"
                )
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--size", type=int, default=100_000, help="notices of the large store")
    parser.add_argument("--skip-100k", action="store_true", help="only the devset")
    parser.add_argument("--keep", type=Path, default=None, help="keep the data folders here")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    root = Path(tempfile.mkdtemp(prefix="bench-web-")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}; data under {root}")
    try:
        small = root / "devset"
        shutil.rmtree(small, ignore_errors=True)
        recorder = RecordingEmbedder(load_embedder("use"))
        run = ingest_devset(small, recorder)
        print(f"1. web pages at {run.notices:,} notices (use embedder, SQLite + qdrant-edge)")
        measure(small, args.requests, weigh=True)
        if not args.skip_100k:
            large = root / f"recombined-{args.size}"
            shutil.rmtree(large, ignore_errors=True)
            lookup = LookupEmbedder(recorder.inner, dict(recorder.vectors))
            built = build_large(large, args.size, lookup)
            print(f"2. web pages at {built.notices:,} notices (recombined devset)")
            measure(large, args.requests, weigh=False)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
