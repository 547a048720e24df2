"""The staff's report pages (/admin/reports …): what waits for review, and the review forms.

Linked from the admin panel's sidebar. Without JavaScript: a review is a form
that posts through the reporting services and redirects back; a refused one
renders the page again with the message next to the field and 422 (or 409).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.awards import queries as award_queries
from grants.awards import rules as award_rules
from grants.awards.queries import calls_with_awards
from grants.awards.tables import PaymentKind
from grants.calls.tables import PaymentMethod
from grants.core.auth import Me, Principal, Role, roles
from grants.core.forms import Refusal, submit_form
from grants.core.i18n import _, get_language
from grants.core.money import display_cents
from grants.core.params import MAX_ID, PathId
from grants.reporting import forms, states
from grants.reporting.queries.awards import award_facts
from grants.reporting.queries.events import get_event, list_events
from grants.reporting.queries.final import against_plan, get_report
from grants.reporting.queries.queue import PAGE_SIZE, pending_counts, queue_page
from grants.reporting.rules import event_flags
from grants.reporting.service.review import Report, review
from grants.reporting.states import DECISIONS
from grants.reporting.tables import EventStatus, ReviewStatus

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
MAX_PAGE = 100_000  # an offset the database takes, whatever the query says
TYPES = ("events", "final")
REVIEW_FILTERS = ("pending", "returned", "accepted", "all")


def _review_context(refusal: Refusal | None, comment: str) -> dict[str, Any]:
    """The review form's errors (422) or message (409), and the comment typed."""
    return {
        "errors": refusal.errors if refusal and refusal.status_code == 422 else {},
        "message": refusal.message if refusal and refusal.status_code == 409 else None,
        "comment": comment,
    }


def _approval(data: dict[str, str]) -> tuple[bool, str]:
    """The school approval typed with an event's review: the checkbox and the reason."""
    return bool(str(data.get("approve_school", "")).strip()), data.get("school_approval_reason", "")


async def _event_page(
    me: Principal,
    event_id: int,
    *,
    refusal: Refusal | None = None,
    comment: str = "",
    approval: tuple[bool, str] = (False, ""),
    done: str | None = None,
) -> Template:
    event = await get_event(event_id, me)
    award = await award_facts(await award_queries.reportable_award(event["award"], me))
    context = {
        "event": event,
        "award": award,
        "can_review": event["status"] != EventStatus.planned and event["review"] == ReviewStatus.pending,
        "school_rules": states.school_rules(),
        "flags": event_flags(event),
        "approve_school": approval[0],
        "school_approval_reason": approval[1],
        **_review_context(refusal, comment),
        "notice": {
            ReviewStatus.accepted: _(
                "The report is accepted: it counts in the project's results and can no longer be changed."
            ),
            ReviewStatus.returned: _(
                "The report is returned to the grantee with your comment; they are told by e-mail and it comes back here once corrected."
            ),
        }.get(done or ""),
        **forms.labels(),
    }
    status = refusal.status_code if refusal else HTTP_200_OK
    return Template("reporting/staff/event.html", context=context, status_code=status)


async def _final_context(me: Principal, award_id: int) -> dict[str, Any]:
    """The final report, its award and events, what approving would make due (by the call's payment
    method, the same rule the approval runs) and the held events whose reports still wait for review."""
    report = await get_report(award_id, me)
    award = await award_facts(await award_queries.reportable_award(award_id, me))
    events = await list_events(award_id, me)
    can_review = report["review"] == ReviewStatus.pending
    settlement = (
        award_rules.settlement(
            award["payment_method"],
            award["amount_cents"],
            await award_queries.paid_total(award_id),
            report["spent_cents"],
        )
        if can_review
        else None
    )
    return {
        "report": report,
        "award": award,
        "events": events,
        "waiting": [
            e for e in events if e["status"] == EventStatus.held and e["review"] == ReviewStatus.pending
        ],
        "plan": await against_plan(award),
        "costs_call": award["payment_method"] == PaymentMethod.costs,
        "settlement": settlement,
        "can_review": can_review,
        **forms.labels(),
    }


async def _final_page(
    me: Principal,
    award_id: int,
    *,
    refusal: Refusal | None = None,
    comment: str = "",
    done: str | None = None,
) -> Template:
    context = await _final_context(me, award_id)
    context |= _review_context(refusal, comment) | {"notice": await _final_notice(award_id, done)}
    status = refusal.status_code if refusal else HTTP_200_OK
    return Template("reporting/staff/final.html", context=context, status_code=status)


async def _final_notice(award_id: int, done: str | None) -> str | None:
    """What the review did, after the redirect: an approval says what it made due, by the payments it
    created (a final payment, a refund from the grantee, or nothing more)."""
    if done == ReviewStatus.returned:
        return _(
            "The final report is returned to the grantee with your comment; they are told by e-mail and it comes back here once corrected."
        )
    if done != ReviewStatus.accepted:
        return None
    payments = (await award_queries.payments_of([award_id])).get(award_id, [])
    if refund := next((p for p in payments if p["kind"] == PaymentKind.refund), None):
        return _("The final report is approved; a refund of %(amount)s is due from the grantee.") % {
            "amount": display_cents(refund["amount_cents"], get_language())
        }
    if final_payment := next((p for p in payments if p["kind"] == PaymentKind.final), None):
        return _("The final report is approved; a final payment of %(amount)s falls due.") % {
            "amount": display_cents(final_payment["amount_cents"], get_language())
        }
    return _("The final report is approved; nothing more is paid.")


def _done(decision: str) -> str:
    """The review state a decision led to, for the notice after the redirect."""
    return DECISIONS[decision].value


class StaffReportPages(Controller):
    path = "/admin/reports"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/", name="staff_reports")
    async def reports(
        self,
        me: Me,
        type: FromQuery[str] = "events",  # noqa: A002 - the query parameter's name
        review: FromQuery[str] = "pending",
        call: FromQuery[int | None] = None,
        page: FromQuery[int] = 1,
    ) -> Template:
        kind = type if type in TYPES else "events"
        review = review if review in REVIEW_FILTERS else "pending"
        page = min(max(page, 1), MAX_PAGE)
        call = call if call is not None and 0 < call <= MAX_ID else None  # beyond the id column: no call
        total, rows = await queue_page(kind, review, call, page, me.staff_scope)
        context = {
            "type": kind,
            "review": review,
            "call": call,
            "page": page,
            "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            "total": total,
            "rows": rows,
            "calls": await calls_with_awards(me.staff_scope),
            "pending": await pending_counts(me.staff_scope),
            **forms.labels(),
        }
        return Template("reporting/staff/list.html", context=context)

    @get("/events/{event_id:int}")
    async def event(self, me: Me, event_id: PathId, done: FromQuery[str | None] = None) -> Template:
        return await _event_page(me, event_id, done=done)

    @post("/events/{event_id:int}/review", status_code=HTTP_200_OK)
    async def review_event(self, me: Me, event_id: PathId, data: Form) -> Response[Any]:
        decision, comment = data.get("decision", ""), data.get("comment", "")
        approve, reason = approval = _approval(data)
        return await submit_form(
            review(
                Report.event,
                event_id,
                me,
                decision,
                comment,
                approve_school=approve,
                school_approval_reason=reason,
            ),
            done=lambda _reviewed: f"/admin/reports/events/{event_id}?done={_done(decision)}",
            again=lambda refusal: _event_page(
                me, event_id, refusal=refusal, comment=comment, approval=approval
            ),
        )

    @get("/final/{award_id:int}")
    async def final_report(self, me: Me, award_id: PathId, done: FromQuery[str | None] = None) -> Template:
        return await _final_page(me, award_id, done=done)

    @post("/final/{award_id:int}/review", status_code=HTTP_200_OK)
    async def review_final(self, me: Me, award_id: PathId, data: Form) -> Response[Any] | Template:
        """Returning the report is done at once; approving it releases money, so it asks first on a
        page that says what approval makes due (and which event reports still wait for review)."""
        decision, comment = data.get("decision", ""), data.get("comment", "")
        if DECISIONS.get(decision) == ReviewStatus.accepted and data.get("confirmed") != "1":
            context = await _final_context(me, award_id)
            if context["can_review"]:
                context |= {"decision": decision, "comment": comment}
                return Template("reporting/staff/final_confirm.html", context=context)
        return await submit_form(
            review(Report.final, award_id, me, decision, comment),
            done=lambda _reviewed: f"/admin/reports/final/{award_id}?done={_done(decision)}",
            again=lambda refusal: _final_page(me, award_id, refusal=refusal, comment=comment),
        )
