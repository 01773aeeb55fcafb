"""The e-mail of a digest: multipart text + HTML, with RFC 8058 one-click unsubscribe.

``Message-ID`` is derived from the outbox row, so a message re-sent after a crash
between the server's acceptance and our record of it carries the same id (receivers
and list servers drop such duplicates).
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from app.digest.compose import Written


def sender_domain(sender: str) -> str:
    """The domain of the From address (``localhost`` when it has none)."""
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def build_message(
    written: Written,
    *,
    message_id: str,
    sender: str,
    to: str,
    unsubscribe_url: str,
    list_id: str,
    now: datetime,
) -> EmailMessage:
    """The digest as an RFC 5322 message ready for SMTP."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = written.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<digest-{message_id}@{sender_domain(sender)}>"
    message["List-Id"] = f"<{list_id}.{sender_domain(sender)}>"
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    # quoted-printable: 7-bit clean, so any relay accepts it (8BITMIME or not)
    message.set_content(written.text, cte="quoted-printable")
    message.add_alternative(written.html, subtype="html", cte="quoted-printable")
    return message
