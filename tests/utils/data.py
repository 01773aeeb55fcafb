"""Paths to the bundled real payloads used by tests."""

import json
from pathlib import Path

from models.notice import Notice
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


def devset_notices() -> list[Notice]:
    """Every devset notice, parsed (the one DECP id with a space gets "_" instead)."""
    notices = []
    with (DEVSET / "notices.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            data = json.loads(line)
            data["id"] = data["id"].replace(" ", "_")  # the model refuses a space in an id
            notices.append(Notice.model_validate(data))
    return notices
