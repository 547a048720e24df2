"""Every check of a password: the shared login limit, the hash in a thread, the one login check
of the site, the token API and the admin panel."""

from __future__ import annotations

import hmac
from datetime import datetime
from functools import cache
from typing import Any

from piccolo.apps.user.tables import BaseUser

from grants.accounts.rules import (
    MAX_EMAIL,
    normalise_email,
)
from grants.accounts.service.hashing import hash_password
from grants.core.errors import InvalidCredentials, TooManyAttempts
from grants.core.ratelimit import Attempt, LoginLimiter, build_limiter
from grants.settings import get_settings


def limiter() -> LoginLimiter:
    """The login limiter of the current settings (the store, the limit and the window)."""
    s = get_settings()
    return _limiter(s.redis_url, s.login_max_failures, s.login_window_seconds)


@cache
def _limiter(redis_url: str | None, limit: int, window: int) -> LoginLimiter:
    return build_limiter(redis_url, limit, window)


async def reserve_attempt(email: str, client_ip: str) -> Attempt:
    """Every check of a password (a login on any path, the current password at a change) starts here:
    the try is counted as a failure before the password is checked, atomically, so parallel tries
    cannot pass the limit; TooManyAttempts when the account or the address is over it."""
    attempt = await limiter().reserve(email, client_ip)
    if attempt is None:
        raise TooManyAttempts
    return attempt


async def verify_password(email: str, password: str) -> int | None:
    """The user's id when the password is theirs (active or not), else None; as BaseUser.login,
    but the PBKDF2 runs in the hashing pool, so a login does not stall every other request meanwhile."""
    if len(password) > BaseUser._max_password_length:
        return None
    row = await BaseUser.select(BaseUser.id, BaseUser.password).where(BaseUser.username == email).first()
    if row is None:
        await hash_password(password)  # the same time as for a real account
        return None
    _algorithm, iterations, salt, _hashed = BaseUser.split_stored_password(row["password"])
    hashed = await hash_password(password, salt, int(iterations))
    if not hmac.compare_digest(hashed, row["password"]):
        return None
    changes: dict[Any, Any] = {BaseUser.last_login: datetime.now()}  # noqa: DTZ005 (piccolo's naive column)
    if int(iterations) != BaseUser._pbkdf2_iteration_count:  # an older hash: store it with today's count
        changes[BaseUser.password] = await hash_password(password)
    await BaseUser.update(changes).where(BaseUser.id == row["id"])
    return int(row["id"])


async def authenticate(email: str, password: str, client_ip: str) -> int:
    """The user's id for a right password of an active user; InvalidCredentials or TooManyAttempts
    otherwise. The one login check of the site's page, the token API and the admin panel."""
    email = normalise_email(email)
    if not limiter().accepts(email) or len(email) > MAX_EMAIL:
        raise InvalidCredentials  # no account has such an e-mail, and it would not fit the key column
    attempt = await reserve_attempt(email, client_ip)
    user_id = await verify_password(email, password)
    if user_id is None or not await BaseUser.exists().where(
        (BaseUser.id == user_id) & BaseUser.active.eq(True)
    ):
        raise InvalidCredentials  # the reserved attempt stays, as the failure
    await limiter().succeeded(attempt)
    return user_id
