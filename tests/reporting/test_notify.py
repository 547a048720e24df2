"""`grants remind` for reports: before the final report is due, once it is overdue, and for events
whose day passed without a report. Each goes once, however often remind runs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.applications.tables import PlannedEvent
from grants.core.time import format_day
from grants.reporting.notify import remind_reports
from grants.reporting.rules import EVENT_REMINDER_DAYS, FINAL_REMINDER_DAYS, FINAL_REPORT_DAYS
from tests.factories.awards import today
from tests.factories.mail import outbox_for
from tests.factories.reporting import email_of, planned_event_id, report, running_award

pytestmark = pytest.mark.integration


async def reminders(client, award: dict, marker: str) -> list[dict]:
    """The reminders of this award (by its link) whose dedupe key starts with `marker`."""
    address = await email_of(client, award["applicant"])
    return [
        m
        for m in await outbox_for(address)
        if (m["dedupe_key"] or "").startswith(marker) and f"/my/awards/{award['award_id']}" in m["body_text"]
    ]


async def move_planned_event(award: dict, days_ago: int) -> None:
    """The application's planned event is in 2027; put it `days_ago` days before today."""
    await PlannedEvent.update({PlannedEvent.planned_date: today() - timedelta(days=days_ago)}).where(
        PlannedEvent.application == award["application_id"]
    )


async def test_the_final_report_reminder_goes_once_before_it_is_due(client):
    # Due in 10 days: within the FINAL_REMINDER_DAYS before the due day.
    end = today() + timedelta(days=10 - FINAL_REPORT_DAYS)
    award = await running_award(client, end=end)
    await remind_reports()
    assert await remind_reports() == 0
    due = await reminders(client, award, "final-due:")
    assert len(due) == 1
    # The day as the reader's language writes it (English: the applicant registered in English).
    assert due[0]["subject"].endswith(format_day(end + timedelta(days=FINAL_REPORT_DAYS), "en"))
    assert await reminders(client, award, "final-overdue:") == []


async def test_no_final_report_reminder_long_before_it_is_due(client):
    award = await running_award(
        client, end=today() + timedelta(days=FINAL_REMINDER_DAYS + 1 - FINAL_REPORT_DAYS)
    )
    await remind_reports()
    assert await reminders(client, award, "final-") == []


async def test_an_overdue_final_report_is_reminded_once(client):
    award = await running_award(client, end=today() - timedelta(days=FINAL_REPORT_DAYS + 3))
    await remind_reports()
    await remind_reports()
    overdue = await reminders(client, award, "final-overdue:")
    assert len(overdue) == 1
    assert await reminders(client, award, "final-due:") == []


async def test_a_submitted_final_report_is_not_reminded_of(client):
    award = await running_award(client, end=today() - timedelta(days=FINAL_REPORT_DAYS + 3))
    submitted = await client.post(
        f"/api/awards/{award['award_id']}/final-report",
        json={"narrative": "N", "results": "R", "spent": "10.00"},
        headers=award["applicant"],
    )
    assert submitted.status_code == 201
    await remind_reports()
    assert await reminders(client, award, "final-") == []


async def test_an_unreported_planned_event_is_reminded_once(client):
    award = await running_award(client)
    await move_planned_event(award, EVENT_REMINDER_DAYS + 1)
    await remind_reports()
    assert await remind_reports() == 0
    late = await reminders(client, award, "event-overdue:")
    assert len(late) == 1
    assert late[0]["dedupe_key"].startswith(f"event-overdue:planned:{await planned_event_id(award)}:")
    assert "Nometne" in late[0]["subject"]


async def test_a_new_planned_event_past_its_day_is_reminded_once(client):
    award = await running_award(client)
    await move_planned_event(award, 1)  # the application's own event is not late yet
    planned = await client.post(
        f"/api/awards/{award['award_id']}/events",
        json={
            "school": award["school"],
            "kind": "mentoring",
            "title": "Mentoru tikšanās",
            "status": "planned",
            "planned_on": (today() - timedelta(days=EVENT_REMINDER_DAYS + 5)).isoformat(),
        },
        headers=award["applicant"],
    )
    assert planned.status_code == 201, planned.text
    await remind_reports()
    await remind_reports()
    late = await reminders(client, award, "event-overdue:")
    assert [m["dedupe_key"].rsplit(":", 1)[0] for m in late] == [
        f"event-overdue:report:{planned.json()['id']}"
    ]
    assert "Mentoru tikšanās" in late[0]["subject"]


async def test_reported_or_recent_events_are_not_reminded_of(client):
    award = await running_award(client)
    await move_planned_event(award, EVENT_REMINDER_DAYS + 1)
    await report(client, award, planned_event_id=await planned_event_id(award))
    recent = await running_award(client)
    await move_planned_event(recent, EVENT_REMINDER_DAYS - 1)
    await remind_reports()
    assert await reminders(client, award, "event-overdue:") == []
    assert await reminders(client, recent, "event-overdue:") == []
