"""Two-factor sign-in (TOTP, RFC 6238, with pyotp): enrolment, codes, recovery codes, pending logins,
and the sessions that passed it.

Staff and reviewers need it while settings.two_factor_required is on; anyone who turned it on for
themselves is asked for it too. The secret is stored encrypted (piccolo_api's FernetProvider, with a
key derived from SECRET_KEY); a code works once (the last time-step used is kept and only a later
one passes, checked under the row's lock); recovery codes are stored as HMACs and each works once.
Wrong codes count in the shared login limiter under a key of their own, which a right password does
not clear.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import pyotp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from piccolo.apps.user.tables import BaseUser
from piccolo_api.encryption.providers import FernetProvider
from piccolo_api.mfa.recovery_codes import generate_recovery_code
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.rules import PANEL_ROLES, token_hash
from grants.accounts.service.logins import limiter, reserve_attempt
from grants.accounts.tables import PendingLogin, SecondFactorSession, TwoFactor, UserRole
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound
from grants.core.i18n import _
from grants.core.time import now
from grants.settings import get_settings

ISSUER = "Grants"
RECOVERY_CODES = 10
PENDING_LIFETIME = timedelta(minutes=5)
PENDING_ATTEMPTS = 5  # wrong codes per pending login; then the password is asked again
DRIFT_STEPS = 1  # a code of the step before or after also passes (a phone's clock is off by seconds)
CODE_KEY_PREFIX = "2fa:"  # the limiter's account key for codes: a right password does not clear it


class WrongCode(Exception):
    """The TOTP or recovery code is not right, or was used already."""


class EnrolmentRequired(Exception):
    """The user needs the second factor but has not set it up yet."""


@dataclass(frozen=True)
class Status:
    enrolled: bool
    required: bool
    recovery_codes_left: int
    confirmed_at: datetime | None


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, for typing into an app by hand
    uri: str  # otpauth://, for the QR code


# --- keys ----------------------------------------------------------------------------------------


@cache
def _derived(secret_key: str, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"grants-two-factor", info=purpose)
    return hkdf.derive(secret_key.encode())


def _cipher() -> FernetProvider:
    key = _derived(get_settings().secret_key, b"totp secret")
    return FernetProvider(encryption_key=base64.urlsafe_b64encode(key))


def _recovery_hash(code: str) -> str:
    normalised = code.strip().lower().replace("-", "").replace(" ", "")
    key = _derived(get_settings().secret_key, b"recovery code")
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def _new_recovery_codes() -> tuple[list[str], str]:
    codes = [generate_recovery_code(length=10) for _ in range(RECOVERY_CODES)]
    return codes, json.dumps([_recovery_hash(c) for c in codes])


# --- who needs it --------------------------------------------------------------------------------


def required_for(roles: frozenset[Role] | set[Role]) -> bool:
    """Whether these roles need the second factor under the current settings."""
    return get_settings().two_factor_required and bool(set(roles) & PANEL_ROLES)


async def _roles(user_id: int) -> set[Role]:
    return {Role(r["role"]) for r in await UserRole.select(UserRole.role).where(UserRole.user == user_id)}


async def is_enrolled(user_id: int) -> bool:
    return await TwoFactor.exists().where((TwoFactor.user == user_id) & TwoFactor.confirmed_at.is_not_null())


async def needs_second_factor(user_id: int) -> bool:
    """After a right password: whether a code must follow (required by a role, or turned on)."""
    return required_for(await _roles(user_id)) or await is_enrolled(user_id)


async def status(principal: Principal) -> Status:
    row = (
        await TwoFactor.select(TwoFactor.confirmed_at, TwoFactor.recovery_codes)
        .where((TwoFactor.user == principal.user_id) & TwoFactor.confirmed_at.is_not_null())
        .first()
    )
    return Status(
        enrolled=row is not None,
        required=required_for(await _roles(principal.user_id)),
        recovery_codes_left=len(json.loads(row["recovery_codes"])) if row else 0,
        confirmed_at=row["confirmed_at"] if row else None,
    )


# --- enrolment -----------------------------------------------------------------------------------


async def _username(user_id: int) -> str:
    row = await BaseUser.select(BaseUser.username).where(BaseUser.id == user_id).first()
    if row is None:
        raise NotFound
    return str(row["username"])


async def start_enrolment(user_id: int) -> Enrolment:
    """The secret to enrol with: a new one, or the one of an enrolment begun and not confirmed yet.
    Conflict when the user is enrolled already (the secret is never shown again)."""
    username = await _username(user_id)
    async with write_transaction():
        row = await for_update(
            TwoFactor.select(TwoFactor.secret, TwoFactor.confirmed_at).where(TwoFactor.user == user_id)
        ).first()
        if row is not None and row["confirmed_at"] is not None:
            raise Conflict(_("Two-factor sign-in is already on."))
        if row is None:
            secret = pyotp.random_base32()
            await TwoFactor.insert(TwoFactor(user=user_id, secret=_cipher().encrypt(secret)))
        else:
            secret = _cipher().decrypt(row["secret"])
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)
    return Enrolment(secret=secret, uri=uri)


def _matching_step(secret: str, code: str) -> int | None:
    """The time-step whose code this is (within the allowed drift), else None."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not (code.isascii() and code.isdigit()):  # "²²²²²²" is no code
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now())
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def confirm_enrolment(user_id: int, code: str, client_ip: str) -> list[str]:
    """The first code from the app confirms the enrolment; returns the recovery codes (shown once)."""
    username = await _username(user_id)
    attempt = await _reserve(username, client_ip)
    async with write_transaction():
        row = await for_update(
            TwoFactor.select(TwoFactor.id, TwoFactor.secret, TwoFactor.confirmed_at).where(
                TwoFactor.user == user_id
            )
        ).first()
        if row is None or row["confirmed_at"] is not None:
            raise Conflict(_("Start the set-up again."))
        step = _matching_step(_cipher().decrypt(row["secret"]), code)
        if step is None:
            raise WrongCode  # the reserved attempt stays, as the failure
        codes, hashed = _new_recovery_codes()
        await TwoFactor.update(
            {TwoFactor.confirmed_at: now(), TwoFactor.last_step: step, TwoFactor.recovery_codes: hashed}
        ).where(TwoFactor.id == row["id"])
        await audit.record("two_factor_enrol", "user", user_id, after={"recovery_codes": RECOVERY_CODES})
    await limiter().succeeded(attempt)
    return codes


# --- codes ---------------------------------------------------------------------------------------


async def _reserve(username: str, client_ip: str):  # noqa: ANN202 (the limiter's Attempt)
    return await reserve_attempt(CODE_KEY_PREFIX + username, client_ip)


async def verify(user_id: int, code: str, client_ip: str, actor: Principal | None = None) -> str:
    """Check a TOTP code (or a recovery code) of an enrolled user: "totp" or "recovery" when right;
    WrongCode (counted as a failed login), TooManyAttempts, EnrolmentRequired otherwise."""
    username = await _username(user_id)
    attempt = await _reserve(username, client_ip)
    async with write_transaction():
        row = await for_update(
            TwoFactor.select(
                TwoFactor.id, TwoFactor.secret, TwoFactor.last_step, TwoFactor.recovery_codes
            ).where((TwoFactor.user == user_id) & TwoFactor.confirmed_at.is_not_null())
        ).first()
        if row is None:
            raise EnrolmentRequired
        kind = None
        step = _matching_step(_cipher().decrypt(row["secret"]), code)
        if step is not None:
            if row["last_step"] is not None and step <= row["last_step"]:
                raise WrongCode  # this code (or a later one) was used already
            await TwoFactor.update({TwoFactor.last_step: step}).where(TwoFactor.id == row["id"])
            kind = "totp"
        elif len(code) <= 40:
            unused = json.loads(row["recovery_codes"])
            hashed = _recovery_hash(code)
            if hashed in unused:
                unused.remove(hashed)
                await TwoFactor.update({TwoFactor.recovery_codes: json.dumps(unused)}).where(
                    TwoFactor.id == row["id"]
                )
                await audit.record(
                    "two_factor_recovery_code", "user", user_id, actor=actor, after={"left": len(unused)}
                )
                kind = "recovery"
        if kind is None:
            raise WrongCode
    await limiter().succeeded(attempt)
    return kind


async def new_recovery_codes(principal: Principal, code: str, client_ip: str) -> list[str]:
    """New recovery codes for a current code; the old ones stop working."""
    await verify(principal.user_id, code, client_ip, principal)
    codes, hashed = _new_recovery_codes()
    async with write_transaction():
        await TwoFactor.update({TwoFactor.recovery_codes: hashed}).where(TwoFactor.user == principal.user_id)
        await audit.record("two_factor_recovery_codes", "user", principal.user_id, actor=principal)
    return codes


async def turn_off(principal: Principal, code: str, client_ip: str) -> None:
    """Two-factor sign-in off, for a current code; refused while the user's roles require it."""
    if required_for(await _roles(principal.user_id)):  # the roles held, even where this session lacks them
        raise Conflict(_("Your role requires two-factor sign-in: it cannot be turned off."))
    await verify(principal.user_id, code, client_ip, principal)
    async with write_transaction():
        await TwoFactor.delete().where(TwoFactor.user == principal.user_id)
        await audit.record("two_factor_off", "user", principal.user_id, actor=principal)


# --- pending logins ------------------------------------------------------------------------------


async def begin_login(user_id: int, next_page: str) -> str:
    """A pending login after a right password: its token (for a cookie), valid PENDING_LIFETIME."""
    token = secrets.token_urlsafe(32)
    async with write_transaction():
        await PendingLogin.delete().where(PendingLogin.expires_at < now())
        await PendingLogin.insert(
            PendingLogin(
                token_hash=token_hash(token),
                user=user_id,
                next_page=next_page[: PendingLogin.next_page.length],
                expires_at=now() + PENDING_LIFETIME,
            )
        )
    return token


@dataclass(frozen=True)
class Pending:
    user_id: int
    next_page: str
    enrolled: bool


async def pending_login(token: str | None) -> Pending | None:
    """The pending login of this token, if it has not expired nor run out of attempts."""
    if not token or len(token) > 100:
        return None
    row = (
        await PendingLogin.select(PendingLogin.user, PendingLogin.next_page)
        .where((PendingLogin.token_hash == token_hash(token)) & (PendingLogin.expires_at > now()))
        .first()
    )
    if row is None:
        return None
    return Pending(row["user"], row["next_page"], await is_enrolled(row["user"]))


async def failed_attempt(token: str) -> bool:
    """Count a wrong code on the pending login; False (and the pending login gone) when no tries are left."""
    async with write_transaction():
        row = await for_update(
            PendingLogin.select(PendingLogin.id, PendingLogin.attempts).where(
                PendingLogin.token_hash == token_hash(token)
            )
        ).first()
        if row is None:
            return False
        if row["attempts"] + 1 >= PENDING_ATTEMPTS:
            await PendingLogin.delete().where(PendingLogin.id == row["id"])
            return False
        await PendingLogin.update({PendingLogin.attempts: row["attempts"] + 1}).where(
            PendingLogin.id == row["id"]
        )
    return True


async def end_pending_login(token: str) -> None:
    await PendingLogin.delete().where(PendingLogin.token_hash == token_hash(token))


# --- sessions ------------------------------------------------------------------------------------


async def passed(session_token: str) -> None:
    """Record that this session passed the second factor."""
    row = await SessionsBase.select(SessionsBase.id).where(SessionsBase.token == session_token).first()
    if row is not None:
        await SecondFactorSession.insert(SecondFactorSession(session=row["id"]))


async def without_skipped_roles(principal: Principal) -> Principal:
    """The session's caller; a staff member or reviewer whose session did not pass the second factor
    while it is required keeps only their other roles (no panel, no back office)."""
    if not required_for(principal.roles) or principal.session_token is None:
        return principal
    if await SecondFactorSession.exists().where(SecondFactorSession.session.token == principal.session_token):
        return principal
    return dataclasses.replace(principal, roles=principal.roles - PANEL_ROLES)
