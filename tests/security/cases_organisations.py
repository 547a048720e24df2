"""Access table, part 4: the organisation's page and its actions (its owners act, other members and
other organisations' owners do not), the invitation's link, staff's organisation pages.

An owner acting on another organisation's request or invitation is told it does not exist (404);
a signed-in user without an organisation of their own meets 403; a link opened by anybody else
than the invited address is refused (403).
"""

from __future__ import annotations

from tests.security.table import LOGIN, Case, To, page, signed_in, staff_page

PORTAL = "/account/organisation"
NATIONAL = 403  # organisations are national staff's (IKVD); a municipal staff member is refused
ACCOUNT = "correct-horse-battery"


def owners(a, b) -> dict:
    """Owner A's and owner B's outcomes; the other signed-in roles belong to no organisation (403)."""
    return page({"a": a, "b": b})


CASES: list[Case] = [
    Case(
        "GET /account/organisation",
        PORTAL,
        signed_in(200, LOGIN),
        shows={"a": "LEAK-A-JOIN", "b": "LEAK-B-JOIN"},
    ),
    Case(
        "POST /account/organisation/requests/{request_id:int}/approve",
        "/account/organisation/requests/{jr_b_approve}/approve",
        owners(404, To(f"{PORTAL}?done=approved")),
        form={},
    ),
    Case(
        "GET /account/organisation/requests/{request_id:int}/refuse",
        "/account/organisation/requests/{jr_b_view}/refuse",
        owners(404, 200),
        shows={"b": "Refuse the request"},
    ),
    Case(
        "POST /account/organisation/requests/{request_id:int}/refuse",
        "/account/organisation/requests/{jr_b_refuse}/refuse",
        owners(404, To(f"{PORTAL}?done=refused")),
        form={},
    ),
    Case(
        "POST /account/organisation/invitations",
        f"{PORTAL}/invitations",
        owners(To(f"{PORTAL}?done=invited"), To(f"{PORTAL}?done=invited")),
        form={"email": "colleague-{role}@example.lv", "role": "member"},
    ),
    Case(
        "POST /account/organisation/invitations/{invitation_id:int}/revoke",
        "/account/organisation/invitations/{inv_b}/revoke",
        owners(404, To(f"{PORTAL}?done=revoked")),
        form={},
    ),
    Case(
        "GET /invitations/{token:str}",
        "/invitations/{inv_token_a}",
        signed_in(403, 200),
        shows={"anon": "Create the account and join"},
        why="the link is for an address none of the roles has: only a visitor may make its account",
    ),
    Case(
        "POST /invitations/{token:str}",
        "/invitations/{inv_token_a}",
        signed_in(403, 422),
        form={"name": "Somebody", "password": ACCOUNT, "password2": "another-password"},
    ),
    Case(
        "POST /invitations/{token:str}/accept",
        "/invitations/{inv_token_a}/accept",
        signed_in(403, LOGIN),
        form={},
    ),
    Case(
        "GET /admin/organisations",
        "/admin/organisations?q=Biedr%C4%ABba+Alfa",
        staff_page(200, m=NATIONAL),
        shows={"s": "Biedrība Alfa"},
    ),
    Case(
        "GET /admin/organisations/{organisation_id:int}",
        "/admin/organisations/{org_a}",
        staff_page(200, m=NATIONAL),
        shows={"s": "LEAK-A-JOIN"},
    ),
    Case(
        "GET /admin/organisations/{organisation_id:int}/requests/{request_id:int}/{action:str}",
        "/admin/organisations/{org_a}/requests/{jr_a}/refuse",
        staff_page(200, m=NATIONAL),
    ),
    Case(
        "POST /admin/organisations/{organisation_id:int}/requests/{request_id:int}/{action:str}",
        "/admin/organisations/{org_b}/requests/{jr_b_staff}/refuse",
        staff_page(To("/admin/organisations/{org_b}?done=refuse"), m=NATIONAL),
        form={},
    ),
    Case(
        "GET /admin/organisations/{organisation_id:int}/members/{membership_id:int}/{action:str}",
        "/admin/organisations/{org_a}/members/{m_a_owner}/remove",
        staff_page(200, m=NATIONAL),
    ),
    Case(
        "POST /admin/organisations/{organisation_id:int}/members/{membership_id:int}/{action:str}",
        "/admin/organisations/{org_b}/members/{m_b_extra}/remove",
        staff_page(To("/admin/organisations/{org_b}?done=remove"), m=NATIONAL),
        form={},
    ),
]
