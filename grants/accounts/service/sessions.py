"""Sessions (the cookie of the site and the panel) and bearer tokens."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.queries import load_principal
from grants.accounts.rules import (
    token_hash,
)
from grants.accounts.service import two_factor
from grants.accounts.tables import ApiToken
from grants.core.auth import SESSION_EXTENSION, SESSION_MAX_LIFETIME, Principal
from grants.core.time import now
from grants.settings import get_settings


async def start_session(user_id: int, previous_token: str | None = None) -> str:
    """A new session id at every login, so a planted one is never promoted."""
    if previous_token:
        await SessionsBase.remove_session(previous_token)
    # piccolo_api compares session expiry with naive local time; hand it the same.
    local = datetime.now()  # noqa: DTZ005
    session = await SessionsBase.create_session(
        user_id,
        expiry_date=local + timedelta(hours=get_settings().session_hours),
        max_expiry_date=local + SESSION_MAX_LIFETIME,
    )
    return str(session.token)


async def end_session(token: str) -> None:
    await SessionsBase.remove_session(token)


async def issue_token(user_id: int) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    moment = now()  # the clock of TwoFactor.confirmed_at, which principal_for_token compares it with
    expires_at = moment + timedelta(hours=get_settings().token_hours)
    await ApiToken.insert(
        ApiToken(user=user_id, token_hash=token_hash(token), created_at=moment, expires_at=expires_at)
    )
    return token, expires_at


async def principal_for_session(token: str) -> Principal | None:
    """The caller behind a session cookie; each use extends the session (a write, hence here)."""
    user_id = await SessionsBase.get_user_id(token, increase_expiry=SESSION_EXTENSION)
    principal = await load_principal(user_id, "session", token) if user_id else None
    # A staff member's or reviewer's session that skipped a required second factor: no panel roles.
    return await two_factor.without_skipped_roles(principal) if principal else None
