"""Password reset by e-mail: the request (a one-use link for an hour), the new password, clean-up.

Only the SHA-256 of a link's token is stored. The answer to a request never tells whether the
address has an account: only an active user gets a mail, everyone gets the same page. Requests are
counted per address and per client in the login limits' store (the database or Redis), so the
limit holds across workers.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.queries import user_recipient
from grants.accounts.rules import EMAIL, MAX_EMAIL, check_password, normalise_email, token_hash
from grants.accounts.service.hashing import hash_password
from grants.accounts.service.logins import limiter
from grants.accounts.service.profiles import confirm_email
from grants.accounts.tables import ApiToken, PasswordReset
from grants.core import audit, mail
from grants.core.db import write_transaction
from grants.core.errors import TooManyAttempts, ValidationFailed
from grants.core.ratelimit import KEY_LENGTH
from grants.core.time import now
from grants.settings import get_settings

RESET_LIFETIME = timedelta(hours=1)
KEEP_AFTER_END = timedelta(days=1)  # used or expired links stay a day (for the audit's sake), then go
RESET_SUBJECT = mail.N_("Reset your Grants password")


class ResetLinkInvalid(Exception):
    """The link is unknown, expired or used (or its user is no longer active)."""


async def _count_request(email: str, client_ip: str) -> None:
    """One request more per address and per client, in the login limits' store and window (the
    database store drops rows older than the window it is given, so every user of it gives the same);
    TooManyAttempts when either is over its limit."""
    shared = limiter()
    limit = get_settings().password_reset_max_requests
    # The address as a digest: any text fits the key column, and the store holds no address.
    address_key = "reset:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()
    client_key = f"reset-ip:{client_ip}"[:KEY_LENGTH]
    if await shared.store.reserve({address_key: limit, client_key: limit * 4}, shared.window) is None:
        raise TooManyAttempts


async def request_reset(email: str, client_ip: str) -> bool:
    """Send a reset link if an active account has this address; whether one was sent (the caller
    must not tell). TooManyAttempts over the limit, whatever the address."""
    await limit_request(email, client_ip)
    return await send_reset(email)


async def limit_request(email: str, client_ip: str) -> None:
    """Count one request (TooManyAttempts over the limit, whatever the address): the part of a
    request the answer waits for. The pages and the API answer, then run send_reset after the
    response, so how long the answer takes does not tell whether the address has an account."""
    await _count_request(normalise_email(email), client_ip)


async def send_reset(email: str) -> bool:
    """Mail a reset link if an active account has this address; whether one was sent."""
    email = normalise_email(email)
    if not EMAIL.match(email) or len(email) > MAX_EMAIL:
        return False
    user = (
        await BaseUser.select(BaseUser.id)
        .where((BaseUser.username == email) & BaseUser.active.eq(True))
        .first()
    )
    recipient = await user_recipient(user["id"]) if user else None
    if user is None or recipient is None:
        return False
    token = secrets.token_urlsafe(32)
    moment = now()
    async with write_transaction():
        await PasswordReset.insert(
            PasswordReset(
                user=user["id"],
                token_hash=token_hash(token),
                created_at=moment,
                expires_at=moment + RESET_LIFETIME,
            )
        )
        await audit.record("password_reset_request", "user", user["id"])
        await mail.enqueue(
            recipient.email,
            RESET_SUBJECT,
            "accounts/mail/password_reset",
            {"link": f"{get_settings().base_url}/password/reset/{token}", "email": email},
            language=recipient.language,
        )
    return True


def _open(token: str, moment: datetime) -> Any:
    """The condition of an open link: this token's, unused, not expired."""
    return (
        (PasswordReset.token_hash == token_hash(token))
        & PasswordReset.used_at.is_null()
        & (PasswordReset.expires_at > moment)
    )


async def reset_user(token: str) -> int | None:
    """The active user whose open link this is, or None (unknown, expired, used)."""
    if not token or len(token) > 100:
        return None
    row = await PasswordReset.select(PasswordReset.user).where(_open(token, now())).first()
    if row is None or not await BaseUser.exists().where(
        (BaseUser.id == row["user"]) & BaseUser.active.eq(True)
    ):
        return None
    return int(row["user"])


async def complete_reset(token: str, password: str, field: str = "password") -> int:
    """Set the new password through an open link; returns the user's id. The link is used up by one
    conditional UPDATE, so of two parallel uses one wins; the other gets ResetLinkInvalid. Every
    session and bearer token of the user ends, their other open links too; the address counts as
    confirmed (the mail reached them)."""
    if await reset_user(token) is None:
        raise ResetLinkInvalid
    errors = check_password(password, field)
    if errors:
        raise ValidationFailed(errors)
    hashed = await hash_password(password)
    moment = now()
    async with write_transaction():
        used = await (
            PasswordReset.update({PasswordReset.used_at: moment})
            .where(_open(token, moment))
            .returning(PasswordReset.user)
        )
        if not used:
            raise ResetLinkInvalid
        user_id = int(used[0]["user"])
        changed = await (
            BaseUser.update({BaseUser.password: hashed})
            .where((BaseUser.id == user_id) & BaseUser.active.eq(True))
            .returning(BaseUser.id)
        )
        if not changed:
            raise ResetLinkInvalid  # deactivated meanwhile: the transaction rolls back, the link stays
        await PasswordReset.update({PasswordReset.used_at: moment}).where(
            (PasswordReset.user == user_id) & PasswordReset.used_at.is_null()
        )
        await SessionsBase.delete().where(SessionsBase.user_id == user_id)
        await ApiToken.delete().where(ApiToken.user == user_id)
        await confirm_email(user_id)
        await audit.record("password_reset", "user", user_id, via="email_link")
    return user_id


async def purge_expired_resets(moment: datetime) -> int:
    """Delete the links used or expired over a day before `moment`; how many went. For the worker."""
    cutoff = moment - KEEP_AFTER_END
    async with write_transaction():
        gone = await (
            PasswordReset.delete()
            .where((PasswordReset.expires_at < cutoff) | (PasswordReset.used_at < cutoff))
            .returning(PasswordReset.id)
        )
    return len(gone)
