"""The admin panel: one login with the site, table data for staff only."""

from __future__ import annotations

import uuid

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.tables import UserRole
from grants.core.auth import SESSION_COOKIE, Role
from grants.core.tables import AuditEntry
from grants.registry.tables import School
from tests.factories.accounts import PASSWORD, login, make_user
from tests.html import parse

pytestmark = pytest.mark.integration


async def admin_login(client, email: str, password: str = PASSWORD):
    """Log in through the panel's own login form, as its page does."""
    await client.get("/admin/data/")
    csrf = client.cookies["csrftoken"]
    return await client.post(
        "/admin/data/public/login/",
        json={"username": email, "password": password},
        headers={"X-CSRFToken": csrf},
    )


async def test_bare_admin_redirects_to_the_panel(client):
    response = await client.get("/admin/data")
    assert response.status_code == 301
    assert response.headers["location"] == "/admin/data/"
    page = await client.get("/admin/data/")
    assert page.status_code == 200
    assert parse(page.text).select_one("div#app") is not None


async def test_staff_sees_and_reads_tables_after_site_login(client):
    email = await make_user(Role.staff)
    await login(client, email)
    tables = await client.get("/admin/data/api/tables/")
    assert tables.status_code == 200
    assert {"municipality", "school", "organisation", "piccolo_user", "audit_log"} <= set(tables.json())
    rows = await client.get("/admin/data/api/tables/municipality/?code=LV-016")
    assert [row["name"] for row in rows.json()["rows"]] == ["Bauskas novads"]


@pytest.mark.parametrize("role", [Role.reviewer, Role.applicant, Role.coordinator])
async def test_non_staff_gets_403_from_admin_tables(client, role):
    email = await make_user(role, "LV-016" if role == Role.coordinator else None)
    await login(client, email)
    for path in (
        "/admin/data/api/tables/",
        "/admin/data/api/tables/piccolo_user/",
        "/admin/data/api/tables/organisation/",
        "/admin/data/api/forms/",
        "/admin/data/api/tables/audit_log/1/",
    ):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "piccolo_user" not in response.text
        assert "@" not in response.text


async def test_anonymous_gets_401_from_admin_tables(client):
    response = await client.get("/admin/data/api/tables/school/")
    assert response.status_code == 401


async def test_reviewer_is_turned_away_at_the_panel_login_in_their_language(make_client):
    email = await make_user(Role.reviewer)
    english = make_client()
    response = await admin_login(english, email)
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "The Data section is for programme staff only. Your work is in the back office: /admin/"
    )
    assert SESSION_COOKIE not in english.cookies  # right password, but no session for the panel
    latvian = make_client(language=None)
    response = await admin_login(latvian, email)
    assert response.json()["detail"] == (
        "Sadaļa “Dati” ir tikai programmas darbiniekiem. Jūsu darbs ir darba vidē: /admin/"
    )


@pytest.mark.parametrize("role", [Role.reviewer, Role.applicant, Role.coordinator])
async def test_signed_in_non_staff_opening_the_panel_go_to_the_back_office(client, role):
    email = await make_user(role, "LV-016" if role == Role.coordinator else None)
    await login(client, email)
    page = await client.get("/admin/data/")
    assert (page.status_code, page.headers["location"]) == (303, "/admin/")
    me = await client.get("/admin/data/api/user/")
    assert me.status_code == 403
    assert me.json()["detail"] == (
        "The Data section is for programme staff only. Your work is in the back office: /admin/"
    )


async def test_applicant_cannot_use_the_panel_even_after_its_login_form(client):
    email = await make_user(Role.applicant)
    assert (await admin_login(client, email)).status_code == 403
    # The credentials are right, but the panel starts no session for an applicant.
    assert (await client.get("/admin/data/api/user/")).status_code == 401
    tables = await client.get("/admin/data/api/tables/organisation/")
    assert tables.status_code == 401
    assert "registration_number" not in tables.text


async def test_admin_login_is_rate_limited_in_the_shared_store(client, make_client):
    email = await make_user(Role.staff)
    for _ in range(5):
        assert (await admin_login(make_client(), email, "wrong-password")).status_code == 401
    # A sixth try, from the site's login page and another address, is refused too.
    response = await make_client().post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 429
    assert (await admin_login(client, email)).status_code == 429


async def test_audit_log_is_read_only_in_the_panel(client):
    email = await make_user(Role.staff)
    await login(client, email)
    rows = (await client.get("/admin/data/api/tables/audit_log/?__order=-id")).json()["rows"]
    assert rows[0]["action"] == "grant_role"
    csrf = (
        client.cookies.get("csrftoken") or (await client.get("/admin/data/"), client.cookies["csrftoken"])[1]
    )
    deleted = await client.delete(
        f"/admin/data/api/tables/audit_log/{rows[0]['id']}/", headers={"X-CSRFToken": csrf}
    )
    assert deleted.status_code == 405
    again = (await client.get("/admin/data/api/tables/audit_log/?__order=-id")).json()["rows"]
    assert again[0]["id"] == rows[0]["id"]


async def _panel_csrf(client) -> dict[str, str]:
    if "csrftoken" not in client.cookies:
        await client.get("/admin/data/")
    return {"X-CSRFToken": client.cookies["csrftoken"]}


async def test_staff_grants_reviewer_role_through_the_panel_form(client, make_client):
    staff = await make_user(Role.staff)
    person = await make_user(Role.applicant)
    await login(client, staff)
    response = await client.post(
        "/admin/data/api/forms/grant-a-role/",
        json={"email": person, "role": "reviewer", "municipality_code": ""},
        headers=await _panel_csrf(client),
    )
    assert response.status_code == 200, response.text
    assert response.json()["custom_form_success"] == f"{person} now has the role reviewer."
    user = (await BaseUser.select(BaseUser.admin, BaseUser.superuser).where(BaseUser.username == person))[0]
    assert user == {"admin": True, "superuser": False}
    entry = (
        await AuditEntry.select(AuditEntry.actor_email, AuditEntry.data)
        .where(AuditEntry.action == "grant_role")
        .order_by(AuditEntry.id, ascending=False)
        .output(load_json=True)
        .first()
    )
    assert entry == {"actor_email": staff, "data": {"after": {"role": "reviewer", "municipality": None}}}
    # The new reviewer works in the back office: the Data section sends them there.
    reviewer = make_client()
    await login(reviewer, person)
    assert (await reviewer.get("/admin/data/api/user/")).status_code == 403
    assert (await reviewer.get("/admin/data/")).headers["location"] == "/admin/"


async def test_coordinator_grant_needs_a_current_municipality(client):
    staff = await make_user(Role.staff)
    person = await make_user(Role.applicant)
    await login(client, staff)
    response = await client.post(
        "/admin/data/api/forms/grant-a-role/",
        json={"email": person, "role": "coordinator", "municipality_code": "LV-102"},
        headers=await _panel_csrf(client),
    )
    assert response.status_code == 422
    assert response.json() == {"custom_form_error": "A coordinator needs a current municipality code."}
    roles = await UserRole.select(UserRole.role).where(UserRole.user.username == person)
    assert roles == [{"role": "applicant"}]


async def test_revoking_the_staff_role_closes_the_panel(client, make_client):
    staff = await make_user(Role.staff)
    person = await make_user(Role.staff)
    await login(client, staff)
    former = make_client()
    await login(former, person)
    assert (await former.get("/admin/data/api/user/")).status_code == 200
    response = await client.post(
        "/admin/data/api/forms/revoke-a-role/",
        json={"email": person, "role": "staff"},
        headers=await _panel_csrf(client),
    )
    assert response.json()["custom_form_success"] == f"{person} no longer has the role staff."
    assert (await former.get("/admin/data/api/user/")).status_code in (401, 403)
    await login(former, person)
    assert (await former.get("/admin/data/api/user/")).status_code == 403


async def test_panel_cannot_set_role_flags_by_hand(client):
    staff = await make_user(Role.staff)
    person = await make_user(Role.applicant)
    await login(client, staff)
    person_id = (await BaseUser.select(BaseUser.id).where(BaseUser.username == person))[0]["id"]
    response = await client.patch(
        f"/admin/data/api/tables/piccolo_user/{person_id}/",
        json={"admin": True, "superuser": True, "first_name": "Renamed"},
        headers=await _panel_csrf(client),
    )
    # Refused as a whole (the roles decide the flags), so nothing of the edit is stored.
    assert response.status_code == 422, response.text
    row = (
        await BaseUser.select(BaseUser.admin, BaseUser.superuser, BaseUser.first_name).where(
            BaseUser.id == person_id
        )
    )[0]
    assert row == {"admin": False, "superuser": False, "first_name": "Test"}


async def test_user_roles_are_read_only_in_the_panel(client):
    staff = await make_user(Role.staff)
    person = await make_user(Role.applicant)
    await login(client, staff)
    person_id = (await BaseUser.select(BaseUser.id).where(BaseUser.username == person))[0]["id"]
    response = await client.post(
        "/admin/data/api/tables/user_role/",
        json={"user": person_id, "role": "staff"},
        headers=await _panel_csrf(client),
    )
    assert response.status_code == 405
    assert await UserRole.select(UserRole.role).where(UserRole.user == person_id) == [{"role": "applicant"}]


async def test_panel_edit_of_a_school_is_audited_with_its_author(client):
    staff = await make_user(Role.staff)
    await login(client, staff)
    school = School(registration_number=f"9{uuid.uuid4().int % 10**9:09d}", name="Vecā skola", municipality=1)
    await school.save()
    response = await client.patch(
        f"/admin/data/api/tables/school/{school.id}/",
        json={"name": "Jaunā skola"},
        headers=await _panel_csrf(client),
    )
    assert response.status_code == 200, response.text
    entry = (
        await AuditEntry.select(AuditEntry.action, AuditEntry.entity, AuditEntry.actor_email, AuditEntry.data)
        .where((AuditEntry.entity == "school") & (AuditEntry.entity_id == str(school.id)))
        .output(load_json=True)
        .first()
    )
    assert entry == {
        "action": "admin_update",
        "entity": "school",
        "actor_email": staff,
        "data": {"after": {"name": "Jaunā skola"}},
    }


async def test_every_panel_table_shows_only_columns_its_page_can_draw(client):
    """piccolo-admin's list page looks each visible column up in the row schema and breaks (an empty
    table) on one it cannot find, such as the primary key."""
    await login(client, await make_user(Role.staff))
    tables = (await client.get("/admin/data/api/tables/")).json()
    outside = {}
    for table in tables:
        schema = (await client.get(f"/admin/data/api/tables/{table}/schema/")).json()
        missing = set(schema["extra"]["visible_column_names"]) - set(schema["properties"])
        if missing:
            outside[table] = sorted(missing)
    assert len(tables) >= 12
    assert outside == {}
