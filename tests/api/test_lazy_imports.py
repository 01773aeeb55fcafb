"""The API process loads heavy libraries only when a request needs them.

OR-Tools (with pandas) and qdrant-client hold some 60 and 80 MB each once imported;
an API process on the embedded default serves matches without either.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_serving_imports_neither_ortools_nor_qdrant_client() -> None:
    probe = (
        "import json, sys; import app.api.main; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(done.stdout))
    assert "fastapi" in loaded and "qdrant_edge" in loaded  # the probe saw the app
    assert not loaded & {"ortools", "pandas", "qdrant_client"}
