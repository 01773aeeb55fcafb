"""Progress for long work: a bar on a terminal, nothing otherwise (logs say the rest)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Advance:
    """Call to advance the bar by ``steps`` (a no-op when there is no terminal)."""

    def __init__(self, bar: Progress | None = None, task: TaskID | None = None) -> None:
        self._bar = bar
        self._task = task

    def __call__(self, steps: int = 1) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, steps)


@contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Advance]:
    """Yield an :class:`Advance` that moves a bar on stderr when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield Advance()
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        yield Advance(bar, bar.add_task(label, total=total))
