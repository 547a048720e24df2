"""Users in the panel's table: no whole-row PUT (it would store a raw password), `active` only
through the forms that end a deactivated user's sessions, and a returning user reactivated."""

from __future__ import annotations

import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.queries import user_id_by_email
from grants.accounts.service import users
from grants.core.auth import Role
from grants.core.tables import AuditEntry
from tests.admin.test_panel_deletions import staff_panel
from tests.factories.accounts import PASSWORD, login, make_user
from tests.factories.panel import field_errors

pytestmark = pytest.mark.integration


async def token_status(client, email: str) -> int:
    response = await client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    return response.status_code


async def test_user_put_is_refused_and_the_password_still_works(client, make_client):
    headers, _ = await staff_panel(client)
    email = await make_user(Role.applicant)
    user_id = await user_id_by_email(email)
    row = await BaseUser.select().where(BaseUser.id == user_id).first()
    body = {k: v for k, v in row.items() if k not in {"id", "last_login"}} | {"password": ""}
    response = await client.put(f"/admin/data/api/tables/piccolo_user/{user_id}/", json=body, headers=headers)
    assert response.status_code == 405
    assert response.json()["detail"] == (
        "Change a user field by field: a whole row would overwrite the password."
    )
    assert await token_status(make_client(), email) == 200
    assert await BaseUser.select(BaseUser.password).where(BaseUser.id == user_id) == [
        {"password": row["password"]}
    ]


async def test_user_active_flag_is_refused_in_the_table_and_sessions_stay(client, make_client):
    headers, _ = await staff_panel(client)
    email = await make_user(Role.applicant)
    user_id = await user_id_by_email(email)
    await login(make_client(), email)
    response = await client.patch(
        f"/admin/data/api/tables/piccolo_user/{user_id}/", json={"active": False}, headers=headers
    )
    assert field_errors(response) == {"active": "Use the forms “Deactivate a user” and “Reactivate a user”."}
    assert await BaseUser.select(BaseUser.active).where(BaseUser.id == user_id) == [{"active": True}]
    assert await SessionsBase.count().where(SessionsBase.user_id == user_id) == 1


async def test_reactivate_form_lets_a_deactivated_user_log_in_again(client, make_client):
    headers, staff_email = await staff_panel(client)
    email = await make_user(Role.applicant)
    user_id = await user_id_by_email(email)
    await users.deactivate_user(user_id, None)
    assert await token_status(make_client(), email) == 401

    response = await client.post(
        "/admin/data/api/forms/reactivate-a-user/", json={"email": email}, headers=headers
    )
    assert response.json() == {"custom_form_success": f"{email} can log in again."}
    assert await token_status(make_client(), email) == 200
    assert await AuditEntry.select(AuditEntry.action, AuditEntry.actor_email).where(
        (AuditEntry.entity == "user")
        & (AuditEntry.entity_id == str(user_id))
        & AuditEntry.action.is_in(["deactivate", "reactivate"])
    ).order_by(AuditEntry.id) == [
        {"action": "deactivate", "actor_email": ""},
        {"action": "reactivate", "actor_email": staff_email},
    ]
    again = await client.post(
        "/admin/data/api/forms/reactivate-a-user/", json={"email": email}, headers=headers
    )
    assert again.json() == {"custom_form_success": f"{email} is active already."}


@pytest.mark.parametrize("form", ["grant-a-role", "revoke-a-role", "deactivate-a-user", "reactivate-a-user"])
async def test_user_forms_refuse_an_overlong_email_before_the_database(client, form):
    headers, _ = await staff_panel(client)
    response = await client.post(
        f"/admin/data/api/forms/{form}/", json={"email": "a" * 300 + "@example.lv"}, headers=headers
    )
    assert response.status_code == 422
    assert await BaseUser.count().where(BaseUser.email == "a" * 300 + "@example.lv") == 0
