"""The outbox: messages queued for tests and their rows."""

from __future__ import annotations

from datetime import timedelta

from grants.core.mail import enqueue
from grants.core.tables import OutboxMessage
from grants.core.time import now
from grants.settings import Settings
from tests.factories.accounts import unique_email

LETTERS = "ā č ē ģ ī ķ ļ ņ š ū ž"


SUBJECT = "Jūsu pieteikums ir saņemts"


ORGANISATION = f"Biedrība “{LETTERS}”"


def smtp_settings(port: int | None) -> Settings:
    env = {"GRANTS_ENV": "test", "SECRET_KEY": "mail-test-secret-key-0123456789abcdef"}
    if port is not None:
        env["SMTP_URL"] = f"smtp://127.0.0.1:{port}?from=grants@example.lv"
    return Settings.from_env(env)


async def queue(to: str | None = None, **kwargs) -> int:
    message_id = await enqueue(
        to or unique_email("ngo"),
        kwargs.pop("subject", SUBJECT),
        "accounts/mail/welcome",
        {"organisation": ORGANISATION, "name": "Anna Bērziņa"},
        **kwargs,
    )
    assert message_id is not None
    return message_id


async def row(message_id: int) -> dict:
    return await OutboxMessage.select().where(OutboxMessage.id == message_id).first()


async def outbox_for(address: str) -> list[dict]:
    """The messages queued to `address`, oldest first."""
    return (
        await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.dedupe_key)
        .where(OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id)
    )


async def make_due(message_id: int) -> None:
    await OutboxMessage.update({OutboxMessage.next_attempt_at: now() - timedelta(seconds=1)}).where(
        OutboxMessage.id == message_id
    )


async def queue_or_none(**kwargs) -> int | None:
    return await enqueue(
        unique_email(), SUBJECT, "accounts/mail/welcome", {"organisation": ORGANISATION}, **kwargs
    )
