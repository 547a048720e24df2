"""The world's requests to join and invitations: A and B each have pending requests from people
without an organisation (their messages are markers only the owner and staff may see), an open
invitation, and B an extra member that staff may remove."""

from __future__ import annotations

from typing import Any

from grants.core.auth import Role
from tests.factories.accounts import PASSWORD, unique_email
from tests.security.world import World

ORGANISATION_SECRETS: dict[str, frozenset[str]] = {
    "LEAK-A-JOIN": frozenset({"a", "s"}),
    "LEAK-B-JOIN": frozenset({"b", "s"}),
}


async def _person(key: str) -> int:
    from grants.accounts.service.users import ensure_user

    return await ensure_user(unique_email(key), PASSWORD, Role.applicant, None, f"Person {key.upper()}")


async def _request(key: str, organisation_id: int, message: str = "") -> int:
    from grants.accounts.tables import JoinRequest

    rows = await JoinRequest.insert(
        JoinRequest(user=await _person(key), organisation=organisation_id, message=message)
    ).returning(JoinRequest.id)
    return rows[0]["id"]


async def build_organisations(world: World, a: Any, b: Any) -> None:
    from grants.accounts.rules import token_hash
    from grants.accounts.service import invitations
    from grants.accounts.tables import Invitation, Membership

    org_a, org_b = world.ids["org_a"], world.ids["org_b"]
    world.ids |= {
        "jr_a": await _request("jra", org_a, "LEAK-A-JOIN"),  # stays pending
        "jr_b_view": await _request("jrbv", org_b, "LEAK-B-JOIN"),  # stays pending
        "jr_b_approve": await _request("jrba", org_b),
        "jr_b_refuse": await _request("jrbr", org_b),
        "jr_b_staff": await _request("jrbs", org_b),
    }
    extra = await Membership.insert(
        Membership(user=await _person("mb"), organisation=org_b, role="member")
    ).returning(Membership.id)
    owner_a = await Membership.select(Membership.id).where(Membership.user == world.user_ids["a"]).first()
    world.ids |= {"m_b_extra": extra[0]["id"], "m_a_owner": owner_a["id"]}
    world.ids["inv_token_a"] = await invitations.invite(org_a, unique_email("invitee"), "member", a)
    token_b = await invitations.invite(org_b, unique_email("invitee"), "member", b)
    row = await Invitation.select(Invitation.id).where(Invitation.token_hash == token_hash(token_b)).first()
    world.ids["inv_b"] = row["id"]
    world.secrets |= ORGANISATION_SECRETS
