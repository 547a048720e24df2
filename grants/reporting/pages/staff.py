"""The staff's report pages (/staff/reports …): what waits for review, and the accept/return forms.

Linked from the admin panel's sidebar. Without JavaScript: a review is a form
that posts through the reporting services and redirects back; a refused one
renders the page again with the message next to the field and 422 (or 409).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.awards import queries as award_queries
from grants.awards.tables import Award
from grants.core.auth import Principal, Role, current, roles
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _
from grants.core.params import MAX_ID, PathId
from grants.reporting.pages.portal import award_facts, labels
from grants.reporting.service import events as service
from grants.reporting.service import final
from grants.reporting.tables import EventReport, EventStatus, FinalReport, ReviewStatus

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]
PAGE_SIZE = 25
MAX_PAGE = 100_000  # an offset the database takes, whatever the query says
TYPES = ("events", "final")
REVIEW_FILTERS = ("pending", "returned", "accepted", "all")


def _me(request: AnyRequest) -> Principal:
    principal = current(request)
    assert principal is not None  # the guard ran first
    return principal


def _event_filter(review: str, call_id: int | None) -> Any:
    where = EventReport.status != EventStatus.planned  # a plan is not a report yet
    if review != "all":
        where &= EventReport.review == review
    if call_id is not None:
        where &= EventReport.award.call == call_id
    return where


def _final_filter(review: str, call_id: int | None) -> Any:
    where = FinalReport.id.is_not_null()
    if review != "all":
        where &= FinalReport.review == review
    if call_id is not None:
        where &= FinalReport.award.call == call_id
    return where


async def _event_rows(where: Any, page: int) -> list[dict[str, Any]]:
    return await (
        EventReport.select(
            EventReport.id,
            EventReport.award,
            EventReport.title,
            EventReport.kind,
            EventReport.status,
            EventReport.held_on,
            EventReport.participants,
            EventReport.review,
            EventReport.reported_at,
            EventReport.school.name.as_alias("school_name"),
            EventReport.award.application.reference.as_alias("reference"),
            EventReport.award.application.organisation.name.as_alias("organisation_name"),
        )
        .where(where)
        .order_by(EventReport.reported_at)
        .order_by(EventReport.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )


async def _final_rows(where: Any, page: int) -> list[dict[str, Any]]:
    return await (
        FinalReport.select(
            FinalReport.id,
            FinalReport.award,
            FinalReport.review,
            FinalReport.submitted_at,
            FinalReport.spent_cents,
            FinalReport.award.amount_cents.as_alias("amount_cents"),
            FinalReport.award.application.reference.as_alias("reference"),
            FinalReport.award.application.title.as_alias("title"),
            FinalReport.award.application.organisation.name.as_alias("organisation_name"),
        )
        .where(where)
        .order_by(FinalReport.submitted_at)
        .order_by(FinalReport.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )


async def _calls_with_awards() -> list[dict[str, Any]]:
    rows = await Award.select(Award.call.id.as_alias("id"), Award.call.title.as_alias("title")).distinct()
    return sorted(rows, key=lambda r: (r["title"].casefold(), r["id"]))


async def _event_page(
    request: AnyRequest,
    event_id: int,
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    comment: str = "",
    status: int = HTTP_200_OK,
    done: str | None = None,
) -> Template:
    event = await service.get_event(event_id, _me(request))
    award = await award_facts(await award_queries.reportable_award(event["award"], _me(request)))
    context = {
        "event": event,
        "award": award,
        "can_review": event["status"] != EventStatus.planned and event["review"] == ReviewStatus.pending,
        "errors": errors or {},
        "message": message,
        "comment": comment,
        "notice": {
            "accept": _("The report is accepted."),
            "return": _("The report is returned to the grantee."),
        }.get(done or ""),
        **labels(),
    }
    return Template("reporting/staff_event.html", context=context, status_code=status)


async def _final_page(
    request: AnyRequest,
    award_id: int,
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    comment: str = "",
    status: int = HTTP_200_OK,
    done: str | None = None,
) -> Template:
    report = await final.get_report(award_id, _me(request))
    award = await award_facts(await award_queries.reportable_award(award_id, _me(request)))
    events = await service.list_events(award_id, _me(request))
    held = [e for e in events if e["status"] == EventStatus.held]
    context = {
        "report": report,
        "award": award,
        "events": events,
        "held_count": len(held),
        "participants": sum(e["participants"] for e in held),
        "can_review": report["review"] == ReviewStatus.pending,
        "errors": errors or {},
        "message": message,
        "comment": comment,
        "notice": {
            "approve": _("The final report is approved; the final payment is due."),
            "return": _("The final report is returned to the grantee."),
        }.get(done or ""),
        **labels(),
    }
    return Template("reporting/staff_final.html", context=context, status_code=status)


class StaffReportPages(Controller):
    path = "/staff/reports"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/", name="staff_reports")
    async def reports(
        self,
        type: FromQuery[str] = "events",  # noqa: A002 - the query parameter's name
        review: FromQuery[str] = "pending",
        call: FromQuery[int | None] = None,
        page: FromQuery[int] = 1,
    ) -> Template:
        kind = type if type in TYPES else "events"
        review = review if review in REVIEW_FILTERS else "pending"
        page = min(max(page, 1), MAX_PAGE)
        call = call if call is not None and 0 < call <= MAX_ID else None  # beyond the id column: no call
        if kind == "events":
            where = _event_filter(review, call)
            total = await EventReport.count().where(where)
            rows = await _event_rows(where, page)
        else:
            where = _final_filter(review, call)
            total = await FinalReport.count().where(where)
            rows = await _final_rows(where, page)
        context = {
            "type": kind,
            "review": review,
            "call": call,
            "page": page,
            "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            "total": total,
            "rows": rows,
            "calls": await _calls_with_awards(),
            "pending": {
                "events": await EventReport.count().where(_event_filter("pending", None)),
                "final": await FinalReport.count().where(_final_filter("pending", None)),
            },
            **labels(),
        }
        return Template("reporting/staff_list.html", context=context)

    @get("/events/{event_id:int}")
    async def event(
        self, request: AnyRequest, event_id: PathId, done: FromQuery[str | None] = None
    ) -> Template:
        return await _event_page(request, event_id, done=done)

    @post("/events/{event_id:int}/review", status_code=HTTP_200_OK)
    async def review_event(self, request: AnyRequest, event_id: PathId, data: Form) -> Response[Any]:
        decision, comment = data.get("decision", ""), data.get("comment", "")
        try:
            await service.review_event(event_id, _me(request), decision, comment)
        except ValidationFailed as exc:
            return await _event_page(request, event_id, errors=exc.errors, comment=comment, status=422)
        except Conflict as exc:
            return await _event_page(request, event_id, message=exc.message, comment=comment, status=409)
        return Redirect(f"/staff/reports/events/{event_id}?done={decision}")

    @get("/final/{award_id:int}")
    async def final_report(
        self, request: AnyRequest, award_id: PathId, done: FromQuery[str | None] = None
    ) -> Template:
        return await _final_page(request, award_id, done=done)

    @post("/final/{award_id:int}/review", status_code=HTTP_200_OK)
    async def review_final(self, request: AnyRequest, award_id: PathId, data: Form) -> Response[Any]:
        decision, comment = data.get("decision", ""), data.get("comment", "")
        try:
            await final.review(award_id, _me(request), decision, comment)
        except ValidationFailed as exc:
            return await _final_page(request, award_id, errors=exc.errors, comment=comment, status=422)
        except Conflict as exc:
            return await _final_page(request, award_id, message=exc.message, comment=comment, status=409)
        return Redirect(f"/staff/reports/final/{award_id}?done={decision}")
