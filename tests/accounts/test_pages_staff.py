"""Staff resolve a disputed organisation on /admin/organisations: find it, see its members and
requests, approve or refuse a request, make a member the owner, remove a member; each asked first
and audited with the staff member as the actor. Nobody else gets in."""

from __future__ import annotations

import uuid

import pytest

from grants.accounts.tables import Membership
from grants.core.auth import Role
from grants.core.tables import AuditEntry
from tests.factories.accounts import (
    join_request_status,
    login,
    make_join_request,
    make_member,
    make_person,
    make_user,
    memberships,
    post_form,
    register_applicant,
    staff_browser,
)
from tests.html import links, text_of, texts_of

pytestmark = pytest.mark.integration


async def _disputed(client, name: str = "Biedrība “Tests”"):
    """An organisation (its owner's id, its id) with a member and a pending request to join."""
    owner_email, ids = await register_applicant(client, name=name)
    org = ids["organisation_id"]
    _member_email, member = await make_person("Ilze Biedre")
    membership = await make_member(member, org)
    _asker_email, asker = await make_person("Pēteris Kalniņš")
    request_id = await make_join_request(asker, org, "Es esmu īstais valdes priekšsēdētājs")
    return {
        "owner": ids["user_id"],
        "org": org,
        "member": member,
        "membership": membership,
        "asker": asker,
        "request": request_id,
        "registration_number": await _reg_no(org),
    }


async def _reg_no(org: int) -> str:
    from grants.accounts.tables import Organisation

    return (
        await Organisation.select(Organisation.registration_number).where(Organisation.id == org).first()
    )["registration_number"]


async def test_staff_organisations_for_others_is_403(make_client, client):
    case = await _disputed(client)
    for role in (Role.applicant, Role.reviewer, Role.coordinator):
        browser = make_client()
        await login(browser, await make_user(role, "LV-016" if role == Role.coordinator else None))
        for url in ("/admin/organisations", f"/admin/organisations/{case['org']}"):
            response = await browser.get(url)
            assert (role, url, response.status_code) == (role, url, 403)
        response = await post_form(
            browser, f"/admin/organisations/{case['org']}/members/{case['membership']}/remove", {}
        )
        assert (role, response.status_code) == (role, 403)
    assert await memberships(case["member"]) == [(case["org"], "member")]
    anonymous = await make_client().get("/admin/organisations")
    assert anonymous.status_code == 302
    assert anonymous.headers["location"] == "/login?next=%2Fadmin%2Forganisations"


async def test_staff_find_an_organisation_by_name_or_number(make_client, client):
    token = uuid.uuid4().hex[:8]
    case = await _disputed(client, name=f"Biedrība Strīds {token}")
    await register_applicant(client, name=f"Biedrība Miers {token}")
    browser = await staff_browser(make_client)

    both = await browser.get("/admin/organisations", params={"q": token})
    assert texts_of(both.text, "#organisations tbody td:first-child") == [
        f"Biedrība Miers {token}",
        f"Biedrība Strīds {token}",
    ]
    row = texts_of(both.text, f"#organisation-{case['org']} td")
    assert row == [f"Biedrība Strīds {token}", case["registration_number"], "Bauskas novads", "2", "1"]
    by_name = await browser.get("/admin/organisations", params={"q": f"strīds {token}"})
    assert texts_of(by_name.text, "#organisations tbody td:first-child") == [f"Biedrība Strīds {token}"]
    pending = await browser.get("/admin/organisations", params={"q": token, "pending": "1"})
    assert texts_of(pending.text, "#organisations tbody td:first-child") == [f"Biedrība Strīds {token}"]
    by_number = await browser.get("/admin/organisations", params={"q": case["registration_number"]})
    assert texts_of(by_number.text, "#organisations tbody td:first-child") == [f"Biedrība Strīds {token}"]
    none = await browser.get("/admin/organisations", params={"q": f"nav-{token}"})
    assert text_of(none.text, "main p:last-of-type") == "No organisations match."


async def test_staff_organisation_page_lists_members_and_requests(make_client, client):
    case = await _disputed(client)
    browser = await staff_browser(make_client)

    page = await browser.get(f"/admin/organisations/{case['org']}")

    assert texts_of(page.text, "#members tbody td:nth-child(3)") == ["Owner", "Member"]
    assert texts_of(page.text, f"#request-{case['request']} td")[3:5] == [
        "Es esmu īstais valdes priekšsēdētājs",
        "Waiting for a decision",
    ]
    assert links(page.text, f"#member-{case['membership']} a") == [
        f"/admin/organisations/{case['org']}/members/{case['membership']}/make-owner",
        f"/admin/organisations/{case['org']}/members/{case['membership']}/remove",
    ]


async def test_staff_make_owner_asks_then_swaps_and_audits(make_client, client):
    case = await _disputed(client)
    staff_email = await make_user(Role.staff)
    browser = make_client()
    await login(browser, staff_email)
    url = f"/admin/organisations/{case['org']}/members/{case['membership']}/make-owner"

    confirm = await browser.get(url)
    assert text_of(confirm.text, "h1") == "Make the owner"
    assert await memberships(case["member"]) == [(case["org"], "member")]
    response = await post_form(browser, url, {})

    assert response.headers["location"] == f"/admin/organisations/{case['org']}?done=make-owner"
    assert await memberships(case["member"]) == [(case["org"], "owner")]
    assert await memberships(case["owner"]) == [(case["org"], "member")]
    actors = await AuditEntry.select(AuditEntry.actor_email).where(
        (AuditEntry.action == "make_owner") & (AuditEntry.entity_id == str(case["org"]))
    )
    assert actors == [{"actor_email": staff_email}]
    again = await post_form(browser, url, {})
    assert (again.status_code, text_of(again.text, ".error-summary")) == (
        409,
        "This member is the owner already.",
    )


async def test_staff_remove_member_keeps_the_user_and_audits(make_client, client):
    case = await _disputed(client)
    staff_email = await make_user(Role.staff)
    browser = make_client()
    await login(browser, staff_email)
    url = f"/admin/organisations/{case['org']}/members/{case['membership']}/remove"

    confirm = await browser.get(url)
    assert text_of(confirm.text, "main form button") == "Remove the member"
    response = await post_form(browser, url, {})

    assert response.headers["location"] == f"/admin/organisations/{case['org']}?done=remove"
    assert await memberships(case["member"]) == []
    assert await Membership.count().where(Membership.organisation == case["org"]) == 1
    actors = await AuditEntry.select(AuditEntry.actor_email).where(
        (AuditEntry.action == "remove_member") & (AuditEntry.entity_id == str(case["org"]))
    )
    assert actors == [{"actor_email": staff_email}]
    gone = await post_form(browser, url, {})
    assert gone.status_code == 404


async def test_staff_approve_a_request(make_client, client):
    case = await _disputed(client)
    browser = await staff_browser(make_client)
    url = f"/admin/organisations/{case['org']}/requests/{case['request']}/approve"

    confirm = await browser.get(url)
    assert text_of(confirm.text, "#confirm-text") == (
        "Pēteris Kalniņš becomes a member of Biedrība “Tests” and is told by e-mail."
    )
    response = await post_form(browser, url, {})

    assert response.headers["location"] == f"/admin/organisations/{case['org']}?done=approve"
    assert await memberships(case["asker"]) == [(case["org"], "member")]
    assert await join_request_status(case["request"]) == "approved"


async def test_staff_actions_on_another_organisations_rows_are_404(make_client, client):
    case = await _disputed(client)
    other = await _disputed(client)
    browser = await staff_browser(make_client)

    for url in (
        f"/admin/organisations/{case['org']}/requests/{other['request']}/refuse",
        f"/admin/organisations/{case['org']}/members/{other['membership']}/remove",
        f"/admin/organisations/{case['org']}/members/{case['membership']}/delete-everything",
    ):
        assert (url, (await browser.get(url)).status_code) == (url, 404)
        assert (url, (await post_form(browser, url, {})).status_code) == (url, 404)
    assert await join_request_status(other["request"]) == "pending"
    assert await memberships(other["member"]) == [(other["org"], "member")]
    assert await memberships(case["member"]) == [(case["org"], "member")]
