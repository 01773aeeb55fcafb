"""Where the running ``cotender serve`` of a data folder listens, for the folder's other commands.

The embedded vector index has one owner: while a server runs, a command that needs
the index (``digest send`` composing digests) asks that server instead of opening
the index itself. The server writes its loopback address in ``server.json`` under the
data folder when it starts and removes it when it stops; a file left by a killed
server names a process that is gone, and is ignored (its index lock died with it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.core.config import Settings

ADDRESS_FILE = "server.json"
WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}
"""A server bound to every interface is asked on the loopback one."""


def address_file(settings: Settings) -> Path:
    """The file naming the running server of this data folder."""
    return settings.data_dir / ADDRESS_FILE


def loopback_url(host: str, port: int) -> str:
    """The URL this host reaches a server bound to ``host``:``port`` at."""
    host = WILDCARDS.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def write_server_address(settings: Settings, *, host: str, port: int) -> Path:
    """Record that this process serves the data folder at ``host``:``port``."""
    path = address_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    part.write_text(json.dumps({"url": loopback_url(host, port), "pid": os.getpid()}))
    part.replace(path)  # whole or absent: a reader never sees half a file
    return path


def remove_server_address(settings: Settings) -> None:
    """Forget this process's address (when it stops serving); another server's stays."""
    path = address_file(settings)
    try:
        recorded = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    if recorded.get("pid") == os.getpid():
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user's
        pass
    return True


def running_server_url(settings: Settings) -> str | None:
    """The URL of the server running on this data folder, if one is."""
    try:
        recorded = json.loads(address_file(settings).read_text())
        url, pid = str(recorded["url"]), int(recorded["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return url if _alive(pid) else None
