"""The calls' e-mails: to the organisations with a draft on a call when its deadline moves later.

Enqueued in the caller's transaction, each in its reader's language (grants.core.mail)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from grants.accounts.queries import member_recipients
from grants.calls.tables import Call
from grants.core import mail
from grants.core.time import format_riga

EXTENDED_SUBJECT = mail.N_("The deadline of %(title)s is extended")


async def draft_organisations(call_id: int) -> list[int]:
    """The organisations with an application still in draft on the call."""
    # applications sit above calls (import-linter): their table is named, not imported.
    rows = await Call.raw(
        "SELECT DISTINCT organisation FROM application WHERE \"call\" = {} AND status = 'draft' "
        "ORDER BY organisation",
        call_id,
    )
    return [int(row["organisation"]) for row in rows]


async def tell_deadline_extended(call_id: int, before: datetime, after: datetime) -> int:
    """Every member of each organisation with a draft on the call: the new deadline (and the old one).
    Returns how many organisations were told."""
    call = await Call.select(Call.title).where(Call.id == call_id).first()
    organisations = await draft_organisations(call_id)
    for organisation in organisations:
        for recipient in await member_recipients(organisation):
            await mail.enqueue(
                recipient.email,
                EXTENDED_SUBJECT,
                "calls/mail/deadline_extended",
                {
                    "call_id": call_id,
                    "title": call["title"],
                    "before": format_riga(before, recipient.language),
                    "after": format_riga(after, recipient.language),
                },
                language=recipient.language,
                dedupe_key=f"extended:{call_id}:{int(after.timestamp())}:{_short(recipient.email)}",
            )
    return len(organisations)


def _short(address: str) -> str:
    """An address in a dedupe key of bounded length (the column holds 200 characters)."""
    return hashlib.sha256(address.encode()).hexdigest()[:24]
