"""E-mails about reports: a returned report, the reminders `grants remind` sends, and the
coordinators' weekly digest the worker sends.

Each goes to every member of the grantee organisation with a dedupe key, so a
retried request or a second run of `grants remind` never sends one twice:
a return is keyed by its moment, a reminder by its award or event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from grants.accounts.queries import load_principal, member_recipients, user_recipient
from grants.applications.tables import Application, PlannedEvent
from grants.awards.states import RUNNING
from grants.awards.tables import Award
from grants.core import mail
from grants.core.db import write_transaction
from grants.core.time import format_day, from_db, now, riga_local, riga_today, to_riga
from grants.reporting.queries.coordinator import digest_events
from grants.reporting.queries.reach import Places, places
from grants.reporting.rules import (
    EVENT_REMINDER_DAYS,
    FINAL_REMINDER_DAYS,
    final_report_due,
)
from grants.reporting.tables import EventReport, EventStatus, FinalReport, ReviewStatus, WeeklyDigest

EVENT_RETURNED_SUBJECT = mail.N_("The report of the event “%(event_title)s” is returned to you")
FINAL_RETURNED_SUBJECT = mail.N_("The final report of %(reference)s is returned to you")
FINAL_DUE_SUBJECT = mail.N_("The final report of %(reference)s is due on %(due_on)s")
FINAL_OVERDUE_SUBJECT = mail.N_("The final report of %(reference)s is overdue")
EVENT_OVERDUE_SUBJECT = mail.N_("Please report the event “%(event_title)s” of %(reference)s")


async def _send(
    organisation_id: int,
    subject: str,
    template: str,
    context: dict[str, Any] | Callable[[str], dict[str, Any]],
    key: str,
) -> int:
    """To each active member; a context that holds dates is a function of the reader's language."""
    sent = 0
    for recipient in await member_recipients(organisation_id):
        if await mail.enqueue(
            recipient.email,
            subject,
            template,
            context(recipient.language) if callable(context) else context,
            language=recipient.language,  # each member reads it in the language they chose
            dedupe_key=f"{key}:{recipient.email}",
        ):
            sent += 1
    return sent


async def _title(application_id: int) -> str:
    row = await Application.select(Application.title).where(Application.id == application_id).first()
    return row["title"] if row else ""


async def event_returned(event: dict[str, Any], award: dict[str, Any], comment: str, moment: datetime) -> int:
    context = {
        "reference": award["reference"],
        "title": await _title(award["application"]),
        "event_title": event["title"],
        "comment": comment,
        "award_id": award["id"],
        "event_id": event["id"],
    }
    key = f"event-returned:{event['id']}:{moment.isoformat()}"
    return await _send(
        award["organisation"], EVENT_RETURNED_SUBJECT, "reporting/mail/report_event_returned", context, key
    )


async def final_returned(award: dict[str, Any], comment: str, moment: datetime) -> int:
    context = {
        "reference": award["reference"],
        "title": await _title(award["application"]),
        "comment": comment,
        "award_id": award["id"],
    }
    key = f"final-returned:{award['id']}:{moment.isoformat()}"
    return await _send(
        award["organisation"], FINAL_RETURNED_SUBJECT, "reporting/mail/report_final_returned", context, key
    )


# --- reminders ------------------------------------------------------------------------------


async def _running_awards() -> list[dict[str, Any]]:
    return await Award.select(
        Award.id,
        Award.application,
        Award.application.reference.as_alias("reference"),
        Award.application.title.as_alias("title"),
        Award.application.end_date.as_alias("end_date"),
        Award.application.organisation.as_alias("organisation"),
    ).where(Award.status.is_in(list(RUNNING)))


async def remind_final_reports(today: date, awards: list[dict[str, Any]]) -> int:
    """Before the final report is due, and once it is overdue: each once per award."""
    if not awards:
        return 0
    waiting = await FinalReport.select(FinalReport.award).where(
        FinalReport.award.is_in([a["id"] for a in awards])
        & (FinalReport.review != ReviewStatus.returned)
        & (FinalReport.draft == False)  # noqa: E712 - a draft is not handed in yet
    )
    handed_in = {row["award"] for row in waiting}
    queued = 0
    for award in awards:
        due = final_report_due(award["end_date"])
        if due is None or award["id"] in handed_in or today < due - timedelta(days=FINAL_REMINDER_DAYS):
            continue
        overdue = today > due
        context = {
            "reference": award["reference"],
            "title": award["title"],
            "award_id": award["id"],
        }
        async with write_transaction():
            queued += await _send(
                award["organisation"],
                FINAL_OVERDUE_SUBJECT if overdue else FINAL_DUE_SUBJECT,
                "reporting/mail/report_final_overdue" if overdue else "reporting/mail/report_final_due",
                lambda language, context=context, due=due: context | {"due_on": format_day(due, language)},
                f"final-{'overdue' if overdue else 'due'}:{award['id']}",
            )
    return queued


async def remind_events(today: date, awards: list[dict[str, Any]]) -> int:
    """Events whose (planned) day is more than EVENT_REMINDER_DAYS past and still not reported."""
    if not awards:
        return 0
    by_award = {a["id"]: a for a in awards}
    by_application = {a["application"]: a for a in awards}
    cutoff = today - timedelta(days=EVENT_REMINDER_DAYS)
    reports = await EventReport.select(
        EventReport.id,
        EventReport.award,
        EventReport.planned_event,
        EventReport.title,
        EventReport.status,
        EventReport.planned_on,
    ).where(EventReport.award.is_in(list(by_award)))
    reported = {r["planned_event"] for r in reports if r["planned_event"] is not None}
    planned = await PlannedEvent.select(
        PlannedEvent.id, PlannedEvent.application, PlannedEvent.title, PlannedEvent.planned_date
    ).where(PlannedEvent.application.is_in(list(by_application)) & (PlannedEvent.planned_date < cutoff))
    # Keyed by the application's planned event when there is one: planning it again sends no second mail.
    late: list[tuple[dict[str, Any], str, date, str]] = [
        (
            by_award[r["award"]],
            r["title"],
            r["planned_on"],
            f"event-overdue:planned:{r['planned_event']}"
            if r["planned_event"]
            else f"event-overdue:report:{r['id']}",
        )
        for r in reports
        if r["status"] == EventStatus.planned and r["planned_on"] is not None and r["planned_on"] < cutoff
    ]
    late += [
        (by_application[p["application"]], p["title"], p["planned_date"], f"event-overdue:planned:{p['id']}")
        for p in planned
        if p["id"] not in reported
    ]
    queued = 0
    for award, title, day, key in late:
        context = {
            "reference": award["reference"],
            "title": award["title"],
            "event_title": title,
            "award_id": award["id"],
        }
        async with write_transaction():
            queued += await _send(
                award["organisation"],
                EVENT_OVERDUE_SUBJECT,
                "reporting/mail/report_event_overdue",
                lambda language, context=context, day=day: (
                    context | {"planned_on": format_day(day, language)}
                ),
                key,
            )
    return queued


async def remind_reports(today: date | None = None) -> int:
    """Every report reminder due today (Riga); returns how many e-mails were newly queued."""
    today = today or riga_today()
    awards = await _running_awards()
    return await remind_final_reports(today, awards) + await remind_events(today, awards)


# --- the coordinators' weekly digest --------------------------------------------------------------

DIGEST_SUBJECT = mail.N_("The week in the schools of %(names)s")


def digest_week(moment: datetime) -> tuple[date, date]:
    """The Riga week (Monday to Sunday) of `moment`: a subscriber gets at most one digest in it."""
    today = to_riga(moment).date()
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


async def _digest_sections(
    codes: frozenset[str], where: Places, week: tuple[date, date], language: str
) -> list:
    """Per municipality of today (a coordinator's former one resolves to it), what the week brings:
    the events staff accepted in the week before, those planned in this one."""
    since, until = riga_local(week[0] - timedelta(days=7)), riga_local(week[0])
    sections = []
    for code in sorted({where.today(c) for c in codes}):
        found = await digest_events(where.merged_into(code), since, until, week)
        if not found["accepted"] and not found["planned"]:
            continue
        for row in found["accepted"]:
            row["day"] = format_day(row["held_on"], language)
        for row in found["planned"]:
            row["day"] = format_day(row["planned_on"], language)
        sections.append({"code": code, "name": where.name(code), **found})
    return sections


async def send_weekly_digests(moment: datetime | None = None) -> int:
    """Each subscriber of the weekly digest, once in a Riga week: the past week's accepted events and
    this week's planned ones in their municipalities' schools. Nothing is sent (and the week stays
    open) when there is nothing to tell. `last_sent_at` is claimed with a conditional UPDATE in the
    transaction that queues the mail, so two workers never send a subscriber two digests a week."""
    moment = moment or now()
    week = digest_week(moment)
    week_began = riga_local(week[0])
    subscribers = await WeeklyDigest.select(
        WeeklyDigest.id, WeeklyDigest.user, WeeklyDigest.last_sent_at
    ).where(WeeklyDigest.user.active.eq(True))
    where = await places()
    sent = 0
    for subscriber in subscribers:
        if subscriber["last_sent_at"] is not None and from_db(subscriber["last_sent_at"]) >= week_began:
            continue
        principal = await load_principal(subscriber["user"])
        recipient = await user_recipient(subscriber["user"])
        if principal is None or recipient is None or not principal.municipalities:
            continue
        sections = await _digest_sections(principal.municipalities, where, week, recipient.language)
        if not sections:
            continue
        async with write_transaction():
            claimed = await (
                WeeklyDigest.update({WeeklyDigest.last_sent_at: moment})
                .where(
                    (WeeklyDigest.id == subscriber["id"])
                    & (WeeklyDigest.last_sent_at.is_null() | (WeeklyDigest.last_sent_at < week_began))
                )
                .returning(WeeklyDigest.id)
            )
            if not claimed:
                continue  # another worker sent it a moment ago
            queued = await mail.enqueue(
                recipient.email,
                DIGEST_SUBJECT,
                "reporting/mail/weekly_digest",
                {
                    "names": ", ".join(s["name"] for s in sections),
                    "sections": sections,
                    "first": format_day(week[0], recipient.language),
                    "last": format_day(week[1], recipient.language),
                },
                language=recipient.language,
                dedupe_key=f"weekly-digest:{subscriber['user']}:{week[0].isoformat()}",
            )
            sent += queued is not None
    return sent
