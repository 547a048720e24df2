"""NaN and Infinity in a row the Data section is sent are refused with a 400 before piccolo sees them
(its error answer cannot write them back as JSON: it was a 500), whatever the table."""

from __future__ import annotations

import pytest

from grants.registry.tables import School
from tests.factories.panel import panel_staff
from tests.factories.registry import make_school

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_a_row_with_a_non_finite_number_is_a_400(client, constant, method):
    headers = await panel_staff(client) | {"content-type": "application/json"}
    registration = await make_school()
    school = (
        await School.select(School.id, School.name).where(School.registration_number == registration).first()
    )
    body = f'{{"name": {constant}}}'.encode()
    response = await client.request(
        method, f"/admin/data/api/tables/school/{school['id']}/", content=body, headers=headers
    )
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "Numbers must be plain numbers, not NaN or Infinity.",
    )
    assert (await School.select(School.name).where(School.id == school["id"]).first())["name"] == school[
        "name"
    ]


async def test_a_payment_with_nan_cents_is_a_400_not_a_500(client):
    headers = await panel_staff(client) | {"content-type": "application/json"}
    response = await client.post(
        "/admin/data/api/tables/payment/", content=b'{"amount_cents": NaN}', headers=headers
    )
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_a_path_that_normalises_away_from_the_api_is_still_judged_as_the_api(app, method):
    from grants.accounts.service.sessions import start_session
    from grants.core.auth import SESSION_COOKIE, Role
    from tests.factories.accounts import make_user
    from tests.factories.scoring import principal_of
    from tests.security.web import raw_request

    applicant = await principal_of(await make_user(Role.applicant))
    token = await start_session(applicant.user_id, None)
    cookie = (b"cookie", f"{SESSION_COOKIE}={token}".encode())
    # Sent as it is (httpx would remove the dots): "/api/…/../../../../" normalises to "/".
    status, body = await raw_request(
        app, method, "/admin/data/api/tables/grant_call/x/../../../../", [cookie]
    )
    assert status == 403
    assert b"Data section is for programme staff" in body
