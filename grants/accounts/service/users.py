"""Users and their roles: created by the CLI and the demo, deactivated and reactivated by staff."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.queries import municipality_id_for_role
from grants.accounts.rules import (
    EMAIL,
    PANEL_ROLES,
    check_password,
    normalise_email,
    split_name,
)
from grants.accounts.service.hashing import hash_password
from grants.accounts.tables import ApiToken, UserRole
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _


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
    hashed = await hash_password(password)  # before the transaction: its lock is not held meanwhile
    async with write_transaction():
        row = await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first()
        if row is None:
            first, last = split_name(name or email.split("@")[0])
            user = BaseUser(
                username=email, email=email, password=hashed, first_name=first, last_name=last, active=True
            )
            await user.save()
            user_id = user.id
        else:
            user_id = row["id"]
            await BaseUser.update({BaseUser.password: hashed}).where(BaseUser.id == user_id)
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
    rows = await UserRole.select(UserRole.role, UserRole.municipality).where(UserRole.user == user_id)
    held = {Role(r["role"]) for r in rows}
    # Master data is national staff's: a staff role without a municipality (municipal staff are not).
    national = any(r["role"] == Role.staff and r["municipality"] is None for r in rows)
    # The admin panel admits users by these flags; they follow the roles, never the other way.
    await BaseUser.update({BaseUser.admin: bool(held & PANEL_ROLES), BaseUser.superuser: national}).where(
        BaseUser.id == user_id
    )
