"""The grantee's mail about a running award writes money and days as the reader's language does
("4 140,00 €", "2027. gada 1. febr."; "€4,140.00", "Feb 1, 2027"), never the API's "4140.00 EUR" or
"2027-02-01": the agreement with its advance, the final report's reminder, a late event's reminder."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from grants.accounts.queries import user_id_by_email
from grants.accounts.service.profiles import set_language
from grants.applications.tables import PlannedEvent
from grants.core.money import display_cents
from grants.core.tables import OutboxMessage
from grants.core.time import format_day
from grants.reporting.notify import remind_reports
from grants.reporting.rules import EVENT_REMINDER_DAYS, FINAL_REPORT_DAYS
from tests.factories.awards import award_payments, today
from tests.factories.reporting import email_of, running_award

pytestmark = pytest.mark.integration

OURS = ("decision:", "agreement:", "final-", "event-")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
WIRE_MONEY = re.compile(r"\d\s*EUR\b|\bEUR\s*\d|(?<![\d,.€\u00a0])\d+\.\d{2}(?![\d\u00a0]*€)")


async def mails_to(address: str) -> list[dict]:
    return (
        await OutboxMessage.select(
            OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.dedupe_key, OutboxMessage.language
        )
        .where(OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id)
    )


def the(mails: list[dict], key: str) -> dict:
    found = [m for m in mails if (m["dedupe_key"] or "").startswith(key)]
    assert len(found) == 1, [m["dedupe_key"] for m in mails]
    return found[0]


@pytest.mark.parametrize("language", ["lv", "en"])
async def test_award_and_report_mails_write_money_and_days_in_the_readers_language(client, language):
    end = today() + timedelta(days=10 - FINAL_REPORT_DAYS)  # the final report falls due in 10 days
    award = await running_award(client, end=end)
    address = await email_of(client, award["applicant"])
    await set_language(await user_id_by_email(address), language)
    late_day = today() - timedelta(days=EVENT_REMINDER_DAYS + 1)
    await PlannedEvent.update({PlannedEvent.planned_date: late_day}).where(
        PlannedEvent.application == award["application_id"]
    )
    await remind_reports()
    mails = await mails_to(address)

    agreement = the(mails, "agreement:")
    advance = next(p for p in await award_payments(award["award_id"]) if p["kind"] == "advance")
    assert display_cents(advance["amount_cents"], agreement["language"]) in agreement["body_text"]
    assert format_day(advance["due_on"], agreement["language"]) in agreement["body_text"]

    due = the(mails, "final-due:")
    assert due["language"] == language
    assert due["subject"].endswith(format_day(end + timedelta(days=FINAL_REPORT_DAYS), language))
    assert format_day(end + timedelta(days=FINAL_REPORT_DAYS), language) in due["body_text"]
    late = the(mails, "event-overdue:")
    assert format_day(late_day, language) in late["body_text"]

    # The awards' and reports' own mails (the application's receipt belongs to applications).
    for mail in (m for m in mails if (m["dedupe_key"] or "").startswith(OURS)):
        for text in (mail["subject"], mail["body_text"]):
            assert ISO_DAY.findall(text) == [], text
            assert WIRE_MONEY.findall(text) == [], text
