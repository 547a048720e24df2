"""What users choose for themselves: the language of the site and of their mail."""

from __future__ import annotations

from grants.accounts.service.membership import tell_owners_of_requests_by
from grants.accounts.tables import AccountProfile
from grants.core.db import write_transaction
from grants.core.i18n import LANGUAGES
from grants.core.time import now


async def set_language(user_id: int, language: str) -> bool:
    """Store the user's language (their mail follows it); False for a language we do not have.

    A user without a profile was made by staff (the CLI, the demo) and counts as confirmed: the row
    made here for them says so, so choosing a language never makes an address unconfirmed."""
    if language not in LANGUAGES:
        return False
    async with write_transaction():
        await AccountProfile.insert(
            AccountProfile(user=user_id, language=language, created_at=now(), email_confirmed_at=now())
        ).on_conflict(target=AccountProfile.user, action="DO UPDATE", values=[AccountProfile.language])
    return True


async def confirm_email(user_id: int) -> bool:
    """Mark the user's address confirmed, if they have a profile that is not yet; whether it changed.
    The caller's transaction (a reset proves the user reads the mailbox)."""
    rows = await (
        AccountProfile.update({AccountProfile.email_confirmed_at: now()})
        .where((AccountProfile.user == user_id) & AccountProfile.email_confirmed_at.is_null())
        .returning(AccountProfile.id)
    )
    if rows:
        await tell_owners_of_requests_by(user_id)  # their requests to join wait for owners from now on
    return bool(rows)
