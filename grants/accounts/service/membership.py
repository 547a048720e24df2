"""Membership of organisations: a person asks to join one that is already here."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser

from grants.accounts.queries import language_of
from grants.accounts.queries.organisations import owner_addresses
from grants.accounts.tables import JoinRequest, JoinRequestStatus, Organisation
from grants.core import audit, mail
from grants.core.errors import NotFound

JOIN_REQUEST_SUBJECT = mail.N_("Someone asks to join %(organisation)s in Grants")


async def request_to_join(
    user_id: int, organisation_id: int, message: str = "", *, tell_owners: bool = True
) -> int:
    """File the user's request to join the organisation, and (unless the person's address is still to be
    confirmed: `tell_owners=False`, then confirmation tells them) mail its owners a link to the page
    where they approve or refuse it (/account/organisation); the request's id. Runs inside the caller's
    write_transaction(): the request and its mails stand or fall with the caller's change. A pending
    request of the same person to the same organisation is not filed twice."""
    organisation = (
        await Organisation.select(Organisation.name).where(Organisation.id == organisation_id).first()
    )
    if organisation is None:
        raise NotFound
    pending = (
        await JoinRequest.select(JoinRequest.id)
        .where(
            (JoinRequest.user == user_id)
            & (JoinRequest.organisation == organisation_id)
            & (JoinRequest.status == JoinRequestStatus.pending)
        )
        .first()
    )
    if pending is not None:
        return int(pending["id"])
    message = " ".join(message.split())[: JoinRequest.message.length]
    rows = await JoinRequest.insert(
        JoinRequest(user=user_id, organisation=organisation_id, message=message)
    ).returning(JoinRequest.id)
    request_id = int(rows[0]["id"])
    await audit.record(
        "join_request", "organisation", organisation_id, after={"user": user_id, "request": request_id}
    )
    if tell_owners:
        await _tell_owners(request_id, user_id, organisation_id, organisation["name"], message)
    return request_id


async def tell_owners_of_requests_by(user_id: int) -> None:
    """The person's address is now confirmed: the owners hear of their pending requests (once each)."""
    pending = await JoinRequest.select(
        JoinRequest.id,
        JoinRequest.organisation,
        JoinRequest.organisation.name.as_alias("name"),
        JoinRequest.message,
    ).where((JoinRequest.user == user_id) & (JoinRequest.status == JoinRequestStatus.pending))
    for row in pending:
        await _tell_owners(row["id"], user_id, row["organisation"], row["name"], row["message"])


async def _tell_owners(
    request_id: int, user_id: int, organisation_id: int, organisation: str, message: str
) -> None:
    person = (
        await BaseUser.select(BaseUser.email, BaseUser.first_name, BaseUser.last_name)
        .where(BaseUser.id == user_id)
        .first()
    )
    name = " ".join(p for p in (person["first_name"], person["last_name"]) if p) if person else ""
    for owner_id, address in await owner_addresses(organisation_id):
        await mail.enqueue(
            address,
            JOIN_REQUEST_SUBJECT,
            "accounts/mail/join_request",
            {
                "organisation": organisation,
                "name": name,
                "email": person["email"] if person else "",
                "message": message,
            },
            language=await language_of(owner_id),
            dedupe_key=f"join-request:{request_id}:{owner_id}",
        )
