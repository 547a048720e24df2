"""Reads of the accounts domain: the caller behind a token, users, organisations, members."""

from __future__ import annotations

from typing import Any

from piccolo.apps.user.tables import BaseUser

from grants.accounts.rules import normalise_email, token_hash
from grants.accounts.tables import AccountProfile, ApiToken, Membership, Organisation, UserRole
from grants.core.auth import Principal, Role
from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.core.time import now
from grants.registry.queries import get_municipality, is_current


async def load_principal(
    user_id: int, via: str = "session", session_token: str | None = None
) -> Principal | None:
    user = (
        await BaseUser.select(BaseUser.id, BaseUser.email, BaseUser.first_name, BaseUser.last_name)
        .where((BaseUser.id == user_id) & BaseUser.active.eq(True))
        .first()
    )
    if user is None:
        return None
    grants = await UserRole.select(UserRole.role, UserRole.municipality.code.as_alias("code")).where(
        UserRole.user == user_id
    )
    membership = (
        await Membership.select(Membership.organisation)
        .where(Membership.user == user_id)
        .order_by(Membership.id)
        .first()
    )
    return Principal(
        user_id=user["id"],
        email=user["email"],
        name=" ".join(p for p in (user["first_name"], user["last_name"]) if p) or user["email"],
        roles=frozenset(Role(g["role"]) for g in grants),
        municipalities=frozenset(g["code"] for g in grants if g["role"] == Role.coordinator and g["code"]),
        organisation_id=membership["organisation"] if membership else None,
        via=via,
        session_token=session_token,
    )


async def principal_for_token(token: str) -> Principal | None:
    row = (
        await ApiToken.select(ApiToken.user, ApiToken.expires_at)
        .where(ApiToken.token_hash == token_hash(token))
        .first()
    )
    if row is None or row["expires_at"] <= now():
        return None
    return await load_principal(row["user"], "token")


async def organisation_of(principal: Principal) -> dict[str, Any] | None:
    """The caller's organisation as the account page shows it."""
    if principal.organisation_id is None:
        return None
    return await (
        Organisation.select(
            Organisation.name,
            Organisation.registration_number,
            Organisation.legal_form,
            Organisation.municipality.name.as_alias("municipality_name"),
            Organisation.municipality.code.as_alias("municipality_code"),
        )
        .where(Organisation.id == principal.organisation_id)
        .first()
    )


async def user_id_by_email(email: str) -> int | None:
    row = await BaseUser.select(BaseUser.id).where(BaseUser.username == normalise_email(email)).first()
    return row["id"] if row else None


async def member_emails(organisation_id: int) -> list[str]:
    """Where an organisation's mail goes: its active members' addresses."""
    rows = await Membership.select(Membership.user.email.as_alias("email")).where(
        (Membership.organisation == organisation_id) & Membership.user.active.eq(True)
    )
    return sorted({row["email"] for row in rows if row["email"]})


async def current_municipality_id(code: str) -> int | None:
    """The id of the municipality with this code if it exists today, else None."""
    row = await get_municipality(code)
    return row["id"] if row is not None and is_current(row) else None


async def municipality_id_for_role(role: Role, municipality_code: str | None) -> int | None:
    """The municipality a role is scoped to: required for coordinators, none for the rest."""
    if role != Role.coordinator:
        return None
    municipality_id = await current_municipality_id(municipality_code or "")
    if municipality_id is None:
        raise ValidationFailed({"municipality": _("A coordinator needs a current municipality code.")})
    return municipality_id


async def email_confirmed(user_id: int) -> bool:
    """Whether the user's address is confirmed: a user without a profile row (made by staff, the
    CLI, the demo) counts as confirmed."""
    row = (
        await AccountProfile.select(AccountProfile.email_confirmed_at)
        .where(AccountProfile.user == user_id)
        .first()
    )
    return row is None or row["email_confirmed_at"] is not None


async def mail_language(user_id: int) -> str:
    """The language of the user's mail: the one in their profile, Latvian without one."""
    row = await AccountProfile.select(AccountProfile.language).where(AccountProfile.user == user_id).first()
    return row["language"] if row else "lv"


async def owner_addresses(organisation_id: int) -> list[tuple[int, str]]:
    """The active owners of an organisation: (user id, e-mail), by id."""
    rows = (
        await Membership.select(Membership.user.id.as_alias("id"), Membership.user.email.as_alias("email"))
        .where(
            (Membership.organisation == organisation_id)
            & (Membership.role == "owner")
            & Membership.user.active.eq(True)
        )
        .order_by(Membership.user.id)
    )
    return [(row["id"], row["email"]) for row in rows if row["email"]]
