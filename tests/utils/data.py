"""Paths to the bundled real payloads used by tests."""

from pathlib import Path

from models.paths import BUNDLED_DATA_DIR

SAMPLES = BUNDLED_DATA_DIR / "samples"
DEVSET = BUNDLED_DATA_DIR / "devset"


def sample(relative: str) -> Path:
    """A bundled sample file (see data/samples/SOURCES.md)."""
    path = SAMPLES / relative
    assert path.exists(), path
    return path


def devset_lines(count: int) -> list[str]:
    """The first ``count`` lines of the devset notices."""
    with (DEVSET / "notices.jsonl").open(encoding="utf-8") as handle:
        return [next(handle) for _ in range(count)]
