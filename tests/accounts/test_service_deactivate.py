"""A departed user is deactivated, not deleted: they can no longer log in or use a session or token,
and everything they did stays, attributed to them."""

from __future__ import annotations

import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.queries import load_principal, user_id_by_email
from grants.accounts.service import logins, users
from grants.accounts.tables import ApiToken, UserRole
from grants.applications.tables import Application
from grants.core.auth import Role
from grants.core.errors import Conflict, InvalidCredentials, NotFound
from grants.core.tables import AuditEntry
from tests.factories import reporting_rows as rows
from tests.factories.accounts import PASSWORD, bearer, login, make_user

pytestmark = pytest.mark.integration


async def test_deactivated_user_is_logged_out_everywhere_and_cannot_log_in(client, make_client, english):
    email = await make_user(Role.reviewer)
    user_id = await user_id_by_email(email)
    await login(client, email)
    token = await bearer(make_client(), email)
    assert (await client.get("/api/me")).json()["email"] == email
    assert (await make_client().get("/api/me", headers=token)).json()["email"] == email
    staff = await load_principal(await user_id_by_email(await make_user(Role.staff)))
    await users.deactivate_user(user_id, staff)

    assert await BaseUser.select(BaseUser.active).where(BaseUser.id == user_id) == [{"active": False}]
    assert await SessionsBase.count().where(SessionsBase.user_id == user_id) == 0
    assert await ApiToken.count().where(ApiToken.user == user_id) == 0
    assert await load_principal(user_id) is None
    with pytest.raises(InvalidCredentials):
        await logins.authenticate(email, PASSWORD, "127.9.9.9")
    assert (await make_client().get("/api/me", headers=token)).status_code == 401
    assert (await client.get("/api/me")).status_code == 401
    # Roles are kept as they were (nothing is revoked), and the step is in the audit log.
    assert await UserRole.select(UserRole.role).where(UserRole.user == user_id) == [{"role": "reviewer"}]
    audit = await AuditEntry.select(AuditEntry.action, AuditEntry.actor_id).where(
        (AuditEntry.entity == "user")
        & (AuditEntry.entity_id == str(user_id))
        & (AuditEntry.action == "deactivate")
    )
    assert audit == [{"action": "deactivate", "actor_id": staff.user_id}]


async def test_deactivated_applicant_keeps_their_applications(database):
    email = await make_user(Role.applicant)
    user_id = await user_id_by_email(email)
    call_id = await rows.call("LV-016", status="closed")
    application_id = await rows.unawarded(
        call_id, await rows.organisation(), "Mans projekts", status="submitted"
    )
    await Application.update({Application.created_by: user_id}).where(Application.id == application_id)
    staff = await load_principal(await user_id_by_email(await make_user(Role.staff)))
    await users.deactivate_user(user_id, staff)
    kept = await Application.select(Application.title, Application.created_by).where(
        Application.id == application_id
    )
    assert kept == [{"title": "Mans projekts", "created_by": user_id}]
    assert await BaseUser.count().where(BaseUser.id == user_id) == 1


async def test_deactivating_yourself_is_refused(database, english):
    staff = await load_principal(await user_id_by_email(await make_user(Role.staff)))
    with pytest.raises(Conflict) as refused:
        await users.deactivate_user(staff.user_id, staff)
    assert refused.value.message == "You cannot deactivate your own account."
    assert await BaseUser.select(BaseUser.active).where(BaseUser.id == staff.user_id) == [{"active": True}]


async def test_deactivating_an_unknown_user_is_not_found(database):
    staff = await load_principal(await user_id_by_email(await make_user(Role.staff)))
    with pytest.raises(NotFound):
        await users.deactivate_user(2_000_000_000, staff)
