"""Invitations through the accounts service: sent, accepted once by the invited address only,
revoked, expired, re-sent, limited per organisation per day, purged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.accounts.rules import token_hash
from grants.accounts.service import invitations
from grants.accounts.tables import AccountProfile, Invitation
from grants.core.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from grants.core.tables import OutboxMessage
from grants.core.time import now
from tests.factories.accounts import (
    PASSWORD,
    make_member,
    make_person,
    memberships,
    register_applicant,
    unique_email,
    user_id_of,
)
from tests.factories.scoring import principal_of

pytestmark = pytest.mark.integration


async def _owner(client):
    email, ids = await register_applicant(client)
    return await principal_of(email), ids["organisation_id"]


async def _invitation(token: str) -> dict:
    return await Invitation.select().where(Invitation.token_hash == token_hash(token)).first()


async def test_invite_stores_only_the_hash_and_mails_the_link(client, english):
    owner, org = await _owner(client)
    email = unique_email("colleague")

    token = await invitations.invite(org, email.upper(), "member", owner)

    row = await _invitation(token)
    assert (row["email"], row["role"], row["invited_by"], row["accepted_at"]) == (
        email,
        "member",
        owner.user_id,
        None,
    )
    assert row["expires_at"] - row["created_at"] == timedelta(days=7)
    assert await Invitation.exists().where(Invitation.token_hash == token) is False
    mail = await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.body_text).where(
        OutboxMessage.to_address == email
    )
    assert len(mail) == 1
    assert f"/invitations/{token}\n" in mail[0]["body_text"]
    assert mail[0]["subject"] == f"{owner.name} invites you to join Biedrība “Tests” in Grants"


async def test_invite_refuses_a_bad_address_and_role(client, english):
    owner, org = await _owner(client)

    with pytest.raises(ValidationFailed) as refused:
        await invitations.invite(org, "not-an-address", "admin", owner)

    assert refused.value.errors == {
        "email": "Enter a valid e-mail address.",
        "role": "Choose owner or member.",
    }
    assert await Invitation.count().where(Invitation.organisation == org) == 0


async def test_invite_again_replaces_the_open_invitation(client):
    owner, org = await _owner(client)
    email = unique_email("colleague")
    first = await invitations.invite(org, email, "member", owner)

    second = await invitations.invite(org, email, "owner", owner)

    assert (await _invitation(first))["revoked_at"] is not None
    assert (await _invitation(second))["revoked_at"] is None
    with pytest.raises(Conflict):
        await invitations.accept_as_new_person(first, "Ieva Liepa", PASSWORD)


async def test_invite_past_the_daily_number_is_refused(client):
    owner, org = await _owner(client)
    for _ in range(invitations.INVITATIONS_PER_DAY):
        await invitations.invite(org, unique_email("colleague"), "member", owner)

    with pytest.raises(TooManyAttempts):
        await invitations.invite(org, unique_email("colleague"), "member", owner)

    assert await Invitation.count().where(Invitation.organisation == org) == invitations.INVITATIONS_PER_DAY


async def test_accept_as_new_person_makes_a_confirmed_member(client):
    owner, org = await _owner(client)
    email = unique_email("colleague")
    token = await invitations.invite(org, email, "owner", owner)

    user_id = await invitations.accept_as_new_person(token, "Ieva Liepa", PASSWORD)

    assert user_id == await user_id_of(email)
    assert await memberships(user_id) == [(org, "owner")]
    profile = await AccountProfile.select(AccountProfile.email_confirmed_at).where(
        AccountProfile.user == user_id
    )
    assert len(profile) == 1 and profile[0]["email_confirmed_at"] is not None
    principal = await principal_of(email)
    assert (principal.name, principal.organisation_id, sorted(principal.roles)) == (
        "Ieva Liepa",
        org,
        ["applicant"],
    )
    assert (await _invitation(token))["accepted_at"] is not None


async def test_accept_as_new_person_keeps_the_password_policy(client, english):
    owner, org = await _owner(client)
    email = unique_email("colleague")
    token = await invitations.invite(org, email, "member", owner)

    with pytest.raises(ValidationFailed) as refused:
        await invitations.accept_as_new_person(token, "Ieva Liepa", "short")

    assert list(refused.value.errors) == ["password"]
    assert (await _invitation(token))["accepted_at"] is None
    assert await Invitation.exists().where(Invitation.email == email)


async def test_accept_by_the_invited_account(client):
    owner, org = await _owner(client)
    email, person = await make_person()
    token = await invitations.invite(org, email, "member", owner)

    assert await invitations.accept(token, await principal_of(email)) == org

    assert await memberships(person) == [(org, "member")]


async def test_accept_by_another_signed_in_user_is_refused(client):
    owner, org = await _owner(client)
    email, person = await make_person()
    other_email, other = await make_person()
    token = await invitations.invite(org, email, "owner", owner)

    with pytest.raises(Conflict) as refused:
        await invitations.accept(token, await principal_of(other_email))

    assert refused.value.message == "This invitation is for another e-mail address."
    assert await memberships(other) == []
    assert (await _invitation(token))["accepted_at"] is None  # still open for the invited person
    await invitations.accept(token, await principal_of(email))
    assert await memberships(person) == [(org, "owner")]


async def test_accept_by_a_member_elsewhere_is_refused(client):
    owner, org = await _owner(client)
    _other_owner, other_org = await _owner(client)
    email, person = await make_person()
    await make_member(person, other_org)
    token = await invitations.invite(org, email, "member", owner)

    with pytest.raises(Conflict) as refused:
        await invitations.accept(token, await principal_of(email))

    assert (
        refused.value.message
        == "This person already belongs to an organisation; a person can belong to only one."
    )
    assert await memberships(person) == [(other_org, "member")]
    assert (await _invitation(token))["accepted_at"] is None


async def test_accept_used_revoked_or_expired_is_refused(client):
    owner, org = await _owner(client)
    used = await invitations.invite(org, unique_email("a"), "member", owner)
    await invitations.accept_as_new_person(used, "Ieva Liepa", PASSWORD)
    revoked = await invitations.invite(org, unique_email("b"), "member", owner)
    await invitations.revoke((await _invitation(revoked))["id"], org, owner)
    expired = await invitations.invite(org, unique_email("c"), "member", owner)
    await Invitation.update({Invitation.expires_at: now() - timedelta(seconds=1)}).where(
        Invitation.token_hash == token_hash(expired)
    )

    for token in (used, revoked, expired):
        with pytest.raises(Conflict) as refused:
            await invitations.accept_as_new_person(token, "Cits Cilvēks", PASSWORD)
        assert refused.value.message == "This invitation is no longer valid."
    assert (
        await Invitation.count().where(
            (Invitation.organisation == org) & Invitation.accepted_at.is_not_null()
        )
        == 1
    )


async def test_revoke_another_organisations_invitation_is_not_found(client):
    owner, org = await _owner(client)
    other_owner, other_org = await _owner(client)
    token = await invitations.invite(other_org, unique_email("c"), "member", other_owner)

    with pytest.raises(NotFound):
        await invitations.revoke((await _invitation(token))["id"], org, owner)

    assert (await _invitation(token))["revoked_at"] is None


async def test_purge_expired_invitations_keeps_open_and_accepted_ones(client):
    owner, org = await _owner(client)
    open_token = await invitations.invite(org, unique_email("open"), "member", owner)
    accepted = await invitations.invite(org, unique_email("accepted"), "member", owner)
    await invitations.accept_as_new_person(accepted, "Ieva Liepa", PASSWORD)
    expired = await invitations.invite(org, unique_email("expired"), "member", owner)
    revoked = await invitations.invite(org, unique_email("revoked"), "member", owner)
    await invitations.revoke((await _invitation(revoked))["id"], org, owner)
    later = now() + timedelta(days=3)
    await Invitation.update({Invitation.expires_at: later - timedelta(days=1)}).where(
        Invitation.token_hash.is_in([token_hash(t) for t in (expired, revoked, accepted)])
    )

    due = (Invitation.expires_at <= later) & Invitation.accepted_at.is_null()
    others_due = await Invitation.count().where(due & (Invitation.organisation != org))  # other tests' rows

    gone = await invitations.purge_expired_invitations(later)

    assert gone == others_due + 2
    assert await Invitation.count().where(due) == 0
    left = {
        r["token_hash"]
        for r in await Invitation.select(Invitation.token_hash).where(Invitation.organisation == org)
    }
    assert left == {token_hash(open_token), token_hash(accepted)}
