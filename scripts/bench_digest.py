"""Benchmark: digests for 1,000 members against a large store, beside the API doing the same.

    python scripts/bench_digest.py [--size N] [--members N] [--new N] [--keep DIR]

With ``--keep DIR``, a store built by an earlier run in ``DIR`` is reused (building 100k
notices takes minutes): its digest outbox, items and snapshots are cleared first, so each
run tells the members the same night's notices.

1. A store of ``--size`` notices (default 100,000) built with ``scripts/bench_matching.py``'s
   building blocks (imported, not copied): the devset ingested and indexed with the real
   ``use`` model, then notices recombined from it, indexed with the devset's vectors looked
   up. The notices are dated ``--new`` a night (default 1,000): the last ones stored play
   tonight's ingestion, the others earlier nights'.
2. ``--members`` members (default 1,000), each three expertise statements drawn (seeded)
   from the sample members' statements, an e-mail address and a first digest due since just
   before the night's notices.
3. ``cotender digest send --json`` in its own process (cold: it builds the matching catalog,
   every member's context, scores each member's window of new notices in one batch per window,
   composes the e-mails and writes them as ``.eml`` files): wall-clock seconds (target ≤ 60 s)
   and peak RSS (target ≤ 1 GB).
4. ``cotender serve`` on the same folder and the same members' matches asked one request at a
   time (``GET /api/members/{id}/matches``): total seconds from the first request to the last
   (the batch must be the faster), and the server's memory.

Other processes share the cores: the 1-minute load average is printed around each run.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import yaml
from sqlalchemy import delete, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_matching import (  # noqa: E402
    DEVSET,
    TARGET_RSS_MB,
    Figures,
    LookupEmbedder,
    RecordingEmbedder,
    build_large,
    environment,
    ingest_devset,
    load,
    machine,
    memory_mb,
    print_summary,
    served,
)

from app.auth.tokens import create_token  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.core.db import transaction  # noqa: E402
from app.digest.outbox import mark_digested  # noqa: E402
from app.digest.preferences import Frequency, group_recipient, member_recipient  # noqa: E402
from app.members.service import save_member  # noqa: E402
from app.search.embedder import load_embedder  # noqa: E402
from app.wiring.context import AppContext  # noqa: E402
from models.member import Member  # noqa: E402
from models.schema import (  # noqa: E402
    DigestItemRow,
    DigestMessageRow,
    DigestSnapshotRow,
    GroupRow,
    NoticeRow,
)

SEED = 20261201
BUILT = "built.json"
"""Written in a store folder once it is built and indexed: ``--keep`` reuses it."""
TARGET_SECONDS = 60.0
PYTHON = [sys.executable, "-m", "app.cli.main"]


def recombined_members(count: int, seed: int = SEED) -> list[Member]:
    """Members made of three sample statements each (deterministic)."""
    profiles = yaml.safe_load((DEVSET / "members.yaml").read_text(encoding="utf-8"))
    statements = [statement for profile in profiles for statement in profile["expertise"]]
    rng = random.Random(seed)
    return [
        Member(
            id=f"bench-m{n}",
            name=f"Bench member {n}",
            email=f"bench{n}@example.org",
            expertise=rng.sample(statements, 3),
        )
        for n in range(count)
    ]


def add_members(folder: Path, members: list[Member], new: int) -> None:
    """Store the members; only the last ``new`` notices are newer than their last digest.

    The store was built in minutes: the notices are dated as if ``new`` had been stored
    each night, the last ``new`` tonight, the ``new`` before them a day earlier, and so
    on back (100 nights for 100k notices). A weekly group digest thus sees a week of
    notices, as it would on a store that grew night by night.
    """
    context = AppContext.open(Settings(data_dir=folder))
    try:
        now = datetime.now(UTC)
        with transaction(context.sessions) as session:
            latest = select(NoticeRow.id).order_by(NoticeRow.created_at.desc(), NoticeRow.id)
            ids = list(session.scalars(latest))
            for night, start in enumerate(range(0, len(ids), new)):
                session.execute(
                    update(NoticeRow)
                    .where(NoticeRow.id.in_(ids[start : start + new]))
                    .values(created_at=now - timedelta(days=night, minutes=5))
                )
            for member in members:
                save_member(session=session, member=member)
    finally:
        context.close()
    forget_digests(folder, members)


def forget_digests(folder: Path, members: list[Member]) -> None:
    """Members' last digest a day ago, groups' a week ago, nothing told yet.

    Each run then tells the same: every member last night's notices, and the sample
    group (its mailing list) its weekly digest of the week's notices.
    """
    context = AppContext.open(Settings(data_dir=folder))
    shutil.rmtree(context.settings.outbox_dir, ignore_errors=True)
    try:
        now = datetime.now(UTC)
        with transaction(context.sessions) as session:
            for table in (DigestItemRow, DigestSnapshotRow, DigestMessageRow):
                session.execute(delete(table))
            for member in members:
                mark_digested(
                    session,
                    member_recipient(member.id),
                    frequency=Frequency.daily,
                    now=now - timedelta(days=1),
                )
            for group_id in session.scalars(select(GroupRow.id)):
                mark_digested(
                    session,
                    group_recipient(group_id),
                    frequency=Frequency.weekly,
                    now=now - timedelta(days=7),
                )
    finally:
        context.close()


PEAK_POLL_SECONDS = 0.1
"""How often a child's peak RSS is read while it runs (its VmHWM only grows)."""


def run_measured(
    command: list[str], *, env: dict[str, str], cwd: Path
) -> tuple[float, subprocess.CompletedProcess[str], float]:
    """Run ``command``: wall-clock seconds, its outcome, and its own peak RSS in MiB.

    ``getrusage(RUSAGE_CHILDREN)`` does not measure a child: on Linux, exec keeps in the
    child's peak the high-water mark of the address space it replaces, the copy of this
    process at the fork, so a tiny child of a 2 GB parent "peaks" at 2 GB. The child's
    ``VmHWM``, read while it runs, is the peak of its own address space since exec
    (``Popen`` returns once the child has exec'd). Read every ``PEAK_POLL_SECONDS``: made
    for runs of seconds to minutes, whose growth in their last tenth of a second is missed.
    """
    start = time.perf_counter()
    peak = 0.0
    with subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        while True:
            try:
                peak = max(peak, memory_mb(child.pid).get("VmHWM", 0.0))
            except OSError:  # exited between two reads
                pass
            try:
                out, err = child.communicate(timeout=PEAK_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                continue
    seconds = time.perf_counter() - start
    done = subprocess.CompletedProcess(command, child.returncode, out, err)
    return seconds, done, peak


def run_digests(folder: Path) -> tuple[float, dict[str, object], float]:
    """``digest send`` in its own process: seconds, its JSON summary, its peak RSS in MiB."""
    env = environment(folder)
    env["COTENDER_PUBLIC_URL"] = "http://127.0.0.1:8000"
    seconds, done, peak = run_measured([*PYTHON, "digest", "send", "--json"], env=env, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"digest send failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, json.loads(done.stdout), peak


def api_token(folder: Path) -> str:
    context = AppContext.open(Settings(data_dir=folder))
    try:
        with transaction(context.sessions) as session:
            secret = context.settings.secret_key.get_secret_value()
            issued = create_token(
                session=session, secret_key=secret, now=datetime.now(UTC), is_admin=True
            )
        return issued.token
    finally:
        context.close()


@dataclass(frozen=True)
class ServedRun:
    """Timings with the server running: its start, the API one by one, digest send beside it."""

    startup: float
    api_total: float
    memory: dict[str, float]
    digest_seconds: float
    digest_summary: dict[str, object]


def run_api(folder: Path, members: list[Member], log: Path) -> ServedRun:
    """The members' matches one request at a time, then ``digest send`` beside the server.

    Beside a running server (the nightly cron's case: the server owns the index),
    ``digest send`` asks the server to compose, with its warm catalog and contexts,
    and delivers the outbox itself.
    """
    token = api_token(folder)
    with served(folder, log, cwd=ROOT) as server:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=600) as client:
            first = time.perf_counter()
            for member in members:
                client.get(f"/api/members/{member.id}/matches").raise_for_status()
            total = time.perf_counter() - first
        memory = memory_mb(server.process.pid)
        forget_digests(folder, members)
        print(f"  then digest send beside the server (load average {load()})")
        digest_seconds, summary, _ = run_digests(folder)
    startup = server.startup
    return ServedRun(startup, total, memory, digest_seconds, summary)


def built_store(root: Path, folder: Path, size: int) -> int:
    """The store of ``size`` notices in ``folder``, built unless an earlier run built it."""
    marker = folder / BUILT
    if marker.exists():
        notices = int(json.loads(marker.read_text())["notices"])
        print(f"1. the store built earlier in {folder}: {notices:,} notices")
        return notices
    print("1. the devset with the use model, then the recombined store")
    recorder = RecordingEmbedder(load_embedder("use"))
    ingest_devset(root / "devset", recorder)
    shutil.rmtree(folder, ignore_errors=True)
    built = build_large(folder, size, LookupEmbedder(recorder.inner, dict(recorder.vectors)))
    print(f"  {built.notices:,} notices stored and indexed")
    marker.write_text(json.dumps({"notices": built.notices}))
    return built.notices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="notices in the store")
    parser.add_argument("--members", type=int, default=1_000, help="members told")
    parser.add_argument("--new", type=int, default=1_000, help="notices of the night")
    parser.add_argument("--keep", type=Path, default=None, help="keep the data folders here")
    parser.add_argument(
        "--prepare-only", action="store_true", help="build the store and members, then stop"
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    root = Path(tempfile.mkdtemp(prefix="bench-digest-")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    figures = Figures()
    print(f"machine: {machine()}; data under {root}")
    try:
        folder = root / f"store-{args.size}"
        notices = built_store(root, folder, args.size)
        members = recombined_members(args.members)
        add_members(folder, members, args.new)
        print(f"2. {len(members):,} members, last digest before the last {args.new:,} notices")
        if args.prepare_only:
            return

        print(f"3. cotender digest send (load average {load()})")
        seconds, summary, peak = run_digests(folder)
        print(
            f"  {seconds:.1f} s: {summary['composed']} digests composed, "
            f"{summary['nothing_new']} with nothing new; peak RSS {peak:,.0f} MiB "
            f"(load average {load()} after)"
        )
        label = f"{args.members:,} members × {notices:,} notices"
        figures.add(
            f"digest send, {label}",
            f"{seconds:.1f} s",
            f"≤ {TARGET_SECONDS:.0f} s",
            seconds <= TARGET_SECONDS,
        )
        figures.add(
            "  digest send peak RSS",
            f"{peak:,.0f} MiB",
            f"≤ {TARGET_RSS_MB:,.0f} MiB",
            peak <= TARGET_RSS_MB,
        )

        print(f"4. the same members' matches through the API, one at a time (load {load()})")
        served = run_api(folder, members, root / "serve.log")
        total, memory = served.api_total, served.memory
        beside = served.digest_summary
        print(
            f"  server up in {served.startup:.1f} s; {len(members):,} requests in {total:.1f} s "
            f"({total / len(members) * 1000:.0f} ms each); VmRSS {memory['VmRSS']:,.0f} MiB"
        )
        print(
            f"  digest send beside the server: {served.digest_seconds:.1f} s, "
            f"{beside['composed']} digests composed by the server, {beside['sent']} delivered "
            f"(load average {load()} after)"
        )
        figures.add(
            f"API matches, {label}, one at a time",
            f"{total:.1f} s",
            "slower than batch",
            total > seconds,
        )
        figures.add(
            "digest send beside the running server",
            f"{served.digest_seconds:.1f} s",
            f"≤ {TARGET_SECONDS:.0f} s, faster than the API",
            served.digest_seconds <= TARGET_SECONDS and served.digest_seconds < total,
        )
        figures.add("  API server VmRSS", f"{memory['VmRSS']:,.0f} MiB")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print_summary(figures)


if __name__ == "__main__":
    main()
