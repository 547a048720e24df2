"""Accounts: registration, login, sessions, tokens and roles. The only writer of these rows."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.queries import current_municipality_id, load_principal, municipality_id_for_role
from grants.accounts.rules import EMAIL, ORG_REG_NO, check_password, normalise_email, split_name, token_hash
from grants.accounts.tables import ApiToken, LegalForm, Membership, Organisation, UserRole
from grants.core import audit, mail
from grants.core.auth import SESSION_EXTENSION, SESSION_MAX_LIFETIME, Principal, Role
from grants.core.db import write_transaction
from grants.core.errors import Conflict, InvalidCredentials, TooManyAttempts, ValidationFailed
from grants.core.i18n import _
from grants.core.ratelimit import LoginLimiter, build_limiter
from grants.core.time import now
from grants.settings import get_settings

PANEL_ROLES = {Role.staff, Role.reviewer}  # roles that log in to the admin panel


@cache
def limiter() -> LoginLimiter:
    s = get_settings()
    return build_limiter(s.redis_url, s.login_max_failures, s.login_window_seconds)


async def register(email: str, password: str, name: str, organisation: dict[str, Any]) -> tuple[int, int]:
    """An applicant and their organisation; returns (user id, organisation id)."""
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if not EMAIL.match(email) or len(email) > 254:
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


async def authenticate(email: str, password: str, client_ip: str) -> int:
    """The user's id for a right password; InvalidCredentials or TooManyAttempts otherwise."""
    email = normalise_email(email)
    if await limiter().blocked(email, client_ip):
        raise TooManyAttempts
    user_id = await BaseUser.login(email, password)
    if user_id is None or not await BaseUser.exists().where(
        (BaseUser.id == user_id) & BaseUser.active.eq(True)
    ):
        await limiter().failed(email, client_ip)
        raise InvalidCredentials
    await limiter().succeeded(email, client_ip)
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


async def change_password(principal: Principal, current: str, new: str) -> None:
    errors = check_password(new, "new_password")
    if errors:
        raise ValidationFailed(errors)
    if await BaseUser.login(principal.email, current) is None:
        raise ValidationFailed({"current_password": _("The current password is wrong.")})
    async with write_transaction():
        await BaseUser.update_password(principal.user_id, new)
        # Other sessions and tokens of this user end: whoever knew the old password is out.
        sessions = SessionsBase.delete().where(SessionsBase.user_id == principal.user_id)
        if principal.session_token:
            sessions = sessions.where(SessionsBase.token != principal.session_token)
        await sessions
        await ApiToken.delete().where(ApiToken.user == principal.user_id)
        await audit.record("password_change", "user", principal.user_id, actor=principal)


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
