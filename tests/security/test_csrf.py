"""CSRF: every cookie-session form refuses a post without its token (403, nothing changes)
and does its normal work with it; the panel's own API likewise with its header."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from grants.app import CSRF_COOKIE
from grants.applications.tables import Application
from grants.core.auth import SESSION_COOKIE, Role
from grants.scoring.tables import Assignment
from tests.factories.accounts import PASSWORD, make_user, unique_email, unique_org_number
from tests.factories.applications import eligible_applications
from tests.security.web import csrf, raw_request
from tests.security.world import pdf

pytestmark = pytest.mark.integration


@dataclass
class Scene:
    call_id: int
    draft_id: int
    assignment_id: int
    applicant: str
    staff: str
    reviewer: str


@pytest.fixture(scope="module")
async def scene(app) -> Scene:
    from grants.accounts.queries import load_principal, user_id_by_email
    from grants.applications.service import drafts
    from grants.scoring import service as scoring
    from tests.factories.accounts import registered

    call_id, (eligible,) = await eligible_applications(1, applications_per_organisation=5)
    applicant = unique_email("csrf")
    user_id, _org = await registered(applicant)
    draft = await drafts.create_draft(call_id, await load_principal(user_id), "Before")
    staff = await make_user(Role.staff)
    reviewer = await make_user(Role.reviewer)
    assignment = await scoring.assign(
        call_id,
        eligible,
        await user_id_by_email(reviewer),
        await load_principal(await user_id_by_email(staff)),
    )
    return Scene(call_id, draft["id"], assignment, applicant, staff, reviewer)


async def signed_in(new_browser, email: str):
    from grants.accounts.queries import user_id_by_email
    from grants.accounts.service.sessions import start_session

    return new_browser(await start_session(await user_id_by_email(email)))


async def test_login_form_needs_the_token(new_browser):
    email = await make_user(Role.applicant)
    client = new_browser()
    await csrf(client)
    refused = await client.post("/login", data={"email": email, "password": PASSWORD})
    assert refused.status_code == 403
    assert SESSION_COOKIE not in client.cookies
    wrong = await client.post("/login", data={"email": email, "password": PASSWORD, "_csrf_token": "x" * 64})
    assert wrong.status_code == 403
    done = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "_csrf_token": await csrf(client)}
    )
    assert (done.status_code, done.headers["location"]) == (302, "/home")


async def test_a_token_that_is_not_ascii_is_refused_not_a_500(new_browser):
    """compare_digest raises a TypeError on non-ASCII text: a token long enough to be compared was a 500
    on every cookie form, anonymous ones too, in the field, the header or the cookie alike."""
    email = await make_user(Role.applicant)
    client = new_browser()
    token = await csrf(client)
    form = {"email": email, "password": PASSWORD}
    in_field = await client.post("/login", data=form | {"_csrf_token": "ﷺ" * 100})
    in_header = await client.post("/login", data=form, headers={"X-CSRFToken": "ÿ".encode("latin-1") * 100})
    cookie = f"{CSRF_COOKIE}=".encode() + "ÿ".encode("latin-1") * 100
    in_cookie = await new_browser().post(
        "/login", data=form | {"_csrf_token": token}, headers={"Cookie": cookie}
    )
    assert [in_field.status_code, in_header.status_code, in_cookie.status_code] == [403, 403, 403]
    assert SESSION_COOKIE not in client.cookies


async def test_register_form_needs_the_token(new_browser):
    from grants.accounts.queries import user_id_by_email

    client = new_browser()
    email = unique_email("csrf-reg")
    form = {
        "email": email,
        "name": "Jānis Ozols",
        "password": PASSWORD,
        "password2": PASSWORD,
        "org_name": "Biedrība Bez Žetona",
        "org_registration_number": unique_org_number(),
        "org_legal_form": "association",
        "org_municipality_code": "LV-016",
    }
    await csrf(client)
    assert (await client.post("/register", data=form)).status_code == 403
    assert await user_id_by_email(email) is None
    done = await client.post("/register", data=form | {"_csrf_token": await csrf(client)})
    assert (done.status_code, done.headers["location"]) == (302, "/register/sent")
    assert await user_id_by_email(email) is not None


async def test_application_forms_need_the_token(new_browser, scene):
    client = await signed_in(new_browser, scene.applicant)
    await csrf(client)
    project = {
        "title": "After",
        "summary": "",
        "objectives": "",
        "target_group": "",
        "partners": "",
        "start_date": "",
        "end_date": "",
    }
    url = f"/my/applications/{scene.draft_id}/project"
    assert (await client.post(url, data=project)).status_code == 403
    assert (
        await client.post(f"/my/calls/{scene.call_id}/apply", data={"title": "Sneaky"})
    ).status_code == 403
    titles = await Application.select(Application.title).where(Application.call == scene.call_id)
    assert sorted(row["title"] for row in titles) == ["Before", "Piedzīvojumu nometne"]

    token = await csrf(client)
    saved = await client.post(url, data=project | {"_csrf_token": token})
    assert (saved.status_code, saved.headers["location"]) == (
        302,
        f"/my/applications/{scene.draft_id}/events?done=saved",
    )
    row = await Application.select(Application.title).where(Application.id == scene.draft_id).first()
    assert row["title"] == "After"


async def test_account_and_logout_forms_need_the_token(new_browser, scene):
    client = await signed_in(new_browser, scene.applicant)
    await csrf(client)
    change = {"current_password": PASSWORD, "new_password": PASSWORD, "new_password2": PASSWORD}
    assert (await client.post("/account/password", data=change)).status_code == 403
    assert (await client.post("/logout")).status_code == 403
    assert (await client.get("/api/me")).status_code == 200  # still signed in
    token = await csrf(client)
    changed = await client.post("/account/password", data=change | {"_csrf_token": token})
    assert changed.headers["location"] == "/account?saved=password"
    out = await client.post("/logout", data={"_csrf_token": token})
    assert (out.status_code, out.headers["location"]) == (302, "/")
    assert (await client.get("/api/me")).status_code == 401


async def test_review_and_staff_forms_need_the_token(new_browser, scene):
    reviewer = await signed_in(new_browser, scene.reviewer)
    await csrf(reviewer)
    url = f"/admin/reviews/{scene.assignment_id}/conflict"
    assert (await reviewer.post(url, data={"conflict": "no"})).status_code == 403
    row = await Assignment.select(Assignment.conflict).where(Assignment.id == scene.assignment_id).first()
    assert row["conflict"] is None
    staff = await signed_in(new_browser, scene.staff)
    await csrf(staff)
    assert (await staff.post(f"/admin/calls/{scene.call_id}/auto-assign", data={})).status_code == 403
    upload = {"file": ("rules.pdf", pdf(), "application/pdf")}
    refused = await staff.post(f"/calls/{scene.call_id}/documents", data={"title": "Rules"}, files=upload)
    assert refused.status_code == 403

    declared = await reviewer.post(url, data={"conflict": "no", "_csrf_token": await csrf(reviewer)})
    assert declared.headers["location"] == f"/admin/reviews/{scene.assignment_id}?done=opened"
    added = await staff.post(
        f"/calls/{scene.call_id}/documents",
        data={"title": "Rules", "_csrf_token": await csrf(staff)},
        files=upload,
    )
    assert added.headers["location"] == f"/calls/{scene.call_id}?document=added"


async def test_cookie_session_api_call_needs_the_header_token(new_browser, scene):
    client = await signed_in(new_browser, scene.applicant)
    url = f"/api/calls/{scene.call_id}/applications"
    assert (await client.post(url, json={"title": "By cookie"})).status_code == 403
    done = await client.post(url, json={"title": "By cookie"}, headers={"X-CSRFToken": await csrf(client)})
    assert done.status_code == 201


async def test_session_in_one_of_two_cookie_headers_still_needs_the_token(app, scene):
    """HTTP/2 lets a browser split its cookies over several headers: the CSRF check must see the
    session wherever the authentication finds it."""
    from grants.accounts.queries import user_id_by_email
    from grants.accounts.service.sessions import start_session

    session = await start_session(await user_id_by_email(scene.applicant))
    headers = [
        (b"cookie", f"{SESSION_COOKIE}={session}".encode()),
        (b"cookie", b"grants_lang=lv"),
        (b"content-type", b"text/plain"),  # what a cross-site <form enctype="text/plain"> can send
    ]
    before = await Application.count().where(Application.call == scene.call_id)
    status, body = await raw_request(
        app, "POST", f"/api/calls/{scene.call_id}/applications", headers, b'{"title": "Forged"}'
    )
    assert status == 403, body
    assert await Application.count().where(Application.call == scene.call_id) == before


async def test_token_of_another_browser_is_refused(new_browser, scene):
    victim = await signed_in(new_browser, scene.applicant)
    attacker = new_browser()
    stolen_pair_token = await csrf(attacker)
    await csrf(victim)
    response = await victim.post(
        f"/my/calls/{scene.call_id}/apply", data={"title": "Forged", "_csrf_token": stolen_pair_token}
    )
    assert response.status_code == 403
    assert victim.cookies[CSRF_COOKIE] != attacker.cookies[CSRF_COOKIE]


async def test_panel_api_needs_its_own_header_token(new_browser, scene):
    from grants.accounts.tables import UserRole

    client = await signed_in(new_browser, scene.staff)
    person = await make_user(Role.applicant)
    body = {"email": person, "role": "reviewer", "municipality_code": ""}
    refused = await client.post("/admin/data/api/forms/grant-a-role/", json=body)
    assert refused.status_code == 403
    assert (
        await UserRole.count().where((UserRole.user.username == person) & (UserRole.role == "reviewer")) == 0
    )
    await client.get("/admin/data/")
    done = await client.post(
        "/admin/data/api/forms/grant-a-role/", json=body, headers={"X-CSRFToken": client.cookies["csrftoken"]}
    )
    assert done.status_code == 200
