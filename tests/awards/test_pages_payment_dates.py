"""The staff's mark-paid form refuses a day before the agreement's signing day, and keeps the form."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.core.auth import Role
from grants.core.time import format_day
from tests.factories.accounts import login, make_user, post_form, staff_browser
from tests.factories.awards import award_payments, award_status, awarded_application, sign, today
from tests.html import field_error

pytestmark = pytest.mark.integration


async def test_the_paid_form_refuses_a_day_before_signing_and_takes_the_signing_day(client, make_client):
    award = await awarded_application(client)
    signed_on = today() - timedelta(days=5)
    assert (await sign(client, award, signed_on=signed_on.isoformat())).status_code == 201
    advance = (await award_payments(award["award_id"]))[0]
    browser = await staff_browser(make_client)
    url = f"/admin/payments/{advance['id']}/paid"

    early = await post_form(
        browser, url, {"paid_on": (signed_on - timedelta(days=1)).isoformat(), "note": ""}
    )
    assert early.status_code == 422
    assert field_error(early.text, f"paid_on.{advance['id']}") == (
        f"The payment cannot be made before the agreement was signed ({format_day(signed_on, 'en')})."
    )
    latvian = make_client(language="lv")
    await login(latvian, await make_user(Role.staff))
    early = await post_form(
        latvian, url, {"paid_on": (signed_on - timedelta(days=1)).isoformat(), "note": ""}
    )
    assert field_error(early.text, f"paid_on.{advance['id']}") == (
        f"Maksājumu nevar veikt pirms līguma parakstīšanas ({format_day(signed_on, 'lv')})."
    )
    assert signed_on.isoformat() not in field_error(early.text, f"paid_on.{advance['id']}")
    assert (await award_payments(award["award_id"]))[0]["paid_on"] is None

    same_day = await post_form(browser, url, {"paid_on": signed_on.isoformat(), "note": "Uzdevums 7"})
    assert same_day.status_code == 302
    assert (await award_payments(award["award_id"]))[0]["paid_on"] == signed_on
    assert await award_status(award["award_id"]) == "in_progress"
