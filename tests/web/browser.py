"""A real uvicorn server on 127.0.0.1 and a headless Debian chromium, for the browser tests.

The server listens on a socket the test binds first (port 0, passed as a file
descriptor), so there is no race for a free port; the test waits for uvicorn to say
its startup is complete. Chromium is Debian's (``/usr/bin/chromium``): Playwright
never downloads a browser here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERVE = (
    "import sys, uvicorn; from app.main import create_app; "
    "uvicorn.run(create_app(), fd=int(sys.argv[1]), log_level='info')"
)


@contextmanager
def served(env: dict[str, str]) -> Iterator[str]:
    """Serve the app on a fresh loopback socket; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(listener.fileno())],
        env={**os.environ, **env},
        pass_fds=[listener.fileno()],
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    listener.close()
    drain: threading.Thread | None = None
    try:
        seen = []
        assert process.stderr is not None
        for line in process.stderr:  # blocks until uvicorn reports, or the process ends
            seen.append(line)
            if "Application startup complete" in line:
                break
        else:
            raise RuntimeError("the server did not start:\n" + "".join(seen))
        # Keep reading what the server logs, so a full pipe never blocks it.
        drain = threading.Thread(target=seen.extend, args=(process.stderr,), daemon=True)
        drain.start()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            if drain is not None:
                drain.join(timeout=30)  # the pipe ends with the process
            process.stderr.close()
        errors = [line for line in seen if "Traceback" in line or "ERROR" in line]
        if errors:
            sys.stderr.write("".join(seen))


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page, described."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
