"""Invitations: an organisation's member invites a colleague by e-mail as a member; an owner also as an owner.

The mail carries /invitations/{token}; only the token's SHA-256 is stored. An invitation is open for
INVITATION_LIFETIME, until accepted or revoked. Inviting an address that has an open invitation to
the same organisation sends a new one: the open one is revoked, so one link works at a time (the old
token cannot be sent again: it is not stored). An organisation sends at most INVITATIONS_PER_DAY in any
24 hours. Accepting goes through organisations.admit, so the one-organisation rule holds.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from piccolo.apps.user.tables import BaseUser

from grants.accounts.queries import language_of, user_id_by_email
from grants.accounts.rules import EMAIL, MAX_EMAIL, check_password, normalise_email, split_name, token_hash
from grants.accounts.service.hashing import hash_password
from grants.accounts.service.organisations import MEMBER_ROLES, admit, check_may_manage
from grants.accounts.tables import AccountProfile, Invitation, Membership, Organisation, UserRole
from grants.core import audit, mail
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from grants.core.i18n import _, get_language
from grants.core.mail import N_
from grants.core.time import now

INVITATION_LIFETIME = timedelta(days=7)
INVITATIONS_PER_DAY = 20  # per organisation, in any 24 hours
INVITATION_SUBJECT = N_("%(inviter)s invites you to join %(organisation)s in Grants")
MAX_NAME = 150  # first and last name together, within BaseUser's columns (100 each)


def _open(moment: datetime) -> object:
    return (
        Invitation.accepted_at.is_null() & Invitation.revoked_at.is_null() & (Invitation.expires_at > moment)
    )


async def invite(organisation_id: int, email: str, role: str, actor: Principal) -> str:
    """Invite `email` to the organisation as `role`; the token (for the tests: it is in the mail).
    ValidationFailed for a bad address or role; Conflict when the address is a member already;
    TooManyAttempts past the organisation's daily number."""
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if not EMAIL.match(email) or len(email) > MAX_EMAIL:
        errors["email"] = _("Enter a valid e-mail address.")
    if role not in MEMBER_ROLES:
        errors["role"] = _("Choose owner or member.")
    if errors:
        raise ValidationFailed(errors)
    token = secrets.token_urlsafe(32)
    moment = now()
    async with write_transaction():
        # The organisation's row locked (PostgreSQL): its invitations are counted and written one at a time.
        organisation = await for_update(
            Organisation.select(Organisation.id, Organisation.name).where(Organisation.id == organisation_id)
        ).first()
        if organisation is None:
            raise NotFound
        sent = await Invitation.count().where(
            (Invitation.organisation == organisation_id)
            & (Invitation.created_at > moment - timedelta(days=1))
        )
        if sent >= INVITATIONS_PER_DAY:
            raise TooManyAttempts
        inviter = (
            await Membership.select(Membership.role)
            .where((Membership.user == actor.user_id) & (Membership.organisation == organisation_id))
            .first()
        )
        if inviter is None:
            raise NotFound
        if role == "owner" and inviter["role"] != "owner":  # a member cannot raise anyone above themselves
            raise ValidationFailed({"role": _("Only an owner can invite another owner.")})
        invitee = await user_id_by_email(email)
        if invitee is not None and await Membership.exists().where(
            (Membership.user == invitee) & (Membership.organisation == organisation_id)
        ):
            raise Conflict(_("This person is a member of the organisation already."), "email")
        replaced = await (
            Invitation.update({Invitation.revoked_at: moment})
            .where((Invitation.organisation == organisation_id) & (Invitation.email == email) & _open(moment))
            .returning(Invitation.id)
        )
        rows = await Invitation.insert(
            Invitation(
                organisation=organisation_id,
                email=email,
                role=role,
                token_hash=token_hash(token),
                invited_by=actor.user_id,
                created_at=moment,
                expires_at=moment + INVITATION_LIFETIME,
            )
        ).returning(Invitation.id)
        await audit.record(
            "invite",
            "organisation",
            organisation_id,
            actor=actor,
            after={"email": email, "role": role, "invitation": rows[0]["id"]},
            replaced=[r["id"] for r in replaced],
        )
        await mail.enqueue(
            email,
            INVITATION_SUBJECT,
            "accounts/mail/invitation",
            {
                "organisation": organisation["name"],
                "inviter": actor.name,
                "role": role,
                "link": f"/invitations/{token}",
                "days": INVITATION_LIFETIME.days,
            },
            language=await language_of(invitee) if invitee is not None else get_language(),
        )
    return token


async def revoke(invitation_id: int, organisation_id: int, actor: Principal) -> None:
    """The owner (or staff) takes an open invitation back; its link stops working. NotFound for another
    organisation's invitation; Conflict for one accepted, revoked or expired already."""
    await check_may_manage(actor, organisation_id)
    async with write_transaction():
        found = await Invitation.select(Invitation.email).where(
            (Invitation.id == invitation_id) & (Invitation.organisation == organisation_id)
        )
        if not found:
            raise NotFound
        revoked = await (
            Invitation.update({Invitation.revoked_at: now()})
            .where((Invitation.id == invitation_id) & _open(now()))
            .returning(Invitation.id)
        )
        if not revoked:
            raise Conflict(_("This invitation is no longer open."))
        await audit.record(
            "revoke_invitation",
            "organisation",
            organisation_id,
            actor=actor,
            before={"email": found[0]["email"]},
        )


async def _take(token: str) -> dict[str, object]:
    """Mark the invitation accepted, if it is open (a conditional update: a link is used once);
    its organisation, e-mail and role. Conflict when it is not open (used, revoked or expired)."""
    moment = now()
    rows = await (
        Invitation.update({Invitation.accepted_at: moment})
        .where((Invitation.token_hash == token_hash(token)) & _open(moment))
        .returning(Invitation.id, Invitation.organisation, Invitation.email, Invitation.role)
    )
    if not rows:
        raise Conflict(_("This invitation is no longer valid."))
    return rows[0]


async def accept(token: str, principal: Principal) -> int:
    """The signed-in invitee joins the organisation with the invited role; its id. Refused (Conflict)
    when the invitation is for another address (nobody joins with someone else's link), is no longer
    open, or the person belongs to an organisation already."""
    async with write_transaction():
        invitation = await _take(token)
        row = await BaseUser.select(BaseUser.username).where(BaseUser.id == principal.user_id).first()
        if row is None or row["username"] != invitation["email"]:
            raise Conflict(_("This invitation is for another e-mail address."))
        organisation_id = int(invitation["organisation"])  # type: ignore[call-overload]
        await admit(principal.user_id, organisation_id, str(invitation["role"]), principal, "invitation")
    return organisation_id


async def accept_as_new_person(
    token: str, name: str, password: str, also: dict[str, str] | None = None
) -> int:
    """Someone invited who has no account makes one from the link: the account is confirmed (the
    link reached the mailbox), an applicant, and a member with the invited role; the new user's id.
    `also`: the page's own errors (the password typed twice), refused with these at once."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Enter your name.")
    elif len(name.strip()) > MAX_NAME:
        errors["name"] = _("The name must be at most {n} characters long.").format(n=MAX_NAME)
    errors.update(check_password(password))
    errors.update(also or {})
    if errors:
        raise ValidationFailed(errors)
    hashed = await hash_password(password)
    async with write_transaction():
        invitation = await _take(token)
        email = str(invitation["email"])
        if await BaseUser.exists().where(BaseUser.username == email):
            raise Conflict(_("An account with this e-mail address exists: log in to accept the invitation."))
        first, last = split_name(name)
        rows = await BaseUser.insert(
            BaseUser(
                username=email,
                email=email,
                password=hashed,
                first_name=first,
                last_name=last,
                active=True,
                admin=False,
            )
        ).returning(BaseUser.id)
        user_id = int(rows[0]["id"])
        await UserRole.insert(UserRole(user=user_id, role=Role.applicant))
        await AccountProfile.insert(
            AccountProfile(user=user_id, language=get_language(), email_confirmed_at=now())
        )
        await audit.record("register", "user", user_id, after={"user": email, "how": "invitation"})
        await admit(user_id, int(invitation["organisation"]), str(invitation["role"]), None, "invitation")  # type: ignore[call-overload]
    return user_id


async def purge_expired_invitations(moment: datetime) -> int:
    """Delete the invitations that expired before `moment` without being accepted (revoked ones too):
    their links open nothing any more. Accepted ones stay, as whose invitation brought whom. For the
    worker's clean-up; returns how many went."""
    async with write_transaction():
        rows = await (
            Invitation.delete()
            .where((Invitation.expires_at <= moment) & Invitation.accepted_at.is_null())
            .returning(Invitation.id)
        )
    return len(rows)
