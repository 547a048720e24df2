"""What the funded projects reach: the schools and municipalities of their planned and held events.

A project is an award that was not declined. It reaches a school when its application planned an
event there, or when it reported an event held there. It belongs to a municipality's figures when
the municipality ran its call or when it reaches one of the municipality's schools.

Mergers: a school registered under a municipality that no longer exists counts under the one that
exists today, the end of the successor chain (grants.registry.queries.successor_map), so today's
totals never lose a school that was registered before a merger.

Counted events (`counted_events`): held, accepted by staff, of a project that was not declined. An
event waiting for review or returned for correction counts nowhere outside the grantee's and the
staff's own pages (DESIGN.md); one at a school the programme does not count by itself is accepted
only with the school approved (reporting.service.review). This one definition serves the dashboards,
the public pages and the exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.columns.combination import Combinable
from piccolo.query.functions.aggregate import Count, Sum

from grants.applications.tables import PlannedEvent
from grants.awards.tables import Award, AwardStatus, Payment, PaymentKind
from grants.core.i18n import sort_key
from grants.registry.queries import successor_map
from grants.registry.tables import Municipality, School
from grants.reporting.tables import GRADE_BANDS, EventReport, EventStatus, ReviewStatus

# The per-band count columns of an event report, in the order of GRADE_BANDS.
BAND_COLUMNS = {
    "1-4": EventReport.participants_1_4,
    "5-9": EventReport.participants_5_9,
    "10-12": EventReport.participants_10_12,
    "vocational": EventReport.participants_vocational,
}
assert tuple(BAND_COLUMNS) == GRADE_BANDS


def live_awards() -> Combinable:
    """Awards that funded a project: every one but those the grantee declined before the agreement."""
    return Award.status != AwardStatus.declined


def public_awards() -> Combinable:
    """Awards the public reads of (results, project pages, open data): live ones whose decision is
    final. An award still waiting for national approval (awarded, in a call that requires it) is not
    final, and shows nowhere public until national staff approve it."""
    return live_awards() & (
        (Award.status != AwardStatus.awarded) | (Award.call.requires_approval == False)  # noqa: E712
    )


def awaiting_approval() -> Combinable:
    """Awards whose decision waits for national approval (the complement of public_awards' rule)."""
    return (Award.status == AwardStatus.awarded) & (Award.call.requires_approval == True)  # noqa: E712


def counted_events() -> Combinable:
    return (
        (EventReport.status == EventStatus.held)
        & (EventReport.review == ReviewStatus.accepted)
        & (EventReport.award.status != AwardStatus.declined)
    )


def band_sums() -> list[Any]:
    """SUM of each band's column, aliased "1-4" … "vocational"."""
    return [Sum(column, alias=band) for band, column in BAND_COLUMNS.items()]


def bands_of(row: dict[str, Any]) -> dict[str, int]:
    """The per-band counts of a row selected with band_sums() (SUM of no rows is NULL: 0)."""
    return {band: row.get(band) or 0 for band in GRADE_BANDS}


@dataclass(frozen=True)
class Places:
    """Every municipality code with today's municipality and its name."""

    current: dict[str, str]
    names: dict[str, str]

    def today(self, code: str) -> str:
        return self.current.get(code, code)

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def merged_into(self, code: str) -> list[str]:
        """The code and every former municipality that resolves to it today."""
        return sorted(c for c, target in self.current.items() if target == code or c == code) or [code]


async def places() -> Places:
    rows = await Municipality.select(
        Municipality.code, Municipality.name, Municipality.successor.code.as_alias("successor_code")
    )
    return Places(successor_map(rows), {row["code"]: row["name"] for row in rows})


def reaching(codes: list[str]) -> Combinable:
    """Awards of a call run by one of these municipalities, or reaching one of their schools."""
    held = EventReport.select(EventReport.award).where(
        counted_events() & EventReport.school.municipality.code.is_in(codes)
    )
    planned = PlannedEvent.select(PlannedEvent.application).where(
        PlannedEvent.school.municipality.code.is_in(codes)
    )
    return Award.call.municipality.code.is_in(codes) | Award.id.is_in(held) | Award.application.is_in(planned)


def reaching_school(school_id: int) -> Combinable:
    held = EventReport.select(EventReport.award).where(counted_events() & (EventReport.school == school_id))
    planned = PlannedEvent.select(PlannedEvent.application).where(PlannedEvent.school == school_id)
    return Award.id.is_in(held) | Award.application.is_in(planned)


# A project as lists and pages show it.
PROJECT_COLUMNS = (
    Award.id,
    Award.application.as_alias("application_id"),
    Award.application.reference.as_alias("reference"),
    Award.application.title.as_alias("title"),
    Award.application.organisation.name.as_alias("organisation"),
    Award.application.organisation.registration_number.as_alias("registration_number"),
    Award.amount_cents,
    Award.status,
    Award.decided_at,
    Award.call.as_alias("call_id"),
    Award.call.title.as_alias("call_title"),
    Award.call.municipality.code.as_alias("call_municipality_code"),
)


async def paid_cents(award_ids: list[int] | None) -> dict[int, int]:
    """What was paid on each award (None: on every funded project), summed in the database."""
    if award_ids is not None and not award_ids:
        return {}
    which = (
        Payment.award.is_in(award_ids)
        if award_ids is not None
        else Payment.award.status != AwardStatus.declined
    )
    rows = (
        await Payment.select(Payment.award, Sum(Payment.amount_cents, alias="paid"))
        .where(which & Payment.paid_on.is_not_null() & (Payment.kind != PaymentKind.refund))
        .group_by(Payment.award)
    )
    return {row["award"]: row["paid"] or 0 for row in rows}


async def schools_reached(
    projects: list[dict[str, Any]],
    where: Places,
    codes: list[str] | None = None,
    school_id: int | None = None,
) -> dict[int, list[dict[str, Any]]]:
    """Per project id, the schools it reaches: planned and held event counts, participants reached,
    the municipality registered and today's. `projects` are rows with "id" and "application_id";
    `codes`: only schools registered under these municipalities; `school_id`: only that school."""
    if not projects:
        return {}
    award_of = {p["application_id"]: p["id"] for p in projects}
    planned_in = PlannedEvent.application.is_in(list(award_of))
    held_in = counted_events() & EventReport.award.is_in(list(award_of.values()))
    if codes is not None:
        planned_in &= PlannedEvent.school.municipality.code.is_in(codes)
        held_in &= EventReport.school.municipality.code.is_in(codes)
    if school_id is not None:
        planned_in &= PlannedEvent.school == school_id
        held_in &= EventReport.school == school_id
    school = (
        PlannedEvent.school.registration_number.as_alias("registration_number"),
        PlannedEvent.school.name.as_alias("name"),
        PlannedEvent.school.municipality.code.as_alias("registered_code"),
    )
    planned = (
        await PlannedEvent.select(PlannedEvent.application, *school, Count(alias="n"))
        .where(planned_in)
        .group_by(
            PlannedEvent.application,
            PlannedEvent.school.registration_number,
            PlannedEvent.school.name,
            PlannedEvent.school.municipality.code,
        )
    )
    held = (
        await EventReport.select(
            EventReport.award,
            EventReport.school.registration_number.as_alias("registration_number"),
            EventReport.school.name.as_alias("name"),
            EventReport.school.municipality.code.as_alias("registered_code"),
            Count(alias="n"),
            Sum(EventReport.participants, alias="participants"),
        )
        .where(held_in)
        .group_by(
            EventReport.award,
            EventReport.school.registration_number,
            EventReport.school.name,
            EventReport.school.municipality.code,
        )
    )
    reached: dict[int, dict[str, dict[str, Any]]] = {p["id"]: {} for p in projects}

    def entry(award_id: int, row: dict[str, Any]) -> dict[str, Any]:
        today = where.today(row["registered_code"])
        return reached[award_id].setdefault(
            row["registration_number"],
            {
                "registration_number": row["registration_number"],
                "name": row["name"],
                "registered_code": row["registered_code"],
                "municipality_code": today,
                "municipality_name": where.name(today),
                "planned": 0,
                "held": 0,
                "participants": 0,
            },
        )

    # A project awarded between these queries and the caller's is left for the next request.
    for row in planned:
        if row["application"] in award_of:
            entry(award_of[row["application"]], row)["planned"] = row["n"]
    for row in held:
        if row["award"] in reached:
            item = entry(row["award"], row)
            item["held"], item["participants"] = row["n"], row["participants"] or 0
    return {
        award_id: sorted(schools.values(), key=lambda s: sort_key(s["name"]))
        for award_id, schools in reached.items()
    }


async def municipalities_reached(
    where: Places, events: Combinable | None = None
) -> dict[int, list[dict[str, str]]]:
    """For every funded project, today's municipalities of the schools it reaches, planned or held:
    pairs of (project, registered municipality) made distinct by the database. `events`: which held
    events count (counted_events() unless given)."""
    planned = await (
        PlannedEvent.select(PlannedEvent.application, PlannedEvent.school.municipality.code.as_alias("code"))
        .where(PlannedEvent.application.is_in(Award.select(Award.application).where(live_awards())))
        .distinct()
    )
    held = await (
        EventReport.select(EventReport.award, EventReport.school.municipality.code.as_alias("code"))
        .where(counted_events() if events is None else events)
        .distinct()
    )
    award_of = {
        row["application"]: row["id"]
        for row in await Award.select(Award.id, Award.application).where(live_awards())
    }
    found: dict[int, dict[str, str]] = {}
    for award_id, code in [(award_of.get(r["application"]), r["code"]) for r in planned] + [
        (r["award"], r["code"]) for r in held
    ]:
        if award_id is not None:
            today = where.today(code)
            found.setdefault(award_id, {})[today] = where.name(today)
    return {
        award_id: [
            {"code": c, "name": n} for c, n in sorted(places.items(), key=lambda item: sort_key(item[1]))
        ]
        for award_id, places in found.items()
    }


def municipalities_of(schools: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Today's municipalities of these schools, each once, in Latvian order."""
    found = {s["municipality_code"]: s["municipality_name"] for s in schools}
    return [{"code": c, "name": n} for c, n in sorted(found.items(), key=lambda item: sort_key(item[1]))]


async def school_by_number(registration_number: str) -> dict[str, Any] | None:
    return (
        await School.select(
            School.id,
            School.registration_number,
            School.name,
            School.kind,
            School.municipality.code.as_alias("registered_code"),
        )
        .where(School.registration_number == registration_number)
        .first()
    )
