"""Reads of the accounts domain: the caller behind a token, users, organisations, members."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

from piccolo.apps.user.tables import BaseUser

from grants.accounts.rules import PANEL_ROLES, normalise_email, token_hash
from grants.accounts.tables import (
    AccountProfile,
    ApiToken,
    Membership,
    Organisation,
    TwoFactor,
    UserRole,
)
from grants.core.auth import Principal, Role
from grants.core.errors import ValidationFailed
from grants.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _
from grants.core.time import now
from grants.registry.queries import get_municipality, ids_with_merged, is_current, list_municipalities
from grants.settings import get_settings


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
    grants = await UserRole.select(
        UserRole.role, UserRole.municipality, UserRole.municipality.code.as_alias("code")
    ).where(UserRole.user == user_id)
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
        staff_municipality_ids=await _staff_scope(grants),
        organisation_id=membership["organisation"] if membership else None,
        via=via,
        session_token=session_token,
    )


async def _staff_scope(grants: list[dict[str, Any]]) -> frozenset[int] | None:
    """None for national staff (a staff role without a municipality); else the municipalities of the
    staff roles, with those merged into them."""
    staff = [g["municipality"] for g in grants if g["role"] == Role.staff]
    if not staff or None in staff:
        return None
    return await ids_with_merged(set(staff))


async def staff_municipality_codes(principal: Principal) -> list[str] | None:
    """A staff member's scope as codes: None for national staff, else the codes of the
    municipalities in it (merged predecessors included)."""
    scope = principal.staff_scope
    if scope is None:
        return None
    return sorted(row["code"] for row in await list_municipalities() if row["id"] in scope)


async def principal_for_token(token: str) -> Principal | None:
    row = (
        await ApiToken.select(ApiToken.user, ApiToken.expires_at, ApiToken.created_at)
        .where(ApiToken.token_hash == token_hash(token))
        .first()
    )
    if row is None or row["expires_at"] <= now():
        return None
    principal = await load_principal(row["user"], "token")
    if principal is None or not (get_settings().two_factor_required and principal.roles & PANEL_ROLES):
        return principal
    # A token passed the second factor only when issued after the enrolment (from then on the token
    # API asks for the code): one issued before (to an applicant or coordinator later made staff or
    # reviewer, or before the setting was on) does not carry the panel roles.
    passed = await TwoFactor.exists().where(
        (TwoFactor.user == principal.user_id)
        & TwoFactor.confirmed_at.is_not_null()
        & (TwoFactor.confirmed_at <= row["created_at"])
    )
    return principal if passed else replace(principal, roles=principal.roles - PANEL_ROLES)


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


class Recipient(NamedTuple):
    """Where a mail goes, and the language its reader chose (Latvian unless they chose otherwise)."""

    email: str
    language: str


async def languages_of(user_ids: list[int]) -> dict[int, str]:
    """The language each user chose; a user without a profile reads the default, Latvian."""
    if not user_ids:
        return {}
    rows = await AccountProfile.select(AccountProfile.user, AccountProfile.language).where(
        AccountProfile.user.is_in(user_ids)
    )
    chosen = {row["user"]: row["language"] for row in rows if row["language"] in LANGUAGES}
    return {user_id: chosen.get(user_id, DEFAULT_LANGUAGE) for user_id in user_ids}


async def language_of(user_id: int) -> str:
    """The language one user reads their mail in."""
    return (await languages_of([user_id]))[user_id]


async def member_recipients(organisation_id: int) -> list[Recipient]:
    """Where an organisation's mail goes: its active members' addresses, each in its reader's language."""
    rows = await Membership.select(
        Membership.user.as_alias("user"), Membership.user.email.as_alias("email")
    ).where((Membership.organisation == organisation_id) & Membership.user.active.eq(True))
    languages = await languages_of([row["user"] for row in rows])
    by_address = {row["email"]: languages[row["user"]] for row in rows if row["email"]}
    return [Recipient(email, by_address[email]) for email in sorted(by_address)]


async def user_recipients(user_ids: list[int]) -> dict[int, Recipient]:
    """Each of these users' address and language, by id (users without an address left out)."""
    if not user_ids:
        return {}
    rows = await BaseUser.select(BaseUser.id, BaseUser.email).where(BaseUser.id.is_in(user_ids))
    languages = await languages_of([row["id"] for row in rows])
    return {row["id"]: Recipient(row["email"], languages[row["id"]]) for row in rows if row["email"]}


async def user_recipient(user_id: int) -> Recipient | None:
    """One user's address and language, or None without an address."""
    return (await user_recipients([user_id])).get(user_id)


async def current_municipality_id(code: str) -> int | None:
    """The id of the municipality with this code if it exists today, else None."""
    row = await get_municipality(code)
    return row["id"] if row is not None and is_current(row) else None


async def municipality_id_for_role(role: Role, municipality_code: str | None) -> int | None:
    """The municipality a role is scoped to: required for coordinators, optional for staff (none:
    national staff), none for the rest."""
    if role == Role.staff and not municipality_code:
        return None
    if role not in (Role.coordinator, Role.staff):
        return None
    municipality_id = await current_municipality_id(municipality_code or "")
    if municipality_id is None:
        if role == Role.staff:
            message = _("Municipal staff need a current municipality code (none: national staff).")
        else:
            message = _("A coordinator needs a current municipality code.")
        raise ValidationFailed({"municipality": message})
    return municipality_id


async def staff_covering(municipality_id: int | None) -> list[int]:
    """The active staff who run this municipality's calls (their municipalities take it in, merged
    predecessors too): who hears of what happens under one call. National staff only when the
    municipality has no staff of its own: IKVD runs the calls of a municipality without any, and
    is not sent every municipality's mail where the municipality's own staff read it."""
    rows = await UserRole.select(UserRole.user, UserRole.municipality).where(
        (UserRole.role == Role.staff) & UserRole.user.active.eq(True)
    )
    national = {row["user"] for row in rows if row["municipality"] is None}
    local: set[int] = set()
    for held in {row["municipality"] for row in rows if row["municipality"] is not None}:
        if municipality_id is not None and municipality_id in await ids_with_merged({held}):
            local |= {row["user"] for row in rows if row["municipality"] == held}
    return sorted(local or national)


async def staff_readers(preferred: int | None, municipality_id: int | None) -> list[int]:
    """Who hears of a step under a call: the staff member who took the one before it (who asked,
    who decided) while they are active staff of the call's municipality; else staff_covering."""
    if preferred is not None:
        principal = await load_principal(preferred)
        if principal is not None and principal.covers(municipality_id):
            return [preferred]
    return await staff_covering(municipality_id)


async def email_confirmed(user_id: int) -> bool:
    """Whether the user's address is confirmed: a user without a profile row (made by staff, the
    CLI, the demo) counts as confirmed."""
    row = (
        await AccountProfile.select(AccountProfile.email_confirmed_at)
        .where(AccountProfile.user == user_id)
        .first()
    )
    return row is None or row["email_confirmed_at"] is not None
