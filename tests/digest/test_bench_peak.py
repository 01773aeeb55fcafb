"""``scripts/bench_digest.py`` reports the peak memory of ``digest send`` itself.

Its first figure (2.6 GB cold) came from ``getrusage(RUSAGE_CHILDREN)``, which on Linux
counts in a child's peak the parent's resident memory at the fork: these tests hold a
large parent and check that a small child is reported small and a large one large.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scripts.bench_digest import run_measured

MIB = 1024 * 1024


def _touched(mib: int) -> bytearray:
    block = bytearray(mib * MIB)
    for i in range(0, len(block), 4096):
        block[i] = 1
    return block


def test_a_small_child_of_a_large_parent_is_reported_small(tmp_path: Path) -> None:
    parent_memory = _touched(400)
    seconds, done, peak = run_measured(
        [sys.executable, "-c", "import time; print('ok'); time.sleep(0.5)"],
        env={"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert done.returncode == 0 and done.stdout == "ok\n"
    assert 1 < peak < 200, peak
    assert seconds > 0
    del parent_memory


def test_a_large_child_is_reported_with_its_own_peak(tmp_path: Path) -> None:
    grows = (
        "import time\n"
        "block = bytearray(300 * 1024 * 1024)\n"
        "for i in range(0, len(block), 4096): block[i] = 1\n"
        "del block\n"
        "time.sleep(0.3)\n"
    )
    _, done, peak = run_measured(
        [sys.executable, "-c", grows], env={"PATH": "/usr/bin:/bin"}, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert peak >= 300, peak  # freed before exit, still its peak


def test_a_failing_child_keeps_its_error_output(tmp_path: Path) -> None:
    _, done, _ = run_measured(
        [sys.executable, "-c", "import sys; sys.exit('refused')"],
        env={"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert "refused" in done.stderr
