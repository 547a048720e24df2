"""Deleting in the admin panel: a call's row is refused (calls are deleted in the back office); a
user is deactivated, not deleted; a row that history refers to is refused with a 4xx, never a 500."""

from __future__ import annotations

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.queries import user_id_by_email
from grants.applications.tables import Application, PlannedEvent
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.registry.tables import School
from tests.factories import reporting_rows as rows
from tests.factories.accounts import login, make_user

pytestmark = pytest.mark.integration


async def staff_panel(client) -> tuple[dict[str, str], str]:
    email = await make_user(Role.staff)
    await login(client, email)
    await client.get("/admin/data/")
    return {"X-CSRFToken": client.cookies["csrftoken"]}, email


async def test_panel_table_delete_of_a_call_with_applications_is_refused(client):
    headers, _ = await staff_panel(client)
    call_id = await rows.call("LV-016", status="closed")
    application_id = await rows.unawarded(call_id, await rows.organisation(), "Iesniegts", status="submitted")
    response = await client.delete(f"/admin/data/api/tables/grant_call/{call_id}/", headers=headers)
    assert 400 <= response.status_code < 500
    assert await Call.count().where(Call.id == call_id) == 1
    assert await Application.count().where(Application.id == application_id) == 1


async def test_panel_delete_of_a_school_with_planned_events_is_refused(client):
    headers, _ = await staff_panel(client)
    school = await rows.school("LV-016", "Dzēšamā pamatskola")
    call_id = await rows.call("LV-016", status="closed")
    application_id = await rows.unawarded(call_id, await rows.organisation(), "Ar pasākumu", planned=school)
    school_id = (await School.select(School.id).where(School.registration_number == school))[0]["id"]
    response = await client.delete(f"/admin/data/api/tables/school/{school_id}/", headers=headers)
    assert 400 <= response.status_code < 500
    assert await School.count().where(School.id == school_id) == 1
    assert await PlannedEvent.count().where(PlannedEvent.application == application_id) == 1


async def test_panel_form_deactivates_a_user_but_not_oneself(client):
    headers, own_email = await staff_panel(client)
    email = await make_user(Role.reviewer)
    response = await client.post(
        "/admin/data/api/forms/deactivate-a-user/", json={"email": email}, headers=headers
    )
    assert response.json() == {"custom_form_success": f"{email} is deactivated and logged out everywhere."}
    user_id = await user_id_by_email(email)
    assert await BaseUser.select(BaseUser.active).where(BaseUser.id == user_id) == [{"active": False}]
    own = await client.post(
        "/admin/data/api/forms/deactivate-a-user/", json={"email": own_email}, headers=headers
    )
    assert own.json() == {"custom_form_error": "You cannot deactivate your own account."}
    unknown = await client.post(
        "/admin/data/api/forms/deactivate-a-user/", json={"email": "nobody@example.lv"}, headers=headers
    )
    assert unknown.json() == {"custom_form_error": "No user has the e-mail address nobody@example.lv."}


async def test_panel_refuses_to_delete_a_user(client):
    headers, _ = await staff_panel(client)
    email = await make_user(Role.applicant)
    user_id = await user_id_by_email(email)
    response = await client.delete(f"/admin/data/api/tables/piccolo_user/{user_id}/", headers=headers)
    assert response.status_code == 405
    assert response.json()["detail"] == "Users are not deleted: use the form “Deactivate a user” instead."
    assert await BaseUser.select(BaseUser.active).where(BaseUser.id == user_id) == [{"active": True}]
