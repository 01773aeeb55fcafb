"""Index in the background what other processes store, while the API serves.

The nightly ``cotender ingest`` writes notices to the store; the API server,
which owns the embedded index, picks them up here every few seconds, so new
notices become searchable without a restart and neither process blocks the
other. With a Qdrant server every process may write, and this loop simply
finds nothing pending most of the time.
"""

from __future__ import annotations

import logging
import threading

from app.members.service import list_all_members, member_from_row
from app.search.index import IndexLockedError
from app.search.index_base import REQUIREMENT
from app.search.indexer import OPTIMIZE_AFTER, Indexer, Optimizable
from app.wiring.context import AppContext

logger = logging.getLogger(__name__)


def sync_once(context: AppContext, *, optimize_after: int | None = OPTIMIZE_AFTER) -> bool:
    """Index what is pending; False when another process owns the index.

    ``optimize_after=None`` leaves the HNSW build for later: the server's loop does so
    because ``optimize()`` holds the interpreter for tens of seconds after a bulk load,
    and every request would wait for it.
    """
    try:
        indexer = Indexer(
            context.sessions, context.index, context.embedder, optimize_after=optimize_after
        )
    except IndexLockedError:
        return False
    report = indexer.sync()
    if report.notices:
        context.matching.refresh()
    if report.notices or report.members:
        logger.info(
            "index synced",
            extra={"notices": report.notices, "members": report.members, "points": report.points},
        )
    return True


def warm_up(context: AppContext) -> None:
    """Build the matching catalog, its words' vectors (free-text search) and every
    member's context before the first request asks."""
    matching = context.matching
    matching.refresh()
    matching.equivalents()
    with context.sessions() as session:
        members = [member_from_row(row) for row in list_all_members(session=session)]
    for member in members:
        matching.context(member)


def optimize_before_serving(context: AppContext) -> None:
    """Build the HNSW graphs that points indexed while serving are waiting for.

    Called when the server starts, before it answers: the one moment a long
    ``optimize()`` blocks no request. Points added while serving stay searchable
    meanwhile (a full scan of the plain segment, a few ms per 10k points).
    """
    try:
        index = context.index
    except IndexLockedError:
        return
    if isinstance(index, Optimizable) and index.unindexed(REQUIREMENT) >= OPTIMIZE_AFTER:
        logger.info("building the index graphs before serving")
        index.optimize()


class BackgroundIndexer:
    """A daemon thread that calls :func:`sync_once` every ``interval`` seconds."""

    def __init__(self, context: AppContext, interval: float) -> None:
        self._context = context
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-sync", daemon=True)

    def start(self) -> None:
        """Start syncing."""
        self._thread.start()

    def stop(self) -> None:
        """Ask the loop to finish and wait for the current pass."""
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        try:
            if sync_once(self._context, optimize_after=None):
                warm_up(self._context)
        except Exception:  # the server still answers; requests build what they need
            logger.exception("index warm-up failed")
        while not self._stop.wait(self._interval):
            try:
                sync_once(self._context, optimize_after=None)
            except Exception:  # a failed pass must not kill the server's indexing
                logger.exception("index sync failed")
