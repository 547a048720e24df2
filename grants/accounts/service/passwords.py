"""Changing a password."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.rules import (
    check_password,
)
from grants.accounts.service.hashing import hash_password
from grants.accounts.service.logins import limiter, reserve_attempt, verify_password
from grants.accounts.tables import ApiToken
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import write_transaction
from grants.core.errors import NotFound, ValidationFailed
from grants.core.i18n import _


async def change_password(
    principal: Principal, current: str, new: str, client_ip: str, also: dict[str, str] | None = None
) -> None:
    """The site's rule for every password change (the account page and the panel): the password
    policy, the login limit on the current password, every other session and token ended, audited.
    `also`: the page's own errors (the new password typed twice), reported with these at once."""
    errors = check_password(new, "new_password") | (also or {})
    # The login's key and lookup are the username; the e-mail column is a contact the panel may edit.
    row = await BaseUser.select(BaseUser.username).where(BaseUser.id == principal.user_id).first()
    if row is None:
        raise NotFound
    username = row["username"]
    attempt = await reserve_attempt(username, client_ip)
    if await verify_password(username, current) != principal.user_id:
        errors = {"current_password": _("The current password is wrong.")} | errors
    else:  # the right password is no failed attempt, even when the new one is refused
        await limiter().succeeded(attempt)
    if errors:
        raise ValidationFailed(errors)
    hashed = await hash_password(new)
    async with write_transaction():
        await BaseUser.update({BaseUser.password: hashed}).where(BaseUser.id == principal.user_id)
        # Other sessions and tokens of this user end: whoever knew the old password is out.
        sessions = SessionsBase.delete().where(SessionsBase.user_id == principal.user_id)
        if principal.session_token:
            sessions = sessions.where(SessionsBase.token != principal.session_token)
        await sessions
        await ApiToken.delete().where(ApiToken.user == principal.user_id)
        await audit.record("password_change", "user", principal.user_id, actor=principal)
