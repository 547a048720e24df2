"""Reads of organisations: members, join requests, invitations, and staff's list of organisations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine
from piccolo.query.functions.aggregate import Count

from grants.accounts.rules import token_hash
from grants.accounts.tables import (
    AccountProfile,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Organisation,
)
from grants.core.db import engine
from grants.core.time import now


def person_name(row: dict[str, Any]) -> str:
    """A user's name as pages show it (first and last), or their e-mail when they gave none."""
    return " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p) or row.get("email", "")


async def membership_of(user_id: int) -> dict[str, Any] | None:
    """The user's membership (id, organisation, role), or None: a user belongs to one organisation."""
    return await (
        Membership.select(Membership.id, Membership.organisation, Membership.role)
        .where(Membership.user == user_id)
        .order_by(Membership.id)
        .first()
    )


async def organisation_summary(organisation_id: int) -> dict[str, Any] | None:
    return await (
        Organisation.select(
            Organisation.id,
            Organisation.name,
            Organisation.registration_number,
            Organisation.legal_form,
            Organisation.email,
            Organisation.iban,
            Organisation.created_at,
            Organisation.municipality.name.as_alias("municipality_name"),
            Organisation.municipality.code.as_alias("municipality_code"),
        )
        .where(Organisation.id == organisation_id)
        .first()
    )


async def members_of(organisation_id: int) -> list[dict[str, Any]]:
    """The organisation's members, owners first, each with their name and e-mail."""
    rows = await (
        Membership.select(
            Membership.id,
            Membership.role,
            Membership.user.id.as_alias("user_id"),
            Membership.user.email.as_alias("email"),
            Membership.user.first_name.as_alias("first_name"),
            Membership.user.last_name.as_alias("last_name"),
            Membership.user.active.as_alias("active"),
        )
        .where(Membership.organisation == organisation_id)
        .order_by(Membership.id)
    )
    for row in rows:
        row["name"] = person_name(row)
    return sorted(rows, key=lambda r: (r["role"] != "owner", r["name"].lower()))


async def waiting_requests() -> Any:
    """The condition of a request that waits for a decision: pending, from a person whose address is
    confirmed. Until then nobody sees it or hears of it (confirmation tells the owners), so an address
    nobody reads cannot fill owners' mailboxes and lists. Unconfirmed accounts live 7 days: few."""
    unconfirmed = [
        r["user"]
        for r in await AccountProfile.select(AccountProfile.user).where(
            AccountProfile.email_confirmed_at.is_null()
        )
    ]
    waiting = JoinRequest.status == JoinRequestStatus.pending
    return waiting & JoinRequest.user.not_in(unconfirmed) if unconfirmed else waiting


async def join_requests_of(organisation_id: int, *, pending_only: bool) -> list[dict[str, Any]]:
    """The organisation's join requests (pending first, newest first), with the requester."""
    query = JoinRequest.select(
        JoinRequest.id,
        JoinRequest.status,
        JoinRequest.message,
        JoinRequest.created_at,
        JoinRequest.decided_at,
        JoinRequest.user.id.as_alias("user_id"),
        JoinRequest.user.email.as_alias("email"),
        JoinRequest.user.first_name.as_alias("first_name"),
        JoinRequest.user.last_name.as_alias("last_name"),
        JoinRequest.decided_by.email.as_alias("decided_by_email"),
    ).where(JoinRequest.organisation == organisation_id)
    if pending_only:
        query = query.where(await waiting_requests())
    rows = await query.order_by(JoinRequest.created_at, ascending=False)
    for row in rows:
        row["name"] = person_name(row)
    return sorted(rows, key=lambda r: r["status"] != JoinRequestStatus.pending)


async def requests_by(user_id: int) -> list[dict[str, Any]]:
    """A person's own join requests, newest first, with the organisation's name."""
    return await (
        JoinRequest.select(
            JoinRequest.id,
            JoinRequest.status,
            JoinRequest.created_at,
            JoinRequest.decided_at,
            JoinRequest.organisation.name.as_alias("organisation_name"),
        )
        .where(JoinRequest.user == user_id)
        .order_by(JoinRequest.created_at, ascending=False)
    )


def _open_invitation(moment: datetime) -> Any:
    return (
        Invitation.accepted_at.is_null() & Invitation.revoked_at.is_null() & (Invitation.expires_at > moment)
    )


async def open_invitations(organisation_id: int) -> list[dict[str, Any]]:
    """Invitations of the organisation neither accepted, revoked nor expired, newest first."""
    return await (
        Invitation.select(
            Invitation.id,
            Invitation.email,
            Invitation.role,
            Invitation.created_at,
            Invitation.expires_at,
            Invitation.invited_by.email.as_alias("invited_by_email"),
        )
        .where((Invitation.organisation == organisation_id) & _open_invitation(now()))
        .order_by(Invitation.created_at, ascending=False)
    )


async def invitation_by_token(token: str) -> dict[str, Any] | None:
    """The invitation a link carries (by its token's hash), with its organisation's name and `state`:
    open, accepted, revoked or expired."""
    row = await (
        Invitation.select(
            Invitation.id,
            Invitation.organisation,
            Invitation.email,
            Invitation.role,
            Invitation.expires_at,
            Invitation.accepted_at,
            Invitation.revoked_at,
            Invitation.organisation.name.as_alias("organisation_name"),
        )
        .where(Invitation.token_hash == token_hash(token))
        .first()
    )
    if row is not None:
        row["state"] = (
            "accepted"
            if row["accepted_at"]
            else "revoked"
            if row["revoked_at"]
            else "expired"
            if row["expires_at"] <= now()
            else "open"
        )
    return row


async def organisations_page(search: str, pending_only: bool, page: int, per_page: int) -> dict[str, Any]:
    """Staff's list: organisations whose name contains `search` or whose registration number starts
    with it (those with pending join requests only, if asked), by name, one page of them, each with
    its count of members and of pending requests."""
    query = Organisation.select(
        Organisation.id,
        Organisation.name,
        Organisation.registration_number,
        Organisation.municipality.name.as_alias("municipality_name"),
    )
    count = Organisation.count()
    waiting = await waiting_requests()  # one read of the unconfirmed, for the filter and the counts
    search = search.strip()
    if search:
        # ILIKE on PostgreSQL; SQLite's LIKE ignores (ASCII) case already and has no ILIKE.
        like = Organisation.name.like if isinstance(engine(), SQLiteEngine) else Organisation.name.ilike
        found = like(f"%{search}%") | Organisation.registration_number.like(f"{search}%")
        query, count = query.where(found), count.where(found)
    if pending_only:
        disputed = [
            r["organisation"]
            for r in await JoinRequest.select(JoinRequest.organisation).where(waiting).distinct()
        ]
        query, count = (
            query.where(Organisation.id.is_in(disputed or [0])),
            count.where(Organisation.id.is_in(disputed or [0])),
        )
    total = await count
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = (
        await query.order_by(Organisation.name, Organisation.id).limit(per_page).offset((page - 1) * per_page)
    )
    ids = [r["id"] for r in rows] or [0]
    members = await (
        Membership.select(Membership.organisation, Count(alias="n"))
        .where(Membership.organisation.is_in(ids))
        .group_by(Membership.organisation)
    )
    pending = await (
        JoinRequest.select(JoinRequest.organisation, Count(alias="n"))
        .where(JoinRequest.organisation.is_in(ids) & waiting)
        .group_by(JoinRequest.organisation)
    )
    member_counts = {r["organisation"]: r["n"] for r in members}
    pending_counts = {r["organisation"]: r["n"] for r in pending}
    for row in rows:
        row["members"] = member_counts.get(row["id"], 0)
        row["pending"] = pending_counts.get(row["id"], 0)
    return {"organisations": rows, "total": total, "page": page, "pages": pages}


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
