"""Delivery of outbox messages: SMTP (``COTENDER_SMTP_URL``) or ``.eml`` files.

SMTP errors are sorted as the protocol means them: a 4xx reply or a dropped or
refused connection is transient (retried with exponential backoff by tenacity, on
a fresh connection), a 5xx reply is permanent (recorded, never retried).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from models.errors import InvalidInputError

MAX_WAIT_SECONDS = 60.0


class DeliveryError(Exception):
    """A message could not be delivered; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code


class Transport(Protocol):
    """Hands one message to its next hop."""

    @property
    def where(self) -> str:
        """Where messages go, said to the person running the command."""
        ...

    def send(self, message_id: str, sender: str, to: str, message: bytes) -> None:
        """Deliver, or raise :class:`DeliveryError` (or a transient ``OSError``)."""
        ...

    def close(self) -> None:
        """Release any connection."""
        ...


class EmlTransport:
    """Writes each message to ``<folder>/<message id>.eml`` (the demo, without SMTP).

    Written to a temporary name then renamed: a crash never leaves half a message,
    and writing the same message again replaces it (no duplicate).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def where(self) -> str:
        return str(self.folder.resolve())

    def send(self, message_id: str, sender: str, to: str, message: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{message_id}.eml"
        partial = target.with_suffix(".eml.part")
        partial.write_bytes(message)
        partial.replace(target)

    def close(self) -> None:
        return None


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to reach the SMTP server, read from ``COTENDER_SMTP_URL``."""

    host: str
    port: int
    username: str | None
    password: str | None
    security: str  # starttls | ssl | none | auto (STARTTLS when offered)
    timeout: float


def parse_smtp_url(url: str, *, security: str, timeout: float) -> SmtpServer:
    """``smtp://user:password@host:port`` or ``smtps://…``; a clear error otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise InvalidInputError(
            "COTENDER_SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465",
            [{"field": "COTENDER_SMTP_URL", "message": "expected smtp:// or smtps:// with a host"}],
        )
    if security == "auto" and parts.scheme == "smtps":
        security = "ssl"
    port = parts.port or (465 if security == "ssl" else 587)
    return SmtpServer(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        security=security,
        timeout=timeout,
    )


class SmtpTransport:
    """One SMTP connection reused across messages, reopened after any error."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self._connection: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.server.host}:{self.server.port}"

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if server.security == "ssl":
            connection = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=context
            )
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
            connection.ehlo()
            if server.security == "starttls" or (
                server.security == "auto" and connection.has_extn("starttls")
            ):
                connection.starttls(context=context)
                connection.ehlo()
        if server.username:
            connection.login(server.username, server.password or "")
        return connection

    def send(self, message_id: str, sender: str, to: str, message: bytes) -> None:
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.sendmail(sender, [to], message)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            code, reply = next(iter(error.recipients.values()))
            raise _reply_error(code, reply) from error
        except smtplib.SMTPResponseException as error:
            self.close()
            raise _reply_error(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise DeliveryError(f"connection: {error}", permanent=False) from error

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()


def _reply_error(code: int, reply: bytes | str) -> DeliveryError:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return DeliveryError(f"{code} {text}", permanent=500 <= code < 600, code=code)


def deliver(
    transport: Transport,
    *,
    message_id: str,
    sender: str,
    to: str,
    message: bytes,
    attempts: int,
    first_wait: float,
) -> None:
    """Send one message, retrying transient errors; raises the last :class:`DeliveryError`."""
    retrying = Retrying(
        retry=retry_if_exception(lambda e: isinstance(e, DeliveryError) and not e.permanent),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=first_wait, max=MAX_WAIT_SECONDS),
        reraise=True,
    )
    for attempt in retrying:
        with attempt:
            transport.send(message_id, sender, to, message)
