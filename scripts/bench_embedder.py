"""Print the encode throughput of the default embedder on devset titles.

Usage: python scripts/bench_embedder.py [--threads 2] [--n 200] [--spec use]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from app.search.embedder import BATCH_SIZE, UseEmbedder, load_embedder

NOTICES = Path(__file__).resolve().parents[1] / "data" / "devset" / "notices.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="BLAS threads for USE")
    parser.add_argument("--n", type=int, default=200, help="number of titles")
    parser.add_argument("--spec", default="use", help="embedder spec (default: use)")
    args = parser.parse_args()

    with NOTICES.open(encoding="utf-8") as lines:
        titles = [json.loads(line)["title"] for line, _ in zip(lines, range(args.n), strict=False)]
    embedder = UseEmbedder(threads=args.threads) if args.spec == "use" else load_embedder(args.spec)
    embedder.encode(titles[:2])  # load the weights outside the timing

    start = time.perf_counter()
    embedder.encode(titles)
    elapsed = time.perf_counter() - start
    query_start = time.perf_counter()
    for title in titles[:20]:
        embedder.encode([title])
    per_query_ms = (time.perf_counter() - query_start) / min(20, len(titles)) * 1000

    print(f"embedder: {embedder.name} (threads={args.threads}, batches of {BATCH_SIZE})")
    print(f"{len(titles)} titles in {elapsed:.2f} s: {len(titles) / elapsed:.0f} sentences/s")
    print(f"one short query: {per_query_ms:.1f} ms")


if __name__ == "__main__":
    main()
