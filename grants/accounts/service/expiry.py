"""Clean-up of what has expired: login sessions, bearer tokens and logins waiting for their second
factor (run hourly by `grants worker`).

An expired session or token already lets nobody in; removing it keeps the tables small and leaves
nothing to steal. Nothing is audited: no one's state changes.
"""

from __future__ import annotations

from datetime import datetime

from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.tables import ApiToken, PendingLogin
from grants.core.db import write_transaction
from grants.core.time import now


async def purge_expired_sessions() -> int:
    """Sessions past their expiry or their longest life; how many were removed."""
    # piccolo_api stores and compares naive local times (see sessions.start_session): compare the same.
    local = datetime.now()  # noqa: DTZ005
    async with write_transaction():
        rows = await (
            SessionsBase.delete()
            .where((SessionsBase.expiry_date < local) | (SessionsBase.max_expiry_date < local))
            .returning(SessionsBase.id)
        )
    return len(rows)


async def purge_expired_tokens() -> int:
    """Bearer tokens past their expiry; how many were removed."""
    async with write_transaction():
        rows = await ApiToken.delete().where(ApiToken.expires_at < now()).returning(ApiToken.id)
    return len(rows)


async def purge_expired_pending_logins() -> int:
    """Logins whose password was right but whose code never came, past their few minutes; how many
    were removed (a new login removes them too, but a user who never comes back leaves theirs)."""
    async with write_transaction():
        rows = await PendingLogin.delete().where(PendingLogin.expires_at < now()).returning(PendingLogin.id)
    return len(rows)
