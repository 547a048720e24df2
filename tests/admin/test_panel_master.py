"""Master data in the panel: every write method validated the same way, each accepted write audited
once, a refused one leaving nothing (issue 11, class 2)."""

from __future__ import annotations

import random
import string
import uuid

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.tables import Membership, Organisation
from grants.core.auth import Role
from grants.registry.tables import Municipality, School
from tests.factories.accounts import make_user, unique_org_number
from tests.factories.panel import audit_rows, field_errors, panel_staff

pytestmark = pytest.mark.integration

TABLES = {
    "municipality": Municipality,
    "school": School,
    "organisation": Organisation,
    "membership": Membership,
}


@pytest.fixture(autouse=True)
async def _forget_test_municipalities():
    """Other tests count the registry's municipalities: the ones made here (LV-Q..) go afterwards."""
    yield
    made = Municipality.select(Municipality.id).where(Municipality.code.like("LV-Q%"))
    await School.delete().where(School.municipality.is_in(made))
    await Municipality.delete().where(Municipality.code.like("LV-Q%"))


def _code() -> str:
    return "LV-Q" + "".join(random.choices(string.ascii_uppercase, k=2))


def _school_number() -> str:
    return f"7{uuid.uuid4().int % 10**9:09d}"


async def _member_refs() -> dict:
    user = (
        await BaseUser.select(BaseUser.id).where(BaseUser.username == await make_user(Role.applicant)).first()
    )
    org = Organisation(
        name="Biedrība Tests",
        registration_number=unique_org_number(),
        legal_form="association",
        municipality=1,
    )
    await org.save()
    return {"user": user["id"], "organisation": org.id}


async def valid(tablename: str) -> dict:
    """A complete, valid new row of the table, as the panel's create form sends it."""
    if tablename == "municipality":
        return {"code": _code(), "name": "Testa novads", "short_name": "TST", "kind": "novads"}
    if tablename == "school":
        return {"registration_number": _school_number(), "name": "Testa skola", "municipality": 1}
    if tablename == "organisation":
        return {
            "name": "Biedrība “Jaunā”",
            "registration_number": unique_org_number(),
            "legal_form": "foundation",
            "municipality": 1,
            "email": "info@example.lv",
        }
    return await _member_refs() | {"role": "member"}


# Values each table must refuse, one at a time: a bad format, a value the column cannot hold, a
# reference to nothing, a choice that does not exist, a required field left empty.
INVALID = {
    "municipality": [
        {"code": "Bauska"},
        {"name": "x" * 121},
        {"kind": "county"},
        {"name": ""},
        {"successor": 999_999},
    ],
    "school": [
        {"registration_number": "12345"},
        {"name": "y" * 201},
        {"municipality": 999_999},
        {"kind": "secret"},
        {"name": " "},
    ],
    "organisation": [
        {"registration_number": "4000"},
        {"email": "not-an-address"},
        {"legal_form": "company"},
        {"municipality": 999_999},
        {"name": ""},
    ],
    "membership": [{"role": "boss"}, {"organisation": 999_999}, {"user": 999_999}],
}
# One accepted change per table, for PATCH.
CHANGE = {
    "municipality": {"name": "Pārdēvēts novads"},
    "school": {"name": "Pārdēvēta skola"},
    "organisation": {"email": "new@example.lv"},
    "membership": {"role": "owner"},
}


async def _insert(tablename: str) -> int:
    table = TABLES[tablename]
    row = table(**await valid(tablename))
    await row.save()
    return row.id


async def _new_entries(tablename: str, seen: int) -> list[tuple[str, str]]:
    """The audit rows of the table after the first `seen`: (action, row id)."""
    return [(entry["action"], entry["entity_id"]) for entry in (await audit_rows(tablename))[seen:]]


@pytest.mark.parametrize("tablename", sorted(TABLES))
async def test_master_create_is_validated_and_audited(client, tablename):
    headers = await panel_staff(client)
    table = TABLES[tablename]
    url = f"/admin/data/api/tables/{tablename}/"
    rows, entries = await table.count(), len(await audit_rows(tablename))
    for bad in INVALID[tablename]:
        response = await client.post(url, json=await valid(tablename) | bad, headers=headers)
        assert 400 <= response.status_code < 500, (bad, response.text)
        assert response.status_code != 405, bad
    assert await table.count() == rows
    assert len(await audit_rows(tablename)) == entries
    created = await client.post(url, json=await valid(tablename), headers=headers)
    assert created.status_code == 201, created.text
    assert await table.count() == rows + 1
    assert [entry["action"] for entry in (await audit_rows(tablename))[entries:]] == ["admin_create"]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("tablename", sorted(TABLES))
async def test_master_edit_is_validated_and_audited_by_every_method(client, tablename, method):
    headers = await panel_staff(client)
    table = TABLES[tablename]
    row_id = await _insert(tablename)
    url = f"/admin/data/api/tables/{tablename}/{row_id}/"
    before = await table.select().where(table.id == row_id).first()
    seen = len(await audit_rows(tablename))
    for bad in INVALID[tablename]:
        body = (await valid(tablename) | bad) if method == "PUT" else bad
        response = await client.request(method, url, json=body, headers=headers)
        assert 400 <= response.status_code < 500, (bad, response.text)
        assert await table.select().where(table.id == row_id).first() == before, bad
    assert await _new_entries(tablename, seen) == []
    body = (await valid(tablename) | CHANGE[tablename]) if method == "PUT" else CHANGE[tablename]
    response = await client.request(method, url, json=body, headers=headers)
    assert response.status_code in (200, 204), response.text
    stored = await table.select(*[getattr(table, k) for k in CHANGE[tablename]]).where(table.id == row_id)
    assert stored == [CHANGE[tablename]]
    assert await _new_entries(tablename, seen) == [("admin_update", str(row_id))]


@pytest.mark.parametrize("tablename", sorted(TABLES))
async def test_master_delete_is_audited_and_bulk_delete_refused(client, tablename):
    headers = await panel_staff(client)
    table = TABLES[tablename]
    row_id = await _insert(tablename)
    seen = len(await audit_rows(tablename))
    bulk = await client.delete(f"/admin/data/api/tables/{tablename}/?id={row_id}", headers=headers)
    assert bulk.status_code == 405
    deleted = await client.delete(f"/admin/data/api/tables/{tablename}/{row_id}/", headers=headers)
    assert deleted.status_code == 204, deleted.text
    assert not await table.exists().where(table.id == row_id)
    assert await _new_entries(tablename, seen) == [("admin_delete", str(row_id))]


async def test_master_row_still_referenced_is_not_deleted(client):
    headers = await panel_staff(client)
    municipality = Municipality(**await valid("municipality"))
    await municipality.save()
    school = School(
        registration_number=_school_number(), name="Piesaistītā skola", municipality=municipality.id
    )
    await school.save()
    entries = len(await audit_rows("municipality"))
    response = await client.delete(f"/admin/data/api/tables/municipality/{municipality.id}/", headers=headers)
    assert response.status_code == 409, response.text
    assert "school" in response.json()["detail"]
    assert await School.exists().where(School.id == school.id)
    assert await Municipality.exists().where(Municipality.id == municipality.id)
    assert len(await audit_rows("municipality")) == entries


async def test_master_unique_value_taken_twice_is_refused_before_the_database(client):
    headers = await panel_staff(client)
    first = await valid("school")
    assert (
        await client.post("/admin/data/api/tables/school/", json=first, headers=headers)
    ).status_code == 201
    entries = len(await audit_rows("school"))
    again = await client.post(
        "/admin/data/api/tables/school/", json=first | {"name": "Cita skola"}, headers=headers
    )
    assert field_errors(again) == {"registration_number": "This value is already used by another row."}
    assert await School.count().where(School.registration_number == first["registration_number"]) == 1
    assert len(await audit_rows("school")) == entries


async def test_master_refusal_names_each_field_as_the_panel_form_lists_it(client):
    """piccolo-admin's row form lists a 422's errors from a list of {loc, msg}; a text detail stops it
    with a script error and the staff member sees no message at all."""
    headers = await panel_staff(client)
    created = await client.post("/admin/data/api/tables/school/", json=await valid("school"), headers=headers)
    school_id = created.json()[0]["id"]
    response = await client.patch(
        f"/admin/data/api/tables/school/{school_id}/",
        json={"registration_number": "12345", "pumpurs_since": "2027-01-01", "pumpurs_until": "2026-01-01"},
        headers=headers,
    )
    assert field_errors(response) == {
        "registration_number": "The register number has 10 digits.",
        "pumpurs_until": "This date is before pumpurs_since.",
    }
