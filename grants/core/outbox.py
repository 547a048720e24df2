"""The outbox's upkeep, done by `grants worker`: the rows of a sender that is gone, and old bodies.

See grants.core.mail for the claims (and the one crash window no design closes).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from grants.core.db import write_transaction
from grants.core.mail import MAX_ATTEMPTS
from grants.core.tables import OutboxMessage, OutboxStatus
from grants.core.time import now

log = logging.getLogger("grants.mail")


async def claimers_in_flight() -> set[str]:
    """The claimers named by rows in "sending" (not the ones without a presence)."""
    rows = await OutboxMessage.select(OutboxMessage.claimed_by).where(
        (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.claimed_by != "")
    )
    return {row["claimed_by"] for row in rows}


async def requeue_abandoned(claimer: str) -> list[int]:
    """Give back the rows of a claimer that is gone (the caller has made sure): pending again, sent
    with the same Message-ID; a row whose attempts are used up is failed instead."""
    error = f"the sending process {claimer} stopped before the server's answer was recorded"
    gone = (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.claimed_by == claimer)
    async with write_transaction():
        failed = await (
            OutboxMessage.update(status=OutboxStatus.failed, claimed_by="", claimed_at=None, last_error=error)
            .where(gone & (OutboxMessage.attempts >= MAX_ATTEMPTS))
            .returning(OutboxMessage.id)
        )
        rows = await (
            OutboxMessage.update(
                status=OutboxStatus.pending,
                claimed_by="",
                claimed_at=None,
                next_attempt_at=now(),
                last_error=error,
            )
            .where(gone)
            .returning(OutboxMessage.id)
        )
    ids = sorted(row["id"] for row in rows)
    if ids or failed:
        log.warning(
            "mail of %s, which stopped while sending: outbox ids %s pending again, %s failed",
            claimer,
            ids,
            sorted(row["id"] for row in failed),
        )
    return ids


async def blank_old_bodies(retention_days: int) -> int:
    """Blank the bodies of mail sent more than `retention_days` ago (they carry links and personal
    text); the row's metadata stays. Returns how many were blanked."""
    cutoff = now() - timedelta(days=retention_days)
    async with write_transaction():
        rows = await (
            OutboxMessage.update(body_text="", body_html=None)
            .where(
                (OutboxMessage.status == OutboxStatus.sent)
                & (OutboxMessage.sent_at < cutoff)
                & ((OutboxMessage.body_text != "") | OutboxMessage.body_html.is_not_null())
            )
            .returning(OutboxMessage.id)
        )
    return len(rows)
