"""Who belongs to an organisation: the one-organisation rule, join requests decided by the owner (or
staff, in a dispute), and staff's changes to the members (a new owner, a member removed).

A user belongs to one organisation (load_principal acts for the first membership): `admit` is the one
place a membership is made for a person who asked or was invited, and `member_elsewhere` the one check
of the rule, which the admin panel's membership form calls too.
"""

from __future__ import annotations

from typing import Any

from piccolo.apps.user.tables import BaseUser

from grants.accounts.queries import language_of
from grants.accounts.queries.organisations import person_name
from grants.accounts.rules import iban_error, normalise_iban
from grants.accounts.tables import JoinRequest, JoinRequestStatus, Membership, Organisation
from grants.core import audit, mail
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.mail import N_
from grants.core.time import now

MEMBER_ROLES = ("owner", "member")
JOIN_APPROVED_SUBJECT = N_("You are now a member of %(organisation)s in Grants")
JOIN_REFUSED_SUBJECT = N_("Your request to join %(organisation)s was refused")


def one_organisation_message() -> str:
    return _("This person already belongs to an organisation; a person can belong to only one.")


async def member_elsewhere(user_id: int, *, except_membership: int | None = None) -> bool:
    """Whether the user already has a membership (other than `except_membership`): the rule that a
    user belongs to one organisation, for the services here and the admin panel's form alike."""
    query = Membership.exists().where(Membership.user == user_id)
    if except_membership is not None:
        query = query.where(Membership.id != except_membership)
    return await query


async def admit(user_id: int, organisation_id: int, role: str, actor: Principal | None, how: str) -> int:
    """Make the user a member of the organisation with `role`, inside the caller's write transaction;
    the membership's id. Conflict when they belong to an organisation already. The user's row is
    locked first (PostgreSQL), so two admissions of one person elsewhere at once cannot both pass.
    Their pending requests to join this organisation are settled as approved."""
    if role not in MEMBER_ROLES:
        raise Conflict(_("Choose one of: {values}.").format(values=", ".join(MEMBER_ROLES)))
    user = await for_update(BaseUser.select(BaseUser.id).where(BaseUser.id == user_id)).first()
    if user is None:
        raise NotFound
    if await member_elsewhere(user_id):
        raise Conflict(one_organisation_message())
    rows = await Membership.insert(
        Membership(user=user_id, organisation=organisation_id, role=role)
    ).returning(Membership.id)
    membership_id = int(rows[0]["id"])
    await JoinRequest.update(
        {
            JoinRequest.status: JoinRequestStatus.approved,
            JoinRequest.decided_at: now(),
            JoinRequest.decided_by: actor.user_id if actor else None,
        }
    ).where(
        (JoinRequest.user == user_id)
        & (JoinRequest.organisation == organisation_id)
        & (JoinRequest.status == JoinRequestStatus.pending)
    )
    await audit.record(
        "join",
        "organisation",
        organisation_id,
        actor=actor,
        after={"user": user_id, "role": role, "how": how},
    )
    return membership_id


async def check_may_manage(actor: Principal, organisation_id: int) -> None:
    """Staff, or an owner of the organisation, decide its requests and keep its members and
    invitations; anyone else gets Forbidden, whichever page or client asks."""
    if actor.has(Role.staff):
        return
    if not await Membership.exists().where(
        (Membership.user == actor.user_id)
        & (Membership.organisation == organisation_id)
        & (Membership.role == "owner")
    ):
        raise Forbidden(_("Only the organisation's owners can do this."))


async def decide_request(request_id: int, organisation_id: int, approve: bool, actor: Principal) -> None:
    """Approve (the requester becomes a member) or refuse a pending request to join the organisation;
    the requester is told by mail. Forbidden unless the actor is its owner or staff. NotFound for a request of another organisation; Conflict for
    one decided already (a conditional update: of two decisions at once, one wins) and when the
    requester belongs to an organisation meanwhile (nothing changes then)."""
    await check_may_manage(actor, organisation_id)
    status = JoinRequestStatus.approved if approve else JoinRequestStatus.refused
    async with write_transaction():
        request = await (
            JoinRequest.select(
                JoinRequest.user,
                JoinRequest.user.email.as_alias("email"),
                JoinRequest.user.first_name.as_alias("first_name"),
                JoinRequest.user.last_name.as_alias("last_name"),
                JoinRequest.organisation.name.as_alias("organisation_name"),
            )
            .where((JoinRequest.id == request_id) & (JoinRequest.organisation == organisation_id))
            .first()
        )
        if request is None:
            raise NotFound
        decided = await (
            JoinRequest.update(
                {
                    JoinRequest.status: status,
                    JoinRequest.decided_at: now(),
                    JoinRequest.decided_by: actor.user_id,
                }
            )
            .where((JoinRequest.id == request_id) & (JoinRequest.status == JoinRequestStatus.pending))
            .returning(JoinRequest.id)
        )
        if not decided:
            raise Conflict(_("This request has already been decided."))
        if approve:
            await admit(request["user"], organisation_id, "member", actor, "request")
        await audit.record(
            "join_request_" + status.value,
            "join_request",
            request_id,
            actor=actor,
            before={"status": JoinRequestStatus.pending.value},
            after={"status": status.value, "user": request["user"], "organisation": organisation_id},
        )
        await mail.enqueue(
            request["email"],
            JOIN_APPROVED_SUBJECT if approve else JOIN_REFUSED_SUBJECT,
            "accounts/mail/join_approved" if approve else "accounts/mail/join_refused",
            {"organisation": request["organisation_name"], "name": person_name(request)},
            language=await language_of(request["user"]),
        )


async def _membership(membership_id: int, organisation_id: int) -> dict[str, Any]:
    row = await for_update(
        Membership.select(Membership.id, Membership.user, Membership.role).where(
            (Membership.id == membership_id) & (Membership.organisation == organisation_id)
        )
    ).first()
    if row is None:
        raise NotFound
    return row


async def make_owner(membership_id: int, organisation_id: int, actor: Principal) -> None:
    """Staff settle a dispute: this member becomes the organisation's owner, and whoever owned it
    before becomes a member. NotFound for a membership of another organisation."""
    await check_may_manage(actor, organisation_id)
    async with write_transaction():
        await for_update(
            Organisation.select(Organisation.id).where(Organisation.id == organisation_id)
        ).first()
        member = await _membership(membership_id, organisation_id)
        if member["role"] == "owner":
            raise Conflict(_("This member is the owner already."))
        owners = await Membership.select(Membership.id, Membership.user).where(
            (Membership.organisation == organisation_id) & (Membership.role == "owner")
        )
        await Membership.update({Membership.role: "member"}).where(
            (Membership.organisation == organisation_id) & (Membership.role == "owner")
        )
        await Membership.update({Membership.role: "owner"}).where(Membership.id == membership_id)
        await audit.record(
            "make_owner",
            "organisation",
            organisation_id,
            actor=actor,
            before={"owners": sorted(o["user"] for o in owners)},
            after={"owners": [member["user"]]},
        )


async def remove_member(membership_id: int, organisation_id: int, actor: Principal) -> None:
    """Staff take a person out of the organisation: the membership goes, the user stays (with their
    history). NotFound for a membership of another organisation."""
    await check_may_manage(actor, organisation_id)
    async with write_transaction():
        member = await _membership(membership_id, organisation_id)
        await Membership.delete().where(Membership.id == membership_id)
        await audit.record(
            "remove_member",
            "organisation",
            organisation_id,
            actor=actor,
            before={"user": member["user"], "role": member["role"]},
        )


async def set_iban(organisation_id: int, actor: Principal, typed: str) -> str:
    """The organisation's bank account for the grant's payments, entered by its owner (or staff):
    checked (ISO 13616) and stored without spaces in capital letters; empty removes it. Returns
    what is stored. Forbidden for anyone else; NotFound for no such organisation."""
    await check_may_manage(actor, organisation_id)  # first: an outsider learns nothing of the rules
    if error := iban_error(typed):
        raise ValidationFailed({"iban": error})
    iban = normalise_iban(typed)
    async with write_transaction():
        row = await for_update(
            Organisation.select(Organisation.iban).where(Organisation.id == organisation_id)
        ).first()
        if row is None:
            raise NotFound
        if row["iban"] != iban:
            await Organisation.update({Organisation.iban: iban}).where(Organisation.id == organisation_id)
            await audit.record(
                "set_iban",
                "organisation",
                organisation_id,
                actor=actor,
                before={"iban": row["iban"]},
                after={"iban": iban},
            )
    return iban
