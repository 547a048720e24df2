"""The admin panel (one mount, /admin/…): table data and forms for staff only, whatever the path says.

tests/admin/test_panel.py covers the panel's own features (role forms, read-only
tables, its login limit); here every role meets the panel's API on the seeded world.
"""

from __future__ import annotations

import pytest

from grants.accounts.tables import Organisation, UserRole
from grants.core.auth import SESSION_COOKIE
from tests.security.web import raw_request
from tests.security.world import ROLES

pytestmark = pytest.mark.integration

NOT_STAFF = [role for role in ROLES if role not in ("anon", "s")]
TABLE_READS = [
    "/admin/data/api/tables/",
    "/admin/data/api/tables/organisation/",
    "/admin/data/api/tables/piccolo_user/",
    "/admin/data/api/tables/organisation/{org_a}/",
    "/admin/data/api/tables/application/",
    "/admin/data/api/tables/grant_call/",
    "/admin/data/api/tables/audit_log/",
    "/admin/data/api/tables/award/",
    "/admin/data/api/tables/agreement/",
    "/admin/data/api/tables/payment/",
    "/admin/data/api/forms/",
    "/admin/data/api/meta/",
    "/admin/data/api/openapi.json",
]


async def panel_csrf(client) -> dict[str, str]:
    if "csrftoken" not in client.cookies:
        await client.get("/admin/data/public/login/")  # the page itself sends non-staff to /admin/
    return {"X-CSRFToken": client.cookies["csrftoken"]}


async def test_staff_read_the_panel_tables(world, browsers):
    staff = browsers["s"]
    agreements = await staff.get(f"/admin/data/api/tables/agreement/?award={world.ids['award_a']}")
    assert [row["number"] for row in agreements.json()["rows"]] == [f"SEC-A-1/{world.ids['award_a']}"]
    # By its id: several test modules build a world with the same names in one database.
    organisations = await staff.get(f"/admin/data/api/tables/organisation/?id={world.ids['org_a']}")
    assert organisations.status_code == 200
    assert organisations.headers["content-type"] == "application/json"
    assert [row["name"] for row in organisations.json()["rows"]] == ["Biedrība Alfa"]
    users = await staff.get(f"/admin/data/api/tables/piccolo_user/?username={world.emails['a']}")
    assert [row["username"] for row in users.json()["rows"]] == [world.emails["a"]]


@pytest.mark.parametrize("role", [*NOT_STAFF, "anon"])
@pytest.mark.parametrize("path", TABLE_READS)
async def test_panel_tables_are_closed_to_everyone_but_staff(role, path, world, browsers):
    response = await browsers[role].get(path.format(**world.ids))
    assert response.status_code == (401 if role == "anon" else 403)
    assert response.headers["content-type"] == "application/json"
    assert "Biedrība Alfa" not in response.text
    assert "@example.lv" not in response.text


@pytest.mark.parametrize("role", NOT_STAFF)
async def test_panel_writes_are_closed_to_everyone_but_staff(role, world, browsers):
    client = browsers[role]
    headers = await panel_csrf(client)
    org_a = world.ids["org_a"]
    attempts = [
        await client.patch(
            f"/admin/data/api/tables/organisation/{org_a}/", json={"name": "Taken"}, headers=headers
        ),
        await client.delete(f"/admin/data/api/tables/organisation/{org_a}/", headers=headers),
        await client.post(
            "/admin/data/api/tables/organisation/",
            json={"name": "Planted", "registration_number": "40000000001"},
            headers=headers,
        ),
        await client.post(
            "/admin/data/api/forms/grant-a-role/",
            json={"email": world.emails[role], "role": "staff", "municipality_code": ""},
            headers=headers,
        ),
    ]
    assert [response.status_code for response in attempts] == [403, 403, 403, 403]
    assert await Organisation.select(Organisation.name).where(Organisation.id == org_a) == [
        {"name": "Biedrība Alfa"}
    ]
    national = (UserRole.role == "staff") & UserRole.municipality.is_null()  # m's LV-016 role stays
    assert await UserRole.count().where((UserRole.user == world.user_ids[role]) & national) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/admin/data/api/user/../tables/organisation/",
        "/admin/data/api/links/../tables/organisation/",
        "/admin/data/api/change-password/../tables/piccolo_user/",
        "/admin/data/api//tables/organisation/",
        "/admin/data/api/./tables/organisation/",
        "/admin/data/api/tables/organisation",
    ],
)
@pytest.mark.parametrize("role", ["r", "a"])
async def test_panel_path_tricks_do_not_reach_tables(app, world, role, path):
    cookie = (b"cookie", f"{SESSION_COOKIE}={world.sessions[role]}".encode())
    status, body = await raw_request(app, "GET", path, [cookie])
    assert status == 403  # judged on the normalised path, before piccolo-admin sees it
    assert b"Biedr" not in body
    assert b"@example.lv" not in body


@pytest.mark.parametrize("role", NOT_STAFF)
async def test_non_staff_are_sent_to_the_back_office_and_reach_nothing_in_the_panel(role, world, browsers):
    page = await browsers[role].get("/admin/data/")
    assert (page.status_code, page.headers["location"]) == (303, "/admin/")
    for path in ("/admin/data/api/user/", "/admin/data/api/links/", "/admin/data/api/forms/grouped/"):
        response = await browsers[role].get(path)
        assert response.status_code == 403, path
        assert world.emails[role] not in response.text
