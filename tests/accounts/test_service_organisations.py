"""Join requests decided by the owner or staff, the one-organisation rule, staff's changes to the
members: through the accounts service, on the suite's engine."""

from __future__ import annotations

import asyncio

import pytest

from grants.accounts.service import organisations
from grants.accounts.tables import Membership
from grants.core.auth import Role
from grants.core.errors import Conflict, Forbidden, NotFound
from grants.core.tables import AuditEntry
from tests.factories.accounts import (
    join_request_status,
    make_join_request,
    make_member,
    make_person,
    make_user,
    memberships,
    register_applicant,
)
from tests.factories.scoring import principal_of

pytestmark = pytest.mark.integration


async def _organisation(client) -> tuple[str, int, int]:
    """A registered organisation: its owner's e-mail, user id and the organisation's id."""
    email, ids = await register_applicant(client)
    return email, ids["user_id"], ids["organisation_id"]


async def test_decide_request_approve_makes_the_requester_a_member(client):
    owner_email, _owner_id, org = await _organisation(client)
    _email, person = await make_person()
    request_id = await make_join_request(person, org, "Esmu valdes loceklis")
    owner = await principal_of(owner_email)

    await organisations.decide_request(request_id, org, True, owner)

    assert await memberships(person) == [(org, "member")]
    assert await join_request_status(request_id) == "approved"
    audit = await AuditEntry.select(AuditEntry.actor_email).where(
        (AuditEntry.entity == "join_request") & (AuditEntry.entity_id == str(request_id))
    )
    assert audit == [{"actor_email": owner_email}]


async def test_decide_request_refuse_leaves_the_requester_outside(client):
    owner_email, _owner_id, org = await _organisation(client)
    _email, person = await make_person()
    request_id = await make_join_request(person, org)

    await organisations.decide_request(request_id, org, False, await principal_of(owner_email))

    assert await memberships(person) == []
    assert await join_request_status(request_id) == "refused"


async def test_decide_request_twice_is_a_conflict_and_changes_nothing(client):
    owner_email, _owner_id, org = await _organisation(client)
    _email, person = await make_person()
    request_id = await make_join_request(person, org)
    owner = await principal_of(owner_email)
    await organisations.decide_request(request_id, org, False, owner)

    with pytest.raises(Conflict) as refused:
        await organisations.decide_request(request_id, org, True, owner)

    assert refused.value.message == "This request has already been decided."
    assert await memberships(person) == []
    assert await join_request_status(request_id) == "refused"


async def test_decide_request_two_parallel_approvals_one_wins(client):
    owner_email, _owner_id, org = await _organisation(client)
    _email, person = await make_person()
    request_id = await make_join_request(person, org)
    owner = await principal_of(owner_email)
    staff = await principal_of(await make_user(Role.staff))

    results = await asyncio.gather(
        organisations.decide_request(request_id, org, True, owner),
        organisations.decide_request(request_id, org, True, staff),
        return_exceptions=True,
    )

    assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"]
    assert await memberships(person) == [(org, "member")]


async def test_decide_request_of_another_organisation_is_not_found(client):
    owner_email, _owner_id, org = await _organisation(client)
    _other_owner, _other_id, other_org = await _organisation(client)
    _email, person = await make_person()
    request_id = await make_join_request(person, other_org)

    with pytest.raises(NotFound):
        await organisations.decide_request(request_id, org, True, await principal_of(owner_email))

    assert await memberships(person) == []
    assert await join_request_status(request_id) == "pending"


async def test_decide_request_approve_of_a_member_elsewhere_is_refused(client):
    owner_email, _owner_id, org = await _organisation(client)
    _other_owner, _other_id, other_org = await _organisation(client)
    _email, person = await make_person()
    request_id = await make_join_request(person, org)
    await make_member(person, other_org)

    with pytest.raises(Conflict) as refused:
        await organisations.decide_request(request_id, org, True, await principal_of(owner_email))

    assert refused.value.message == (
        "This person already belongs to an organisation; a person can belong to only one."
    )
    assert await memberships(person) == [(other_org, "member")]
    assert await join_request_status(request_id) == "pending"  # the refused approval changed nothing


async def test_make_owner_swaps_the_roles(client):
    owner_email, owner_id, org = await _organisation(client)
    _email, person = await make_person()
    membership = await make_member(person, org)
    staff_email = await make_user(Role.staff)

    await organisations.make_owner(membership, org, await principal_of(staff_email))

    assert await memberships(person) == [(org, "owner")]
    assert await memberships(owner_id) == [(org, "member")]
    audit = (
        await AuditEntry.select(AuditEntry.actor_email, AuditEntry.data)
        .where((AuditEntry.action == "make_owner") & (AuditEntry.entity_id == str(org)))
        .output(load_json=True)
    )
    assert audit == [
        {
            "actor_email": staff_email,
            "data": {"before": {"owners": [owner_id]}, "after": {"owners": [person]}},
        }
    ]


async def test_make_owner_of_another_organisations_member_is_not_found(client):
    _owner, _owner_id, org = await _organisation(client)
    _other, other_owner_id, other_org = await _organisation(client)
    other_membership = (
        await Membership.select(Membership.id).where(Membership.user == other_owner_id).first()
    )["id"]
    staff = await principal_of(await make_user(Role.staff))

    with pytest.raises(NotFound):
        await organisations.remove_member(other_membership, org, staff)

    assert await memberships(other_owner_id) == [(other_org, "owner")]


async def test_remove_member_keeps_the_user(client):
    _owner, _owner_id, org = await _organisation(client)
    person_email, person = await make_person()
    membership = await make_member(person, org)
    staff = await principal_of(await make_user(Role.staff))

    await organisations.remove_member(membership, org, staff)

    assert await memberships(person) == []
    assert (await principal_of(person_email)).user_id == person  # the account is there, active


async def test_member_elsewhere_is_the_panels_rule_too(client):
    _owner, owner_id, _org = await _organisation(client)
    own = (await Membership.select(Membership.id).where(Membership.user == owner_id).first())["id"]

    assert await organisations.member_elsewhere(owner_id) is True
    assert await organisations.member_elsewhere(owner_id, except_membership=own) is False


async def test_service_refuses_a_member_who_is_not_owner_whoever_calls_it(client):
    """The owner-or-staff rule stands in the service, not only on the owner's page."""
    _owner_email, _owner_id, org = await _organisation(client)
    member_email, member_id = await make_person("Ilze Biedre")
    await make_member(member_id, org)
    _email, person = await make_person()
    request_id = await make_join_request(person, org)
    member = await principal_of(member_email)

    with pytest.raises(Forbidden):
        await organisations.decide_request(request_id, org, True, member)
    with pytest.raises(Forbidden):
        await organisations.remove_member(
            (await Membership.select(Membership.id).where(Membership.user == member_id).first())["id"],
            org,
            member,
        )

    assert await join_request_status(request_id) == "pending"
    assert await memberships(person) == []
    assert await memberships(member_id) == [(org, "member")]
