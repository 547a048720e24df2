"""Fixture data for the reporting tests: funded projects, payments and event reports as rows.

The event-report and payment services are written alongside these tests, so the rows are
inserted with the Piccolo table classes, with the states those services would leave behind
(an awarded application of a decided call, a signed agreement's advance paid, a held event
whose bands add up to its total). This is test data, not a stand-in for our code: every
query under test runs against these rows in the real database.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from grants.accounts.tables import Organisation
from grants.applications.tables import Application, PlannedEvent
from grants.awards.tables import Award, Payment
from grants.calls.tables import Call
from grants.core.money import format_cents
from grants.registry.tables import Municipality, School
from grants.reporting.tables import GRADE_BANDS, EventReport
from tests.factories.accounts import unique_org_number
from tests.factories.registry import make_school

_numbers = itertools.count(1)


async def municipality_id(code: str) -> int:
    return (await Municipality.select(Municipality.id).where(Municipality.code == code).first())["id"]


async def organisation(name: str | None = None, municipality: str = "LV-016") -> dict:
    number = unique_org_number()
    name = name or f"Biedrība “Jaunieši {next(_numbers)}”"
    rows = await Organisation.insert(
        Organisation(
            name=name,
            registration_number=number,
            legal_form="association",
            municipality=await municipality_id(municipality),
        )
    ).returning(Organisation.id)
    return {"id": rows[0]["id"], "name": name, "registration_number": number}


async def call(municipality: str, status: str = "decided", title: str | None = None) -> int:
    closes = datetime(2026, 3, 1, 10, tzinfo=UTC)
    rows = await Call.insert(
        Call(
            title=title or f"Jauniešu iniciatīvu konkurss {next(_numbers)}",
            municipality=await municipality_id(municipality),
            status=status,
            budget_cents=4_600_000,
            quota=10,
            opens_at=closes - timedelta(days=30),
            closes_at=closes,
        )
    ).returning(Call.id)
    return rows[0]["id"]


@dataclass
class Project:
    award: int
    application: int
    reference: str
    title: str
    organisation: dict
    amount_cents: int
    call: int
    planned: list[str] = field(default_factory=list)  # school registration numbers


async def project(
    call_id: int,
    org: dict | None = None,
    *,
    amount_cents: int = 460_000,
    status: str = "agreement_signed",
    planned: list[str] | None = None,
    decided_at: datetime | None = None,
    title: str | None = None,
    summary: str = "Pasākumi skolēniem ar mācību kavējumiem.",
    start: date | None = date(2026, 4, 1),
    end: date | None = date(2026, 12, 31),
    application_status: str = "awarded",
) -> Project:
    """An awarded application of the call with its planned events, and the award."""
    org = org or await organisation()
    reference = f"TST-{uuid.uuid4().hex[:10].upper()}"
    title = title or f"Projekts {reference}"
    rows = await Application.insert(
        Application(
            call=call_id,
            organisation=org["id"],
            reference=reference,
            status=application_status,
            title=title,
            summary=summary,
            start_date=start,
            end_date=end,
            requested_cents=amount_cents,
            submitted_at=datetime(2026, 2, 20, 12, tzinfo=UTC),
        )
    ).returning(Application.id)
    application_id = rows[0]["id"]
    for position, number in enumerate(planned or []):
        school = (await School.select(School.id).where(School.registration_number == number).first())["id"]
        await PlannedEvent.insert(
            PlannedEvent(
                application=application_id,
                position=position,
                school=school,
                kind="workshop",
                title="Darbnīca",
                planned_date=date(2026, 5, 1),
                expected_participants=20,
            )
        )
    award = await Award.insert(
        Award(
            call=call_id,
            application=application_id,
            amount_cents=amount_cents,
            status=status,
            decided_at=decided_at or datetime(2026, 3, 20, 9, tzinfo=UTC),
        )
    ).returning(Award.id)
    return Project(
        award[0]["id"], application_id, reference, title, org, amount_cents, call_id, planned or []
    )


async def unawarded(
    call_id: int, org: dict, title: str, status: str = "rejected", planned: str | None = None
) -> int:
    """An application that was not awarded (no award row), perhaps planning an event in a school."""
    rows = await Application.insert(
        Application(
            call=call_id,
            organisation=org["id"],
            reference=f"TST-{uuid.uuid4().hex[:10].upper()}",
            status=status,
            title=title,
            requested_cents=460_000,
        )
    ).returning(Application.id)
    if planned:
        school = (await School.select(School.id).where(School.registration_number == planned).first())["id"]
        await PlannedEvent.insert(
            PlannedEvent(application=rows[0]["id"], school=school, kind="camp", title=title)
        )
    return rows[0]["id"]


async def payment(
    award_id: int,
    cents: int,
    *,
    kind: str = "advance",
    paid_on: date | None = None,
    due_on: date | None = None,
) -> int:
    rows = await Payment.insert(
        Payment(
            award=award_id,
            kind=kind,
            amount_cents=cents,
            due_on=due_on or date(2026, 4, 1),
            paid_on=paid_on,
        )
    ).returning(Payment.id)
    return rows[0]["id"]


async def event(
    award_id: int,
    school: str,
    bands: tuple[int, int, int, int] = (0, 10, 5, 0),
    *,
    held_on: date | None = date(2026, 5, 14),
    status: str = "held",
    review: str = "accepted",
    kind: str = "workshop",
    title: str = "Komandas saliedēšanas darbnīca",
    planned_event: int | None = None,
) -> int:
    """An event report (of an event planned in the application: `planned_event`); a held one has its
    total equal to the sum of its bands."""
    school_id = (await School.select(School.id).where(School.registration_number == school).first())["id"]
    counts = dict(zip(GRADE_BANDS, bands, strict=True)) if status == "held" else dict.fromkeys(GRADE_BANDS, 0)
    rows = await EventReport.insert(
        EventReport(
            award=award_id,
            school=school_id,
            kind=kind,
            title=title,
            status=status,
            planned_on=held_on,
            held_on=held_on if status == "held" else None,
            participants=sum(counts.values()),
            participants_1_4=counts["1-4"],
            participants_5_9=counts["5-9"],
            participants_10_12=counts["10-12"],
            participants_vocational=counts["vocational"],
            cancel_reason="Skola slēgta karantīnas dēļ." if status == "cancelled" else "",
            review=review,
            planned_event=planned_event,
        )
    ).returning(EventReport.id)
    return rows[0]["id"]


async def planned_event(project: Project, school: str, day: date, title: str = "Plānotā darbnīca") -> int:
    """One more event planned in the project's application, in the school on the day."""
    school_id = (await School.select(School.id).where(School.registration_number == school).first())["id"]
    rows = await PlannedEvent.insert(
        PlannedEvent(
            application=project.application,
            position=99,
            school=school_id,
            kind="workshop",
            title=title,
            planned_date=day,
            expected_participants=20,
        )
    ).returning(PlannedEvent.id)
    return rows[0]["id"]


async def school(municipality: str, name: str) -> str:
    return await make_school(municipality, name)


BANDS = ("1-4", "5-9", "10-12", "vocational")


def band_sum(events: list[tuple]) -> dict[str, int]:
    return {band: sum(e[2][i] for e in events) for i, band in enumerate(BANDS)}


def expected(seeded: dict) -> dict:
    projects, events = seeded["projects"], seeded["events"]
    paid = {p.award: sum(c for q, c, on in seeded["payments"] if q is p and on) for p in projects}
    return {
        "projects": len(projects),
        "events": len(events),
        "participants": sum(sum(e[2]) for e in events),
        "participants_by_grade": band_sum(events),
        "awarded": format_cents(sum(p.amount_cents for p in projects)),
        "paid": format_cents(sum(paid.values())),
        "paid_per_project": {p.award: format_cents(paid[p.award]) for p in projects},
    }
