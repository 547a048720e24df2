"""Panel writes at the edges: a missing row, a write of nothing, a value of the wrong kind. Each is
the caller's mistake (4xx, never 5xx) and leaves no audit row (issue 11, classes 2 and 5d)."""

from __future__ import annotations

import uuid

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.tables import Membership, Organisation
from grants.core.auth import Role
from grants.registry.tables import School
from tests.factories.accounts import make_user, unique_org_number
from tests.factories.panel import audit_rows, field_errors, panel_row, panel_staff

pytestmark = pytest.mark.integration

MISSING = 2_000_000_000  # a valid id no row has


async def _school() -> dict:
    school = School(
        registration_number=f"8{uuid.uuid4().int % 10**9:09d}", name="Malas skola", municipality=1
    )
    await school.save()
    return await School.select().where(School.id == school.id).first()


@pytest.mark.parametrize(
    ("method", "body"),
    [("PATCH", {"name": "Nav tādas skolas"}), ("PUT", {"name": "Nav tādas skolas"}), ("DELETE", None)],
)
async def test_write_to_a_missing_row_is_404_without_an_audit_row(client, method, body):
    headers = await panel_staff(client)
    seen = len(await audit_rows("school"))
    response = await client.request(
        method, f"/admin/data/api/tables/school/{MISSING}/", json=body, headers=headers
    )
    assert response.status_code == 404
    assert len(await audit_rows("school")) == seen


@pytest.mark.parametrize(
    ("table", "body"),
    [("school", {}), ("piccolo_user", {"password": ""}), ("piccolo_user", {"password": None})],
)
@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_write_of_nothing_is_refused_without_an_audit_row(client, table, body, method):
    headers = await panel_staff(client)
    if table == "school":
        row_id = (await _school())["id"]
    else:
        email = await make_user(Role.applicant)
        row_id = (await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first())["id"]
    seen = len(await audit_rows(table))
    response = await client.request(
        method, f"/admin/data/api/tables/{table}/{row_id}/", json=body, headers=headers
    )
    if table == "piccolo_user" and method == "PUT":
        assert response.status_code == 405  # no whole-row PUT of a user at all
    else:
        assert field_errors(response) == {"row": "Send at least one field to change."}
    assert len(await audit_rows(table)) == seen


async def test_true_is_neither_an_id_nor_a_moment(client):
    headers = await panel_staff(client)
    school = await _school()
    email = await make_user(Role.applicant)
    user_id = (await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first())["id"]
    seen = len(await audit_rows("school")), len(await audit_rows("piccolo_user"))
    for method in ("PATCH", "PUT"):
        moved = await client.request(
            method,
            f"/admin/data/api/tables/school/{school['id']}/",
            json={"municipality": True},
            headers=headers,
        )
        assert field_errors(moved) == {"municipality": "Not a value this field can hold."}
    dated = await client.patch(
        f"/admin/data/api/tables/piccolo_user/{user_id}/", json={"last_login": 2_147_483_648}, headers=headers
    )
    assert dated.status_code == 422
    assert (await panel_row(client, "school", school["id"]))["municipality"] == school["municipality"]
    assert (len(await audit_rows("school")), len(await audit_rows("piccolo_user"))) == seen


@pytest.mark.parametrize(
    ("username", "detail"),
    [
        ("NaN", "Enter an e-mail address."),
        ("Someone@Example.lv", "Enter the e-mail address in lower case."),
    ],
)
async def test_a_username_is_a_lower_case_login_email(client, username, detail):
    headers = await panel_staff(client)
    email = await make_user(Role.applicant)
    user_id = (await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first())["id"]
    seen = len(await audit_rows("piccolo_user"))
    response = await client.patch(
        f"/admin/data/api/tables/piccolo_user/{user_id}/", json={"username": username}, headers=headers
    )
    assert field_errors(response) == {"username": detail}
    assert (await panel_row(client, "piccolo_user", user_id))["username"] == email
    assert len(await audit_rows("piccolo_user")) == seen


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_a_user_belongs_to_one_organisation(client, method):
    headers = await panel_staff(client)
    first, second = await _member(), await _member()
    seen = len(await audit_rows("membership"))
    if method == "POST":
        body = {"user": first["user"], "organisation": second["organisation"], "role": "member"}
        response = await client.post("/admin/data/api/tables/membership/", json=body, headers=headers)
    else:
        response = await client.patch(
            f"/admin/data/api/tables/membership/{second['id']}/",
            json={"user": first["user"]},
            headers=headers,
        )
    assert field_errors(response) == {"user": "This user already belongs to an organisation."}
    assert await Membership.count().where(Membership.user == first["user"]) == 1
    assert len(await audit_rows("membership")) == seen
    # Its own row may still be edited.
    kept = await client.patch(
        f"/admin/data/api/tables/membership/{first['id']}/",
        json={"user": first["user"], "role": "member"},
        headers=headers,
    )
    assert kept.status_code == 200, kept.text


async def _member() -> dict:
    email = await make_user(Role.applicant)
    user_id = (await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first())["id"]
    organisation = Organisation(
        name="Biedrība Viena",
        registration_number=unique_org_number(),
        legal_form="association",
        municipality=1,
    )
    await organisation.save()
    membership = Membership(user=user_id, organisation=organisation.id, role="owner")
    await membership.save()
    return {"id": membership.id, "user": user_id, "organisation": organisation.id}
