"""Where the bundled real data lives (CPV list, sample notices, sample members)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DATA_DIR = PROJECT_ROOT / "data"
