"""Benchmark: ingest + indexing rate, member-matches latency through the API, server memory.

    python scripts/bench_matching.py [--requests N] [--size N] [--skip-100k] [--keep DIR]
                                     [--reuse] [--embedder SPEC]

1. Ingest + index: the 2,555 devset notices into a fresh data folder on the embedded
   default (SQLite + qdrant-edge) with the real ``use`` embedder (or the ``--embedder``
   spec, which the servers below then load too), in notices/s, and as the ratio of the
   bare model encoding the very texts the indexer embedded (same run, model warmed up)
   to that time. Target ≥ 0.5.
2. Latency at 2.5k: ``cotender serve`` on that folder in its own process; an admin
   token from ``cotender token create``; one warm-up request per sample member (the
   first builds the catalog; each builds its member's context; both printed), then
   ``--requests`` GET /api/members/{id}/matches?include_closed=true round-robin over the
   12 sample members, one at a time: p50/p95/max in ms (target p95 ≤ 50 ms), i.e. the
   steady state, where the engine keeps the candidates' parsed notices and passage
   vectors. Then free-text searches the server has not seen (each computes its query's
   context), one at a time: short queries as typed in a search box (the 12 judged
   queries of ``search/queries.json`` and the first three words of over three letters
   of each of the 29 member statements; target p95 ≤ 100 ms at 100k), then the 29
   statements themselves: p50/p95 of each. Then the server's memory
   from /proc: VmRSS (the target, ≤ 1 GB), its anonymous and file-backed parts (the
   index's memory-mapped files) and the peak.
3. The same at ``--size`` notices (default 100,000; target p95 ≤ 150 ms): the devset plus
   notices recombined from it (seeded: title of notice a, description of notice b, CPV
   codes of notice c, ids ``bench:<n>``). Every passage of a recombined notice is a
   devset passage, so its vector is taken from those part 1 embedded (a text → vector
   lookup in front of the model, which would take hours on 100k notices): that indexing
   rate measures the store and the index, not the model. ``optimize()`` then builds
   the HNSW graphs, timed.

``--keep DIR --reuse`` serves the folders a previous ``--keep DIR`` run left there
instead of building them again (parts 1 and 3 are then not timed).

Other processes share the cores: the 1-minute load average is printed around each
latency run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import numpy.typing as npt
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.config import Settings  # noqa: E402
from app.demo import load_sample_people  # noqa: E402
from app.search.edge_index import EdgeIndex  # noqa: E402
from app.search.embedder import Embedder, load_embedder  # noqa: E402
from app.search.indexer import Indexer  # noqa: E402
from app.wiring.context import AppContext  # noqa: E402
from ingest.files import read_file  # noqa: E402
from ingest.pipeline import ingest_results  # noqa: E402
from ingest.store import NoticeStore  # noqa: E402
from models.paths import BUNDLED_DATA_DIR  # noqa: E402

DEVSET = BUNDLED_DATA_DIR / "devset"
NOTICES = DEVSET / "notices.jsonl"
COTENDER = [sys.executable, "-c", "from app.cli.main import main; main()"]
"""This checkout's CLI (the ``cotender`` script of a venv may point at another checkout)."""
SEED = 20240601

TARGET_RATIO = 0.5
TARGET_P95_SMALL_MS = 50.0
TARGET_P95_LARGE_MS = 150.0
TARGET_SEARCH_P95_LARGE_MS = 100.0
TARGET_RSS_MB = 1024.0


class RecordingEmbedder:
    """The real embedder, remembering every text it was given and the vector it gave."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.max_chars = inner.max_chars
        self.texts: list[str] = []
        self.vectors: dict[str, npt.NDArray[np.float32]] = {}

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = self.inner.encode(texts)
        self.texts.extend(texts)
        self.vectors.update(zip(texts, out, strict=True))
        return out


class LookupEmbedder:
    """Vectors of known texts from a table; the model only for texts it lacks (counted)."""

    def __init__(self, inner: Embedder, known: dict[str, npt.NDArray[np.float32]]) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.max_chars = inner.max_chars
        self.known = known
        self.hits = 0
        self.misses = 0

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        missing = list(dict.fromkeys(t for t in texts if t not in self.known))
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if missing:
            self.known.update(zip(missing, self.inner.encode(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([self.known[t] for t in texts]).astype(np.float32)


@dataclass
class Figures:
    """Everything measured, printed at the end against the targets."""

    rows: list[tuple[str, str, str, bool | None]] = field(default_factory=list)

    def add(self, name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        self.rows.append((name, value, target, ok))


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores, {model}, Python {platform.python_version()}"


def open_context(folder: Path) -> AppContext:
    return AppContext.open(Settings(data_dir=folder))


def load_people(context: AppContext, index: EdgeIndex, embedder: Embedder) -> None:
    """The 12 sample members and their group, indexed (not timed)."""
    load_sample_people(context)
    Indexer(context.sessions, index, embedder).sync()


# -- part 1 -------------------------------------------------------------------------------


@dataclass
class IngestRun:
    notices: int
    seconds: float
    ingest_seconds: float
    model_seconds: float
    texts: int
    points: int


def ingest_devset(folder: Path, recorder: RecordingEmbedder) -> IngestRun:
    """Ingest and index the devset (timed), then time the bare model on the same texts."""
    context = open_context(folder)
    index = EdgeIndex(context.settings.index_dir, recorder.dimension)
    recorder.inner.encode(["Mise en route du modèle."])  # weights load lazily
    start = time.perf_counter()
    summary = ingest_results(read_file(NOTICES), NoticeStore(context.sessions))
    ingested = time.perf_counter()
    report = Indexer(context.sessions, index, recorder).sync()
    seconds = time.perf_counter() - start
    texts = list(recorder.texts)
    model_start = time.perf_counter()
    recorder.inner.encode(texts)
    model_seconds = time.perf_counter() - model_start
    load_people(context, index, recorder)
    index.close()
    context.close()
    return IngestRun(
        notices=summary.ingested,
        seconds=seconds,
        ingest_seconds=ingested - start,
        model_seconds=model_seconds,
        texts=len(texts),
        points=report.points,
    )


# -- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def environment(folder: Path) -> dict[str, str]:
    """The server's environment: this folder, quiet logs, and the embedder being measured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COTENDER_")}
    env.update({"COTENDER_DATA_DIR": str(folder), "COTENDER_LOG_LEVEL": "WARNING"})
    env["COTENDER_EMBEDDER"] = os.environ.get("COTENDER_EMBEDDER", "use")
    env["PYTHONPATH"] = str(ROOT)  # the server runs from a data folder: import this checkout
    return env


def admin_token(folder: Path) -> str:
    done = subprocess.run(
        [*COTENDER, "token", "create", "--admin", "--json"],
        env=environment(folder),
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    token: str = json.loads(done.stdout)["token"]
    return token


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS, VmHWM (peak), RssAnon and RssFile of a process, in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            values[key] = int(rest.split()[0]) / 1024
    return values


def load() -> str:
    """The 1-minute load average (other processes share the cores)."""
    return Path("/proc/loadavg").read_text().split()[0]


@dataclass
class LatencyRun:
    startup_seconds: float
    first_ms: list[float]
    latencies_ms: list[float]
    memory: dict[str, float]
    matches: int
    load_before: str
    load_after: str
    search_ms: dict[str, list[float]]

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q))


@dataclass(frozen=True)
class Served:
    """A ``cotender serve`` process answering on ``url``, up after ``startup`` seconds."""

    url: str
    process: subprocess.Popen[bytes]
    startup: float


@contextmanager
def served(
    folder: Path, log: Path, *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Iterator[Served]:
    """``cotender serve`` on ``folder`` in its own process, healthy, stopped on exit.

    Its output goes to ``log``; ``env`` defaults to :func:`environment` of ``folder``.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        started = time.perf_counter()
        server = subprocess.Popen(
            [*COTENDER, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env or environment(folder),
            cwd=cwd or folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            with httpx.Client(base_url=url, timeout=10) as client:
                wait_healthy(client, server, log)
            yield Served(url, server, time.perf_counter() - started)
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def measure_latency(folder: Path, requests: int, log: Path) -> LatencyRun:
    """Serve ``folder`` in its own process and time member-matches requests."""
    profiles = yaml.safe_load((DEVSET / "members.yaml").read_text())
    members = [m["id"] for m in profiles]
    statements = [statement for m in profiles for statement in m["expertise"]]
    judged: dict[str, str] = json.loads((DEVSET / "search" / "queries.json").read_text())
    short = [*judged.values(), *(first_words(statement) for statement in statements)]
    token = admin_token(folder)
    with served(folder, log) as server:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=600) as client:
            first = [timed_get(client, member)[0] for member in members]
            latencies: list[float] = []
            matches = 0
            before = load()
            for n in range(requests):
                ms, found = timed_get(client, members[n % len(members)])
                latencies.append(ms)
                matches += found
            after = load()
            searches = {
                "short queries": [timed_search(client, query) for query in short],
                "statements": [timed_search(client, query) for query in statements],
            }
        memory = memory_mb(server.process.pid)
    return LatencyRun(server.startup, first, latencies, memory, matches, before, after, searches)


def wait_healthy(client: httpx.Client, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited: see {log}\n{log.read_text()[-2000:]}")
        try:
            if client.get("/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /health in 300 s: see {log}")


def timed_get(client: httpx.Client, member: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(f"/api/members/{member}/matches", params={"include_closed": "true"})
    ms = (time.perf_counter() - start) * 1000
    response.raise_for_status()
    return ms, len(response.json()["matches"])


def first_words(statement: str, count: int = 3) -> str:
    """The first ``count`` words of over three letters: a statement as typed in a search box."""
    return " ".join([word for word in re.findall(r"\w+", statement) if len(word) > 3][:count])


def timed_search(client: httpx.Client, query: str) -> float:
    """One free-text search, a query the server has not seen (no cached context)."""
    start = time.perf_counter()
    response = client.get("/api/search", params={"q": query, "open_only": "false"})
    ms = (time.perf_counter() - start) * 1000
    response.raise_for_status()
    return ms


# -- part 3 -------------------------------------------------------------------------------


def recombined(size: int, seed: int = SEED) -> Iterator[str]:
    """The devset, then notices made of its parts up to ``size`` notices (deterministic)."""
    lines = NOTICES.read_text(encoding="utf-8").splitlines()
    yield from lines[:size]
    rows = [json.loads(line) for line in lines]
    rng = random.Random(seed)
    for n in range(max(0, size - len(rows))):
        a, b, c = (rows[rng.randrange(len(rows))] for _ in range(3))
        notice = {
            "id": f"bench:{n}",
            "source": "bench",
            "language": b["language"] if b["description"] else a["language"],
            "title": a["title"],
            "description": b["description"],
            "cpv": c["cpv"],
            "buyer": a["buyer"],
        }
        yield json.dumps(notice, ensure_ascii=False)


@dataclass
class LargeBuild:
    notices: int
    ingest_seconds: float
    index_seconds: float
    optimize_seconds: float
    points: int
    hits: int
    misses: int


def build_large(folder: Path, size: int, lookup: LookupEmbedder) -> LargeBuild:
    """Ingest and index ``size`` recombined notices, then optimise the index (all timed)."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "recombined.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for line in recombined(size):
            out.write(line + "\n")
    context = open_context(folder)
    index = EdgeIndex(context.settings.index_dir, lookup.dimension)
    start = time.perf_counter()
    summary = ingest_results(read_file(source), NoticeStore(context.sessions))
    ingested = time.perf_counter()
    total = summary.ingested
    step = max(1, total // 10)

    def tick(done: int, state: list[int] = [0]) -> None:  # noqa: B006
        state[0] += done
        if state[0] // step != (state[0] - done) // step:
            print(f"  indexed {state[0]:,} / {total:,} ({time.perf_counter() - ingested:.0f} s)")

    print(f"  ingested {total:,} notices in {ingested - start:.1f} s; indexing…", flush=True)
    # optimize_after=None: the graphs are built below, timed on their own.
    indexer = Indexer(context.sessions, index, lookup, optimize_after=None)
    report = indexer.sync(on_progress=tick)
    indexed = time.perf_counter()
    index.optimize()
    optimized = time.perf_counter()
    load_people(context, index, lookup)
    index.close()
    context.close()
    source.unlink()
    return LargeBuild(
        notices=total,
        ingest_seconds=ingested - start,
        index_seconds=indexed - ingested,
        optimize_seconds=optimized - indexed,
        points=report.points,
        hits=lookup.hits,
        misses=lookup.misses,
    )


# -- report -------------------------------------------------------------------------------


def report_latency(
    figures: Figures,
    label: str,
    run: LatencyRun,
    target_ms: float,
    search_target_ms: float | None = None,
) -> None:
    p50, p95 = run.percentile(50), run.percentile(95)
    print(
        f"  server up in {run.startup_seconds:.1f} s; first request per member "
        f"{run.first_ms[0]:,.0f} ms (catalog build + member context), then "
        f"{statistics.median(run.first_ms[1:]):,.0f} ms median for the other members"
    )
    print(
        f"  {len(run.latencies_ms)} requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(run.latencies_ms):.1f} ms ({run.matches / len(run.latencies_ms):.0f} matches "
        f"per answer; load average {run.load_before} before, {run.load_after} after)"
    )
    for kind, times in run.search_ms.items():
        search_p50, search_p95 = np.percentile(times, [50, 95])
        print(
            f"  {len(times)} free-text searches ({kind}, each new to the server): "
            f"p50 {search_p50:.0f} ms, p95 {search_p95:.0f} ms"
        )
    memory = run.memory
    print(
        f"  server memory: VmRSS {memory['VmRSS']:,.0f} MiB (anonymous {memory['RssAnon']:,.0f}, "
        f"file-backed {memory['RssFile']:,.0f}: mostly the index's memory-mapped files), "
        f"peak VmHWM {memory['VmHWM']:,.0f} MiB"
    )
    figures.add(f"first request at {label} (builds catalog)", f"{run.first_ms[0]:,.0f} ms")
    figures.add(f"matches p50 at {label}", f"{p50:.1f} ms")
    figures.add(
        f"matches p95 at {label}", f"{p95:.1f} ms", f"≤ {target_ms:.0f} ms", p95 <= target_ms
    )
    figures.add(f"matches max at {label}", f"{max(run.latencies_ms):.1f} ms")
    for kind, times in run.search_ms.items():
        search_p95 = float(np.percentile(times, 95))
        if kind == "short queries" and search_target_ms is not None:
            figures.add(
                f"search p95 at {label} ({kind})",
                f"{search_p95:.0f} ms",
                f"≤ {search_target_ms:.0f} ms",
                search_p95 <= search_target_ms,
            )
        else:
            figures.add(f"search p95 at {label} ({kind})", f"{search_p95:.0f} ms")
    figures.add(
        f"server VmRSS at {label}",
        f"{memory['VmRSS']:,.0f} MiB",
        f"≤ {TARGET_RSS_MB:,.0f} MiB",
        memory["VmRSS"] <= TARGET_RSS_MB,
    )
    figures.add(f"  of which anonymous at {label}", f"{memory['RssAnon']:,.0f} MiB")
    figures.add(f"  peak VmHWM at {label}", f"{memory['VmHWM']:,.0f} MiB")


def print_summary(figures: Figures) -> None:
    print(f"\nsummary ({machine()}; load average now {load()})")
    width = max(len(name) for name, *_ in figures.rows)
    for name, value, target, ok in figures.rows:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"  {name:<{width}}  {value:>18}  {target:>12}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per size")
    parser.add_argument("--size", type=int, default=100_000, help="notices of the large store")
    parser.add_argument("--skip-100k", action="store_true", help="only the devset")
    parser.add_argument("--keep", type=Path, default=None, help="keep the data folders here")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: serve the folders already there"
    )
    parser.add_argument("--embedder", default="use", help="embedder spec, default use")
    args = parser.parse_args()
    # Read by every context this script opens and passed on to the servers it starts.
    os.environ["COTENDER_EMBEDDER"] = args.embedder
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    root = Path(tempfile.mkdtemp(prefix="bench-matching-")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    figures = Figures()
    print(f"machine: {machine()}; data under {root}")
    try:
        small = root / "devset"
        large = root / f"recombined-{args.size}"
        reuse = (
            args.reuse
            and args.keep is not None
            and small.exists()
            and (args.skip_100k or large.exists())
        )
        if reuse:
            print(f"1. reusing {small}")
        else:
            shutil.rmtree(small, ignore_errors=True)
            recorder = RecordingEmbedder(load_embedder(args.embedder))
            print(f"1. ingest + index of the devset ({args.embedder}, SQLite + qdrant-edge)")
            run = ingest_devset(small, recorder)
            rate = run.notices / run.seconds
            ratio = run.model_seconds / run.seconds
            print(
                f"  {run.notices:,} notices in {run.seconds:.1f} s = {rate:,.0f} notices/s "
                f"(ingest {run.ingest_seconds:.1f} s, indexing "
                f"{run.seconds - run.ingest_seconds:.1f} s, {run.points:,} points, "
                f"{run.texts:,} texts embedded)"
            )
            print(
                f"  bare model on the same {run.texts:,} texts: {run.model_seconds:.1f} s "
                f"= {run.texts / run.model_seconds:,.0f} texts/s; ratio {ratio:.2f}"
            )
            figures.add("ingest+index devset", f"{rate:,.0f} notices/s")
            figures.add(
                "model-only / ingest+index",
                f"{ratio:.2f}",
                f"≥ {TARGET_RATIO}",
                ratio >= TARGET_RATIO,
            )

        print("2. GET /api/members/{id}/matches at the devset's 2,555 notices")
        latency = measure_latency(small, args.requests, root / "serve-devset.log")
        report_latency(figures, "2,555", latency, TARGET_P95_SMALL_MS)

        if not args.skip_100k and reuse:
            print(f"3. reusing {large}")
            latency = measure_latency(large, args.requests, root / f"serve-{args.size}.log")
            report_latency(
                figures, f"{args.size:,}", latency, TARGET_P95_LARGE_MS, TARGET_SEARCH_P95_LARGE_MS
            )
        elif not args.skip_100k:
            shutil.rmtree(large, ignore_errors=True)
            print(f"3. {args.size:,} notices recombined from the devset")
            lookup = LookupEmbedder(recorder.inner, dict(recorder.vectors))
            built = build_large(large, args.size, lookup)
            rate = built.notices / (built.ingest_seconds + built.index_seconds)
            print(
                f"  ingest {built.ingest_seconds:.1f} s + indexing {built.index_seconds:.1f} s "
                f"= {rate:,.0f} notices/s ({built.points:,} points; vectors looked up for "
                f"{built.hits:,} texts, {built.misses:,} embedded by the model); "
                f"optimize() {built.optimize_seconds:.1f} s"
            )
            label = f"{built.notices:,}"
            figures.add(f"ingest+index {label} (vectors reused)", f"{rate:,.0f} notices/s")
            figures.add(f"optimize() at {label}", f"{built.optimize_seconds:.1f} s")
            print(f"  GET /api/members/{{id}}/matches at {built.notices:,} notices")
            latency = measure_latency(large, args.requests, root / f"serve-{args.size}.log")
            report_latency(figures, label, latency, TARGET_P95_LARGE_MS, TARGET_SEARCH_P95_LARGE_MS)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print_summary(figures)


if __name__ == "__main__":
    main()
