"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives, and reading a mail from it."""

from __future__ import annotations

import asyncio
import email
import email.policy
import time
from email.message import EmailMessage

from grants.core.mail import deliver_pending
from tests.factories.mail import smtp_settings


class Collector:
    """An aiosmtpd handler that keeps every message; it refuses recipients named nobody@…"""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        raw = envelope.content.replace(b"\r\n", b"\n")  # SMTP's line ends, as a mail program reads them
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))
        return "250 Message accepted"

    @property
    def ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for `address`, oldest first."""
        return [m for m in self.messages if address in m["To"]]


async def delivered_to(collector: Collector, address: str) -> EmailMessage:
    """Deliver the outbox to the collector's server now (as `grants send-mail` does), and return the
    newest message it received for `address`."""
    deadline = time.monotonic() + 10  # a mail queued after the answer (a background task) may come late
    while True:
        await deliver_pending(smtp_settings(collector.port), limit=1000)
        received = collector.to(address)
        if received or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert received, f"no mail to {address}; the server has {[m['To'] for m in collector.messages]}"
    return received[-1]


def body_text(message: EmailMessage) -> str:
    """The plain-text part of a message."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()
