"""Accounts: registration, login, sessions, tokens and roles. The only writer of these rows."""

from __future__ import annotations

import asyncio
import hmac
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.queries import current_municipality_id, load_principal, municipality_id_for_role
from grants.accounts.rules import (
    EMAIL,
    MAX_EMAIL,
    ORG_REG_NO,
    check_password,
    normalise_email,
    split_name,
    token_hash,
)
from grants.accounts.tables import ApiToken, LegalForm, Membership, Organisation, UserRole
from grants.core import audit, mail
from grants.core.auth import SESSION_EXTENSION, SESSION_MAX_LIFETIME, Principal, Role
from grants.core.db import write_transaction
from grants.core.errors import Conflict, InvalidCredentials, NotFound, TooManyAttempts, ValidationFailed
from grants.core.i18n import _
from grants.core.ratelimit import Attempt, LoginLimiter, build_limiter
from grants.core.time import now
from grants.settings import get_settings

PANEL_ROLES = {Role.staff, Role.reviewer}  # roles that log in to the admin panel


def limiter() -> LoginLimiter:
    """The login limiter of the current settings (the store, the limit and the window)."""
    s = get_settings()
    return _limiter(s.redis_url, s.login_max_failures, s.login_window_seconds)


@cache
def _limiter(redis_url: str | None, limit: int, window: int) -> LoginLimiter:
    return build_limiter(redis_url, limit, window)


async def register(email: str, password: str, name: str, organisation: dict[str, Any]) -> tuple[int, int]:
    """An applicant and their organisation; returns (user id, organisation id)."""
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if not EMAIL.match(email) or len(email) > MAX_EMAIL:
        errors["email"] = _("Enter a valid e-mail address.")
    errors.update(check_password(password))
    if not name.strip():
        errors["name"] = _("Enter your name.")
    org_name = str(organisation.get("name", "")).strip()
    if not org_name:
        errors["organisation.name"] = _("Enter the organisation's name.")
    reg_no = str(organisation.get("registration_number", "")).strip()
    if not ORG_REG_NO.match(reg_no):
        errors["organisation.registration_number"] = _("The registration number must be exactly 11 digits.")
    legal_form = str(organisation.get("legal_form", ""))
    if legal_form not in {f.value for f in LegalForm}:
        errors["organisation.legal_form"] = _("Choose the legal form.")
    municipality_id = await current_municipality_id(str(organisation.get("municipality_code", "")))
    if municipality_id is None:
        errors["organisation.municipality_code"] = _("Choose a municipality.")
    if errors:
        raise ValidationFailed(errors)

    async with write_transaction():
        if await BaseUser.exists().where(BaseUser.username == email):
            raise Conflict(_("An account with this e-mail address already exists."), "email")
        if await Organisation.exists().where(Organisation.registration_number == reg_no):
            raise Conflict(
                _("This organisation is already registered; ask its members to add you."),
                "organisation.registration_number",
            )
        first, last = split_name(name)
        user = BaseUser(
            username=email,
            email=email,
            password=password,
            first_name=first,
            last_name=last,
            active=True,
            admin=False,
        )
        await user.save()
        org = Organisation(
            name=org_name,
            registration_number=reg_no,
            legal_form=legal_form,
            municipality=municipality_id,
            address=str(organisation.get("address", "")).strip(),
            email=str(organisation.get("email", "") or email).strip(),
            phone=str(organisation.get("phone", "")).strip(),
            contact_person=name.strip(),
        )
        await org.save()
        await UserRole.insert(UserRole(user=user.id, role=Role.applicant))
        await Membership.insert(Membership(user=user.id, organisation=org.id, role="owner"))
        await audit.record("register", "organisation", org.id, after={"user": email, "organisation": reg_no})
        await mail.enqueue(
            email,
            mail.WELCOME_SUBJECT,
            "accounts/mail/welcome",
            {"organisation": org_name, "name": name.strip()},
            dedupe_key=f"welcome:{org.id}",
        )
    return user.id, org.id


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
    but the PBKDF2 runs in a thread, so a login does not stall every other request meanwhile."""
    if len(password) > BaseUser._max_password_length:
        return None
    row = await BaseUser.select(BaseUser.id, BaseUser.password).where(BaseUser.username == email).first()
    if row is None:
        await asyncio.to_thread(BaseUser.hash_password, password)  # the same time as for a real account
        return None
    _algorithm, iterations, salt, _hashed = BaseUser.split_stored_password(row["password"])
    hashed = await asyncio.to_thread(BaseUser.hash_password, password, salt, int(iterations))
    if not hmac.compare_digest(hashed, row["password"]):
        return None
    changes: dict[Any, Any] = {BaseUser.last_login: datetime.now()}  # noqa: DTZ005 (piccolo's naive column)
    if int(iterations) != BaseUser._pbkdf2_iteration_count:  # an older hash: store it with today's count
        changes[BaseUser.password] = await asyncio.to_thread(BaseUser.hash_password, password)
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
    expires_at = now() + timedelta(hours=get_settings().token_hours)
    await ApiToken.insert(ApiToken(user=user_id, token_hash=token_hash(token), expires_at=expires_at))
    return token, expires_at


async def principal_for_session(token: str) -> Principal | None:
    """The caller behind a session cookie; each use extends the session (a write, hence here)."""
    user_id = await SessionsBase.get_user_id(token, increase_expiry=SESSION_EXTENSION)
    return await load_principal(user_id, "session", token) if user_id else None


async def change_password(principal: Principal, current: str, new: str, client_ip: str) -> None:
    """The site's rule for every password change (the account page and the panel): the password
    policy, the login limit on the current password, every other session and token ended, audited."""
    errors = check_password(new, "new_password")
    if errors:
        raise ValidationFailed(errors)
    # The login's key and lookup are the username; the e-mail column is a contact the panel may edit.
    row = await BaseUser.select(BaseUser.username).where(BaseUser.id == principal.user_id).first()
    if row is None:
        raise NotFound
    username = row["username"]
    attempt = await reserve_attempt(username, client_ip)
    if await verify_password(username, current) != principal.user_id:
        raise ValidationFailed({"current_password": _("The current password is wrong.")})
    await limiter().succeeded(attempt)
    hashed = await asyncio.to_thread(BaseUser.hash_password, new)
    async with write_transaction():
        await BaseUser.update({BaseUser.password: hashed}).where(BaseUser.id == principal.user_id)
        # Other sessions and tokens of this user end: whoever knew the old password is out.
        sessions = SessionsBase.delete().where(SessionsBase.user_id == principal.user_id)
        if principal.session_token:
            sessions = sessions.where(SessionsBase.token != principal.session_token)
        await sessions
        await ApiToken.delete().where(ApiToken.user == principal.user_id)
        await audit.record("password_change", "user", principal.user_id, actor=principal)


async def deactivate_user(user_id: int, actor: Principal | None) -> None:
    """A departed user: deactivated, never deleted, so what they did stays theirs. Their sessions and
    API tokens end and they cannot log in again; roles, memberships and history stay as they were."""
    if actor is not None and actor.user_id == user_id:
        raise Conflict(_("You cannot deactivate your own account."))
    async with write_transaction():
        user = await BaseUser.select(BaseUser.email, BaseUser.active).where(BaseUser.id == user_id).first()
        if user is None:
            raise NotFound
        await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == user_id)
        await SessionsBase.delete().where(SessionsBase.user_id == user_id)
        await ApiToken.delete().where(ApiToken.user == user_id)
        await audit.record(
            "deactivate",
            "user",
            user_id,
            actor=actor,
            before={"email": user["email"], "active": user["active"]},
        )


async def reactivate_user(user_id: int, actor: Principal | None) -> bool:
    """A deactivated user returns: they can log in again with their password (or a reset). False
    when they were active already."""
    async with write_transaction():
        user = await BaseUser.select(BaseUser.email, BaseUser.active).where(BaseUser.id == user_id).first()
        if user is None:
            raise NotFound
        if user["active"]:
            return False
        await BaseUser.update({BaseUser.active: True}).where(BaseUser.id == user_id)
        await audit.record(
            "reactivate", "user", user_id, actor=actor, before={"email": user["email"], "active": False}
        )
    return True


async def ensure_user(
    email: str, password: str, role: Role, municipality_code: str | None = None, name: str = ""
) -> int:
    """Create the user, or reset their password; grant the role. Used by the CLI and demo data."""
    email = normalise_email(email)
    errors = check_password(password)
    if not EMAIL.match(email):
        errors["email"] = _("Enter a valid e-mail address.")
    municipality_id = None
    try:
        municipality_id = await municipality_id_for_role(role, municipality_code)
    except ValidationFailed as exc:
        errors |= exc.errors
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        row = await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first()
        if row is None:
            first, last = split_name(name or email.split("@")[0])
            user = BaseUser(
                username=email, email=email, password=password, first_name=first, last_name=last, active=True
            )
            await user.save()
            user_id = user.id
        else:
            user_id = row["id"]
            await BaseUser.update_password(user_id, password)
            await audit.record("password_reset", "user", user_id)
        await grant_role(user_id, role, municipality_id)
    return user_id


async def grant_role(
    user_id: int, role: Role, municipality_id: int | None = None, actor: Principal | None = None
) -> bool:
    """Give the role (idempotent); returns whether it was new."""
    same = (UserRole.user == user_id) & (UserRole.role == role)
    same &= (
        (UserRole.municipality == municipality_id)
        if municipality_id is not None
        else UserRole.municipality.is_null()
    )
    new = not await UserRole.exists().where(same)
    if new:
        await UserRole.insert(UserRole(user=user_id, role=role, municipality=municipality_id))
        await audit.record(
            "grant_role",
            "user",
            user_id,
            actor=actor,
            after={"role": role.value, "municipality": municipality_id},
        )
    await _sync_panel_flags(user_id)
    return new


async def revoke_role(user_id: int, role: Role, actor: Principal | None = None) -> int:
    """Take the role away (for a coordinator: in every municipality); returns how many grants ended."""
    async with write_transaction():
        grants = await UserRole.select(UserRole.id, UserRole.municipality).where(
            (UserRole.user == user_id) & (UserRole.role == role)
        )
        if grants:
            await UserRole.delete().where(UserRole.id.is_in([g["id"] for g in grants]))
            await audit.record("revoke_role", "user", user_id, actor=actor, before={"role": role.value})
        await _sync_panel_flags(user_id)
    return len(grants)


async def _sync_panel_flags(user_id: int) -> None:
    held = {Role(r["role"]) for r in await UserRole.select(UserRole.role).where(UserRole.user == user_id)}
    # The admin panel admits users by these flags; they follow the roles, never the other way.
    await BaseUser.update(
        {BaseUser.admin: bool(held & PANEL_ROLES), BaseUser.superuser: Role.staff in held}
    ).where(BaseUser.id == user_id)
