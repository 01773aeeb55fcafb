"""Benchmark: parse + normalise + store the 2,555 devset notices into a fresh store.

Prints notices per second on the embedded default (SQLite) and, with
``--database-url``, on any other store. Target (issue 2): ≥ 2,000 notices/s on
2 cores. The vector index is not part of this figure (see bench_matching.py).

``--serving``: member-matches latency through the API while ``ingest-file`` loads
``--size`` notices into a running server (``scripts/bench_serving.py``; target,
issue 13: p99 ≤ 1 s, no request failed).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from app.core.config import Settings
from app.wiring.context import AppContext
from ingest.files import read_file
from ingest.pipeline import ingest_results
from ingest.store import NoticeStore
from models.paths import BUNDLED_DATA_DIR

NOTICES = BUNDLED_DATA_DIR / "devset" / "notices.jsonl"


@contextmanager
def scratch_database(url: str | None) -> Iterator[str | None]:
    """The URL itself (None: SQLite in the temp folder); PostgreSQL gets a throw-away schema."""
    if not url or not url.startswith("postgres"):
        yield url
        return
    schema = f"bench_{os.getpid()}"
    admin = create_engine(Settings(database_url=url).effective_database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in url else "?"
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--file", type=Path, default=NOTICES)
    parser.add_argument("--serving", action="store_true", help="latency while loading")
    parser.add_argument("--size", type=int, default=20_000, help="notices loaded (--serving)")
    parser.add_argument("--embedder", default="hashing:512", help="server's embedder (--serving)")
    args = parser.parse_args()
    if args.serving:
        from bench_serving import run  # a script beside this one

        run(args.size, args.embedder)
        return
    with tempfile.TemporaryDirectory() as folder, scratch_database(args.database_url) as url:
        settings = Settings(data_dir=Path(folder), database_url=url)
        context = AppContext.open(settings)
        store = NoticeStore(context.sessions)
        start = time.perf_counter()
        summary = ingest_results(read_file(args.file), store)
        elapsed = time.perf_counter() - start
        rerun_start = time.perf_counter()
        rerun = ingest_results(read_file(args.file), store)
        rerun_elapsed = time.perf_counter() - rerun_start
        context.close()
    total = summary.total
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"store: {settings.effective_database_url.split(':', 1)[0]}")
    print(
        f"first run: {total} records in {elapsed:.2f} s = {total / elapsed:,.0f} notices/s "
        f"({summary.counts()})"
    )
    print(
        f"re-run (all unchanged): {rerun.total / rerun_elapsed:,.0f} notices/s ({rerun.counts()})"
    )


if __name__ == "__main__":
    main()
