"""How a coordinator follows a municipality: the secret calendar link and the weekly digest.

A calendar link's token is shown once, when it is made; only its SHA-256 is kept. Making a new
link for a municipality removes the caller's old one, so the old address stops working at once.
The digest is a switch: one row while the user wants it.
"""

from __future__ import annotations

import secrets

from piccolo.apps.user.tables import BaseUser

from grants.accounts.rules import token_hash
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import for_update, write_transaction
from grants.reporting.tables import CalendarFeed, WeeklyDigest

TOKEN_BYTES = 32


async def replace_feed(principal: Principal, municipality_id: int) -> str:
    """A new calendar link of this municipality for the caller, revoking theirs; the token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    async with write_transaction():
        # The user's row serialises two requests of the same person (PostgreSQL; SQLite's write lock).
        await for_update(BaseUser.select(BaseUser.id).where(BaseUser.id == principal.user_id))
        old = await CalendarFeed.select(CalendarFeed.id).where(
            (CalendarFeed.user == principal.user_id) & (CalendarFeed.municipality == municipality_id)
        )
        if old:
            await CalendarFeed.delete().where(CalendarFeed.id.is_in([row["id"] for row in old]))
        rows = await CalendarFeed.insert(
            CalendarFeed(user=principal.user_id, municipality=municipality_id, token_hash=token_hash(token))
        ).returning(CalendarFeed.id)
        await audit.record(
            "calendar_feed.replace" if old else "calendar_feed.create",
            "calendar_feed",
            rows[0]["id"],
            actor=principal,
            municipality=municipality_id,
            revoked=[row["id"] for row in old],
        )
    return token


async def set_digest(principal: Principal, wanted: bool) -> bool:
    """Switch the caller's weekly digest on or off; whether anything changed."""
    async with write_transaction():
        if wanted:
            rows = await WeeklyDigest.insert(WeeklyDigest(user=principal.user_id)).on_conflict(
                target=WeeklyDigest.user, action="DO NOTHING"
            )
            changed = bool(rows)
        else:
            removed = (
                await WeeklyDigest.delete()
                .where(WeeklyDigest.user == principal.user_id)
                .returning(WeeklyDigest.id)
            )
            changed = bool(removed)
        if changed:
            await audit.record(
                "weekly_digest.subscribe" if wanted else "weekly_digest.unsubscribe",
                "user",
                principal.user_id,
                actor=principal,
            )
    return changed
