"""Confirming a new account's e-mail address, and removing the accounts never confirmed.

Registration writes an `AccountProfile` with `email_confirmed_at` empty and mails a link
`/account/confirm/<token>`; only the token's SHA-256 is stored (`EmailConfirmation`). The link works
once, until the account's deadline: 7 days after registration. An unconfirmed user may log in and draft,
but not submit an application nor get a bearer token. After the 7 days `remove_unconfirmed` (run by
the worker) removes the account, its memberships, join requests and tokens, and an organisation it
registered that has no other member, with that organisation's drafts.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.queries import language_of
from grants.accounts.rules import token_hash
from grants.accounts.service.membership import tell_owners_of_requests_by
from grants.accounts.tables import AccountProfile, EmailConfirmation, Membership, Organisation
from grants.core import audit, mail
from grants.core.auth import Principal
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, TooManyAttempts, is_foreign_key_violation
from grants.core.i18n import _
from grants.core.ratelimit import ActionLimiter, build_action_limiter
from grants.core.time import format_riga, from_db, now, to_utc
from grants.settings import get_settings

log = logging.getLogger("grants.accounts")

UNCONFIRMED_LIFETIME = timedelta(days=7)  # an account not confirmed in this time is removed
RESENDS_PER_HOUR = 3  # "send the link again", per user
MAX_TOKEN = 100  # longer than any token we make: refused before the database sees it
CONFIRM_SUBJECT = mail.N_("Confirm your e-mail address for Grants")

# What runs (inside the removal's transaction) before organisations of unconfirmed accounts are
# deleted: a domain above accounts whose rows stand on an organisation (the applications' drafts)
# removes them, and may return what to do after the commit (delete stored files). The caller that
# knows every domain (the worker) hands them to remove_unconfirmed.
AfterCommit = Callable[[], Awaitable[None]]
OrganisationsRemoved = Callable[[list[int]], Awaitable[AfterCommit | None]]


class Confirmed(StrEnum):
    confirmed = "confirmed"  # this link confirmed the address now
    used = "used"  # the link was used before: the address is confirmed
    expired = "expired"
    unknown = "unknown"  # no such link (or its account is gone)


def resend_limiter() -> ActionLimiter:
    s = get_settings()
    return _resend_limiter(s.redis_url)


@cache
def _resend_limiter(redis_url: str | None) -> ActionLimiter:
    return build_action_limiter(redis_url, "confirm-resend", RESENDS_PER_HOUR, 3600)


async def send_link(user_id: int, email: str, language: str, expires_at: datetime) -> None:
    """A new confirmation link for the user, mailed in `language`; inside the caller's transaction."""
    token = secrets.token_urlsafe(32)
    await EmailConfirmation.insert(
        EmailConfirmation(user=user_id, token_hash=token_hash(token), created_at=now(), expires_at=expires_at)
    )
    await mail.enqueue(
        email,
        CONFIRM_SUBJECT,
        "accounts/mail/confirm",
        {
            "link": f"{get_settings().base_url}/account/confirm/{token}",
            "expires": format_riga(expires_at, language),
        },
        language=language,
    )


async def confirm_email(token: str) -> Confirmed:
    """Open a confirmation link: the first time within its time, the address is confirmed."""
    if not token or len(token) > MAX_TOKEN or not token.isascii():
        return Confirmed.unknown
    moment = now()
    async with write_transaction():
        row = await for_update(
            EmailConfirmation.select(
                EmailConfirmation.id,
                EmailConfirmation.user,
                EmailConfirmation.expires_at,
                EmailConfirmation.used_at,
            ).where(EmailConfirmation.token_hash == token_hash(token))
        ).first()
        if row is None:
            return Confirmed.unknown
        if row["used_at"] is not None:
            return Confirmed.used
        if from_db(row["expires_at"]) <= moment:
            return Confirmed.expired
        await EmailConfirmation.update({EmailConfirmation.used_at: moment}).where(
            EmailConfirmation.id == row["id"]
        )
        await AccountProfile.update({AccountProfile.email_confirmed_at: moment}).where(
            (AccountProfile.user == row["user"]) & AccountProfile.email_confirmed_at.is_null()
        )
        await audit.record("confirm_email", "user", row["user"])
        await _welcome(row["user"])
        await tell_owners_of_requests_by(row["user"])
    return Confirmed.confirmed


async def mark_confirmed(user_id: int, actor: Principal | None = None) -> None:
    """Confirm a user's address without the link: for the demo and staff, who know the address is
    theirs. Outstanding links are spent; no mail goes out. Audited."""
    moment = now()
    async with write_transaction():
        await AccountProfile.update({AccountProfile.email_confirmed_at: moment}).where(
            (AccountProfile.user == user_id) & AccountProfile.email_confirmed_at.is_null()
        )
        await EmailConfirmation.update({EmailConfirmation.used_at: moment}).where(
            (EmailConfirmation.user == user_id) & EmailConfirmation.used_at.is_null()
        )
        await audit.record("confirm_email", "user", user_id, actor=actor, how="without the link")
        await tell_owners_of_requests_by(user_id)


async def _welcome(user_id: int) -> None:
    """The welcome mail, once the address is confirmed, to whoever registered an organisation."""
    owned = (
        await Membership.select(
            Membership.organisation.id.as_alias("id"),
            Membership.organisation.name.as_alias("name"),
            Membership.user.email.as_alias("email"),
            Membership.user.first_name.as_alias("first"),
            Membership.user.last_name.as_alias("last"),
        )
        .where((Membership.user == user_id) & (Membership.role == "owner"))
        .first()
    )
    if owned is None:
        return
    await mail.enqueue(
        owned["email"],
        mail.WELCOME_SUBJECT,
        "accounts/mail/welcome",
        {"organisation": owned["name"], "name": " ".join(p for p in (owned["first"], owned["last"]) if p)},
        language=await language_of(user_id),
        dedupe_key=f"welcome:{owned['id']}",
    )


async def resend_link(principal: Principal) -> None:
    """ "Send the link again" from the account page: a new link to the user's address, at most
    RESENDS_PER_HOUR an hour (TooManyAttempts after); nothing for a confirmed address."""
    profile = (
        await AccountProfile.select(AccountProfile.created_at, AccountProfile.email_confirmed_at)
        .where(AccountProfile.user == principal.user_id)
        .first()
    )
    if profile is None or profile["email_confirmed_at"] is not None:
        return
    expires_at = from_db(profile["created_at"]) + UNCONFIRMED_LIFETIME
    if expires_at <= now():
        raise Conflict(_("This account was not confirmed in time; register again."))
    if not await resend_limiter().reserve(str(principal.user_id)):
        raise TooManyAttempts(retry_after=3600)
    row = await BaseUser.select(BaseUser.username).where(BaseUser.id == principal.user_id).first()
    if row is None:
        return
    async with write_transaction():
        await send_link(principal.user_id, row["username"], await language_of(principal.user_id), expires_at)
        await audit.record("confirmation_resent", "user", principal.user_id, actor=principal)


async def remove_unconfirmed(moment: datetime, before_removal: Sequence[OrganisationsRemoved] = ()) -> int:
    """Remove the accounts whose address was not confirmed within UNCONFIRMED_LIFETIME of their
    registration, as of `moment`; the number removed. The worker runs it on its schedule.

    For each account, in a transaction of its own: an organisation it belongs to that has no other
    member goes too, after `before_removal` removed what stands on it (the applications domain:
    its drafts; an unconfirmed user cannot submit, so there is nothing else);
    then the user, whose roles, memberships, join requests, tokens, links and profile go with it
    (ON DELETE CASCADE), and their sessions. One audit row per account. An organisation that still
    has history (RESTRICT refuses its delete) keeps the whole account for a person to look at.
    """
    cutoff = to_utc(moment) - UNCONFIRMED_LIFETIME
    due = await AccountProfile.select(AccountProfile.user).where(
        AccountProfile.email_confirmed_at.is_null() & (AccountProfile.created_at < cutoff)
    )
    removed = 0
    for user_id in sorted(row["user"] for row in due):
        try:
            if await _remove_one(user_id, cutoff, before_removal):
                removed += 1
        except Exception as exc:
            if not is_foreign_key_violation(exc):
                raise
            log.warning("unconfirmed account %s kept: other records refer to it (%s)", user_id, exc)
    return removed


async def _remove_one(user_id: int, cutoff: datetime, before_removal: Sequence[OrganisationsRemoved]) -> bool:
    after: list[AfterCommit] = []
    async with write_transaction():
        still_due = await for_update(
            AccountProfile.select(AccountProfile.id).where(
                (AccountProfile.user == user_id)
                & AccountProfile.email_confirmed_at.is_null()
                & (AccountProfile.created_at < cutoff)
            )
        ).first()
        if still_due is None:  # confirmed meanwhile
            return False
        user = await BaseUser.select(BaseUser.username).where(BaseUser.id == user_id).first()
        organisations = await Membership.select(Membership.organisation).where(Membership.user == user_id)
        alone = [
            row["organisation"]
            for row in organisations
            if not await Membership.exists().where(
                (Membership.organisation == row["organisation"]) & (Membership.user != user_id)
            )
        ]
        if alone:
            for hook in before_removal:
                if (then := await hook(alone)) is not None:
                    after.append(then)
            await Organisation.delete().where(Organisation.id.is_in(alone))
        await SessionsBase.delete().where(SessionsBase.user_id == user_id)
        await BaseUser.delete().where(BaseUser.id == user_id)
        await audit.record(
            "remove_unconfirmed",
            "user",
            user_id,
            before={"email": user["username"] if user else "", "organisations": alone},
        )
    for then in after:
        await then()
    return True
