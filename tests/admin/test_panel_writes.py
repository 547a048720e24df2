"""The panel writes only through the rules: business tables refuse every write, users keep their
roles and passwords, API tokens can only be revoked (issue 11, class 2)."""

from __future__ import annotations

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.tables import ApiToken
from grants.applications.tables import Application
from grants.awards.tables import Agreement, Award, Payment
from grants.calls.tables import Call, Criterion
from grants.core.auth import Role
from tests.factories.accounts import PASSWORD, bearer, login, make_user
from tests.factories.awards import signed_award
from tests.factories.calls import published_call
from tests.factories.panel import audit_rows, field_errors, panel_row, panel_staff

pytestmark = pytest.mark.integration

BUSINESS = {
    "grant_call": Call,
    "call_criterion": Criterion,
    "application": Application,
    "award": Award,
    "agreement": Agreement,
    "payment": Payment,
}
MASTER = {"municipality", "school", "organisation", "membership"}
OTHERS = {"piccolo_user", "user_role", "api_token", "audit_log", "outbox", "scheduled_job"}
# What each business table's refusal names as the place where its changes are made.
WHERE = {
    "grant_call": "Calls",
    "call_criterion": "Calls",
    "application": "Applications",
    "award": "Applications",
    "agreement": "Awards and agreements",
    "payment": "Awards and agreements",
}
# A value each business row would take if a write got through.
CHANGE = {
    "grant_call": {"budget_cents": 100, "status": "draft"},
    "call_criterion": {"weight": "9"},
    "application": {"status": "awarded", "title": "CHANGED"},
    "award": {"amount_cents": 1, "status": "closed"},
    "agreement": {"number": "CHANGED"},
    "payment": {"amount_cents": 1},
}


async def test_every_panel_table_is_business_master_or_guarded(client):
    await panel_staff(client)
    tables = (await client.get("/admin/data/api/tables/")).json()
    assert set(tables) == set(BUSINESS) | MASTER | OTHERS


async def _business_row(tablename: str, award: dict) -> int:
    table = BUSINESS[tablename]
    where = {
        "grant_call": Call.id == award["call_id"],
        "call_criterion": Criterion.call == award["call_id"],
        "application": Application.id == award["application_id"],
        "award": Award.id == award["award_id"],
        "agreement": Agreement.award == award["award_id"],
        "payment": Payment.award == award["award_id"],
    }[tablename]
    return (await table.select(table.id).where(where).first())["id"]


@pytest.mark.parametrize("tablename", sorted(BUSINESS))
async def test_business_table_refuses_every_write_method(client, tablename):
    award = await signed_award(client)
    headers = await panel_staff(client)
    table = BUSINESS[tablename]
    row_id = await _business_row(tablename, award)
    before = await table.select().where(table.id == row_id).first()
    rows = await table.count()
    seen = await panel_row(client, tablename, row_id)
    body = {k: v for k, v in seen.items() if k != "id"} | CHANGE[tablename]
    url = f"/admin/data/api/tables/{tablename}/"
    attempts = {
        "POST": await client.post(url, json=body, headers=headers),
        "PUT": await client.put(f"{url}{row_id}/", json=body, headers=headers),
        "PATCH": await client.patch(f"{url}{row_id}/", json=CHANGE[tablename], headers=headers),
        "DELETE": await client.delete(f"{url}{row_id}/", headers=headers),
    }
    for method, response in attempts.items():
        assert response.status_code == 405, (method, response.text)
        assert WHERE[tablename] in response.json()["detail"], method
    bulk = await client.delete(f"{url}?id={row_id}", headers=headers)
    assert bulk.status_code == 405
    assert await table.select().where(table.id == row_id).first() == before
    assert await table.count() == rows
    # Reading stays: the list, a filter and the detail view.
    listed = await client.get(f"{url}?id={row_id}&__readable=true")
    assert [row["id"] for row in listed.json()["rows"]] == [row_id]


async def test_put_on_a_published_call_changes_neither_budget_nor_status(client):
    call = await published_call(client)
    headers = await panel_staff(client)
    row = await panel_row(client, "grant_call", call["id"])
    response = await client.put(
        f"/admin/data/api/tables/grant_call/{call['id']}/",
        json={**{k: v for k, v in row.items() if k != "id"}, "budget_cents": 1, "status": "draft"},
        headers=headers,
    )
    assert response.status_code == 405
    after = await Call.select(Call.budget_cents, Call.status).where(Call.id == call["id"]).first()
    assert after == {"budget_cents": 4_600_000, "status": "published"}
    assert [row for row in await audit_rows("grant_call") if row["action"].startswith("admin_")] == []


async def _user_id(email: str) -> int:
    return (await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first())["id"]


async def _flags(user_id: int) -> dict:
    return await BaseUser.select(BaseUser.admin, BaseUser.superuser).where(BaseUser.id == user_id).first()


REPLACE_REFUSED = "Change a user field by field: a whole row would overwrite the password."
FLAG_REFUSED = "This flag follows the user's roles: use the role forms."


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
async def test_user_role_flags_cannot_be_set_by_any_method(client, method):
    headers = await panel_staff(client)
    user_id = await _user_id(await make_user(Role.applicant))
    response = await client.request(
        method,
        f"/admin/data/api/tables/piccolo_user/{user_id}/",
        json={"admin": True, "superuser": True},
        headers=headers,
    )
    if method == "PUT":
        assert response.status_code == 405, response.text
        assert response.json()["detail"] == REPLACE_REFUSED
    else:
        assert field_errors(response) == {"admin": FLAG_REFUSED, "superuser": FLAG_REFUSED}
    assert await _flags(user_id) == {"admin": False, "superuser": False}
    assert [row for row in await audit_rows("piccolo_user") if row["entity_id"] == str(user_id)] == []


async def test_user_edit_keeps_flags_as_they_are_and_is_audited_once(client):
    headers = await panel_staff(client)
    user_id = await _user_id(await make_user(Role.reviewer))
    # The panel's edit form sends the whole row back, flags included, unchanged.
    row = await panel_row(client, "piccolo_user", user_id)
    body = {k: v for k, v in row.items() if k not in ("id", "password", "last_login")} | {
        "first_name": "Ilze"
    }
    response = await client.patch(
        f"/admin/data/api/tables/piccolo_user/{user_id}/", json=body, headers=headers
    )
    assert response.status_code == 200, response.text
    stored = await BaseUser.select(BaseUser.first_name, BaseUser.admin, BaseUser.superuser).where(
        BaseUser.id == user_id
    )
    assert stored == [{"first_name": "Ilze", "admin": True, "superuser": False}]
    entries = [row for row in await audit_rows("piccolo_user") if row["entity_id"] == str(user_id)]
    assert [entry["action"] for entry in entries] == ["admin_update"]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
async def test_user_password_cannot_be_written_in_the_table(client, make_client, method):
    headers = await panel_staff(client)
    email = await make_user(Role.applicant)
    user_id = await _user_id(email)
    response = await client.request(
        method,
        f"/admin/data/api/tables/piccolo_user/{user_id}/",
        json={"password": "abc123"},
        headers=headers,
    )
    if method == "PUT":
        assert response.status_code == 405, response.text
        assert response.json()["detail"] == REPLACE_REFUSED
    else:
        assert field_errors(response) == {
            "password": "Passwords are not set here: each user changes their own (Change password, "
            "or the reset link)."
        }
    # The old password still logs in; the new one was never stored.
    await login(make_client(), email, PASSWORD)
    refused = await make_client().post("/api/auth/token", json={"email": email, "password": "abc123"})
    assert refused.status_code == 401


async def test_user_is_not_created_or_deleted_in_the_panel(client):
    headers = await panel_staff(client)
    email = await make_user(Role.applicant)
    user_id = await _user_id(email)
    users = await BaseUser.count()
    created = await client.post(
        "/admin/data/api/tables/piccolo_user/",
        json={"username": "new@example.lv", "email": "new@example.lv", "password": "abc123abc123"},
        headers=headers,
    )
    assert created.status_code == 405
    deleted = await client.delete(f"/admin/data/api/tables/piccolo_user/{user_id}/", headers=headers)
    assert deleted.status_code == 405
    assert deleted.json()["detail"] == "Users are not deleted: use the form “Deactivate a user” instead."
    assert await BaseUser.count() == users
    assert await BaseUser.exists().where(BaseUser.id == user_id)


async def test_api_token_can_be_revoked_but_not_created_or_rekeyed(client):
    email = await make_user(Role.applicant)
    await bearer(client, email)
    user_id = await _user_id(email)
    token = await ApiToken.select().where(ApiToken.user == user_id).first()
    headers = await panel_staff(client)
    tokens = await ApiToken.count()
    url = "/admin/data/api/tables/api_token/"
    body = {"user": user_id, "token_hash": "0" * 64, "expires_at": "2099-01-01T00:00:00+00:00"}
    for response in (
        await client.post(url, json=body, headers=headers),
        await client.put(f"{url}{token['id']}/", json=body, headers=headers),
        await client.patch(f"{url}{token['id']}/", json={"token_hash": "0" * 64}, headers=headers),
    ):
        assert response.status_code == 405, response.text
        assert "revoke" in response.json()["detail"]
    assert await ApiToken.count() == tokens
    assert await ApiToken.select().where(ApiToken.id == token["id"]).first() == token
    revoked = await client.delete(f"{url}{token['id']}/", headers=headers)
    assert revoked.status_code == 204
    assert not await ApiToken.exists().where(ApiToken.id == token["id"])
    entries = [row for row in await audit_rows("api_token") if row["entity_id"] == str(token["id"])]
    assert [entry["action"] for entry in entries] == ["admin_delete"]
    assert entries[0]["data"]["before"]["user"] == user_id
    assert "token_hash" not in entries[0]["data"]["before"]


LATVIAN_REFUSAL = {
    "grant_call": "Šeit tikai lasāms: konkursus iestatiet un vadiet darba vidē, sadaļā “Konkursi” (/admin/calls).",
    "agreement": "Šeit tikai lasāms: līgumus un maksājumus reģistrējiet darba vidē, sadaļā “Finansējuma "
    "piešķīrumi un līgumi” (/admin/awards).",
}


@pytest.mark.parametrize("tablename", LATVIAN_REFUSAL)
async def test_business_table_refusal_in_latvian_names_what_the_panel_shows(make_client, tablename):
    """The panel's sidebar reads "Create A Call" and "Awards And Agreements" in Latvian too: the Latvian
    refusal names those, not Latvian names the staff member would look for in vain."""
    client = make_client(language=None)
    headers = await panel_staff(client)
    response = await client.post(f"/admin/data/api/tables/{tablename}/", json={}, headers=headers)
    assert response.status_code == 405
    assert response.json()["detail"] == LATVIAN_REFUSAL[tablename]
