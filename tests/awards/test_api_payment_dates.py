"""A payment's day against its agreement's: never paid before the agreement was signed (the same day is
fine), whoever records it, through the API or the service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.awards.service import payments
from grants.core.errors import ValidationFailed
from grants.core.time import format_day
from tests.factories.awards import (
    award_payments,
    award_status,
    awarded_application,
    pay,
    sign,
    staff_principal,
    today,
)

pytestmark = pytest.mark.integration


async def signed_days_ago(client, days: int) -> dict:
    """An award whose agreement was signed `days` days ago (Riga calendar), its advance unpaid."""
    award = await awarded_application(client)
    signed = await sign(client, award, signed_on=(today() - timedelta(days=days)).isoformat())
    assert signed.status_code == 201, signed.text
    return award


async def test_paying_before_the_agreement_was_signed_is_refused_over_the_api(client):
    award = await signed_days_ago(client, 3)
    advance = (await award_payments(award["award_id"]))[0]
    day_before = (today() - timedelta(days=4)).isoformat()
    refused = await pay(client, advance["id"], award["staff"], paid_on=day_before)
    assert refused.status_code == 422
    signed_on = format_day(today() - timedelta(days=3), "en")  # the day as the site writes days
    message = f"The payment cannot be made before the agreement was signed ({signed_on})."
    assert refused.json()["extra"] == {"paid_on": message}
    assert day_before not in refused.text  # the answer names the signing day only
    assert (await award_payments(award["award_id"]))[0]["paid_on"] is None
    assert await award_status(award["award_id"]) == "agreement_signed"


async def test_paying_on_the_signing_day_is_allowed_over_the_api(client):
    award = await signed_days_ago(client, 3)
    advance = (await award_payments(award["award_id"]))[0]
    signed_on = today() - timedelta(days=3)
    paid = await pay(client, advance["id"], award["staff"], paid_on=signed_on.isoformat())
    assert paid.status_code == 200, paid.text
    assert paid.json()["paid_on"] == signed_on.isoformat()
    assert (await award_payments(award["award_id"]))[0]["paid_on"] == signed_on
    assert await award_status(award["award_id"]) == "in_progress"


async def test_the_refusal_is_in_latvian_by_default(make_client, client):
    award = await signed_days_ago(client, 1)
    advance = (await award_payments(award["award_id"]))[0]
    latvian = make_client(language=None)
    refused = await latvian.post(
        f"/api/payments/{advance['id']}/paid",
        json={"paid_on": (today() - timedelta(days=2)).isoformat(), "note": ""},
        headers=award["staff"],
    )
    assert refused.status_code == 422
    signed_on = format_day(today() - timedelta(days=1), "lv")  # "2026. gada 28. sept.", not ISO
    assert refused.json()["extra"] == {
        "paid_on": f"Maksājumu nevar veikt pirms līguma parakstīšanas ({signed_on})."
    }


async def test_the_service_refuses_a_day_before_signing_whoever_calls_it(client, english):
    award = await signed_days_ago(client, 2)
    advance = (await award_payments(award["award_id"]))[0]
    staff = await staff_principal()
    with pytest.raises(ValidationFailed) as refused:
        await payments.mark_paid(advance["id"], staff, today() - timedelta(days=3), "")
    assert list(refused.value.errors) == ["paid_on"]
    assert (await award_payments(award["award_id"]))[0]["paid_on"] is None
