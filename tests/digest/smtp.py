"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records messages and injects faults."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class RecordingHandler:
    """Accepts messages, unless told to answer a code or to drop the connection.

    ``replies``: SMTP replies to give to the next DATA commands, one each (e.g. a 451
    once, or a 550); ``drop_after``: accepted messages after which the next DATA
    drops the connection instead of answering (``drop_times`` times, -1 forever).
    """

    messages: list[EmailMessage] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    drop_after: int | None = None
    drop_times: int = 1
    data_commands: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.data_commands += 1
            if self.replies:
                return self.replies.pop(0)
            if (
                self.drop_after is not None
                and len(self.messages) >= self.drop_after
                and self.drop_times != 0
            ):
                self.drop_times -= 1
                server.transport.close()
                return "421 closing"
            parsed = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.messages.append(parsed)
            return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages received for ``address``."""
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class SmtpServer:
    handler: RecordingHandler
    url: str


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """Serve until the block ends; ``start()`` returns once the server answers."""
    handler = RecordingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, f"smtp://127.0.0.1:{port}")
    finally:
        controller.stop()
