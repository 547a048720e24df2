"""A municipality's figures: its funded projects, the events held in its schools, money awarded and paid.

The municipality's schools are those registered under it or under a municipality merged into it
(reach.Places.merged_into); its projects are those of its calls and those reaching its schools
(reach.reaching). Every count and sum is made by the database, grouped as the page shows it.
`visible_places` says which municipalities a caller may see here (staff all, a coordinator theirs).
"""

from __future__ import annotations

from typing import Any

from litestar.exceptions import PermissionDeniedException
from piccolo.query.functions.aggregate import Count, Sum
from piccolo.query.functions.datetime import Month, Year

from grants.awards.tables import Award, AwardStatus, Payment, PaymentKind
from grants.calls.tables import Call, CallStatus
from grants.core.auth import Principal, Role
from grants.core.errors import NotFound
from grants.core.i18n import _, sort_key
from grants.reporting.queries.reach import (
    PROJECT_COLUMNS,
    Places,
    counted_events,
    live_awards,
    paid_cents,
    places,
    reaching,
    schools_reached,
)
from grants.reporting.queries.results import EVENT_COLUMNS, event_totals
from grants.reporting.tables import EventReport


async def visible_places(code: str, principal: Principal) -> Places:
    """The registry, once the caller may see this municipality's figures: staff, and coordinators of
    the municipality or of the one it merged into. An unknown code is 404, anyone else 403."""
    where = await places()
    if code not in where.names:
        raise NotFound
    if not (principal.has(Role.staff) or {code, where.today(code)} & principal.municipalities):
        raise PermissionDeniedException(_("You do not have access to this page."))
    return where


def in_schools(codes: list[str]) -> Any:
    """Counted events held in a school registered under one of these municipalities."""
    return counted_events() & EventReport.school.municipality.code.is_in(codes)


async def due_cents(award_ids: list[int]) -> dict[int, int]:
    """What has fallen due on each award and is not paid yet."""
    if not award_ids:
        return {}
    rows = (
        await Payment.select(Payment.award, Sum(Payment.amount_cents, alias="due"))
        .where(
            Payment.award.is_in(award_ids) & Payment.paid_on.is_null() & (Payment.kind != PaymentKind.refund)
        )
        .group_by(Payment.award)
    )
    return {row["award"]: row["due"] or 0 for row in rows}


async def activities(code: str) -> dict[str, Any]:
    """Projects (with the municipality's schools each reaches), held events and totals."""
    where = await places()
    codes = where.merged_into(code)
    projects = await (
        Award.select(*PROJECT_COLUMNS)
        .where(live_awards() & reaching(codes))
        .order_by(Award.application.reference)
    )
    ids = [p["id"] for p in projects]
    paid, reach = await paid_cents(ids), await schools_reached(projects, where, codes)
    for p in projects:
        p["paid_cents"] = paid.get(p["id"], 0)
        p["schools"] = reach[p["id"]]
    events = await (
        EventReport.select(*EVENT_COLUMNS)
        .where(in_schools(codes))
        .order_by(EventReport.held_on, EventReport.id)
    )
    totals = await event_totals(in_schools(codes))
    totals |= {
        "projects": len(projects),
        "awarded_cents": sum(p["amount_cents"] for p in projects),
        "paid_cents": sum(p["paid_cents"] for p in projects),
    }
    return {"code": code, "codes": codes, "projects": projects, "events": events, "totals": totals}


async def calls_of(codes: list[str]) -> list[dict[str, Any]]:
    """The municipality's calls (not drafts) with their projects, money awarded, paid and due."""
    calls = await (
        Call.select(Call.id, Call.title, Call.status, Call.budget_cents, Call.quota, Call.closes_at)
        .where(Call.municipality.code.is_in(codes) & (Call.status != CallStatus.draft))
        .order_by(Call.closes_at, ascending=False)
    )
    if not calls:
        return []
    ids = [c["id"] for c in calls]
    awards = {
        row["call"]: row
        for row in await Award.select(
            Award.call, Count(alias="projects"), Sum(Award.amount_cents, alias="awarded")
        )
        .where(live_awards() & Award.call.is_in(ids))
        .group_by(Award.call)
    }

    async def payments(paid: bool) -> dict[int, int]:
        state = Payment.paid_on.is_not_null() if paid else Payment.paid_on.is_null()
        rows = await (
            Payment.select(Payment.award.call.as_alias("call"), Sum(Payment.amount_cents, alias="cents"))
            .where(
                state
                & Payment.award.call.is_in(ids)
                & (Payment.award.status != AwardStatus.declined)
                & (Payment.kind != PaymentKind.refund)  # owed back by the grantee: not paid out
            )
            .group_by(Payment.award.call)
        )
        return {row["call"]: row["cents"] or 0 for row in rows}

    paid, due = await payments(True), await payments(False)
    for call in calls:
        row = awards.get(call["id"], {})
        call["projects"], call["awarded_cents"] = row.get("projects", 0), row.get("awarded") or 0
        call["paid_cents"], call["due_cents"] = paid.get(call["id"], 0), due.get(call["id"], 0)
    return calls


async def per_school(codes: list[str]) -> list[dict[str, Any]]:
    where = await places()
    rows = await (
        EventReport.select(
            EventReport.school.registration_number.as_alias("registration_number"),
            EventReport.school.name.as_alias("name"),
            EventReport.school.municipality.code.as_alias("registered_code"),
            Count(alias="events"),
            Sum(EventReport.participants, alias="participants"),
        )
        .where(in_schools(codes))
        .group_by(
            EventReport.school.registration_number,
            EventReport.school.name,
            EventReport.school.municipality.code,
        )
    )
    for row in rows:
        row["registered_name"] = where.name(row["registered_code"])
        row["participants"] = row["participants"] or 0
    return sorted(rows, key=lambda r: sort_key(r["name"]))


async def per_month(codes: list[str]) -> list[dict[str, Any]]:
    """Events and participants per calendar month of the day held, oldest first."""
    rows = await (
        EventReport.select(
            Year(EventReport.held_on, alias="year"),
            Month(EventReport.held_on, alias="month"),
            Count(alias="events"),
            Sum(EventReport.participants, alias="participants"),
        )
        .where(in_schools(codes) & EventReport.held_on.is_not_null())
        .group_by(Year(EventReport.held_on), Month(EventReport.held_on))
    )
    for row in rows:
        row["year"], row["month"] = int(row["year"]), int(row["month"])
        row["participants"] = row["participants"] or 0
    return sorted(rows, key=lambda r: (r["year"], r["month"]))


async def dashboard(code: str) -> dict[str, Any]:
    """Everything the dashboard page shows."""
    data = await activities(code)
    codes = data["codes"]
    due = await due_cents([p["id"] for p in data["projects"]])
    for p in data["projects"]:
        p["due_cents"] = due.get(p["id"], 0)
    data.update(
        calls=await calls_of(codes),
        schools=await per_school(codes),
        months=await per_month(codes),
    )
    return data
