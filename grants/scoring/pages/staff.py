"""The staff's review pages (/admin/…): eligibility, reviewer assignment, reopening, and the call's
"Review progress" tab (each reviewer's progress against the review deadline, with a reminder).

Linked from the admin panel's sidebar. Every page works without JavaScript: each
action is a form that posts, goes through scoring.service and redirects back to
the call's page; a refused action renders the page again with the messages next
to the fields and 422 (or 409).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.applications import forms as application_forms
from grants.applications import queries as applications
from grants.applications import states as application_states
from grants.applications.tables import ApplicationStatus
from grants.calls import queries as calls
from grants.calls.states import call_statuses
from grants.core.auth import Me, Principal, Role, roles
from grants.core.forms import Refusal, submit_form
from grants.core.i18n import _, ngettext
from grants.core.params import PathId
from grants.scoring import forms, service
from grants.scoring.queries import deadlines, progress
from grants.scoring.states import CHECKABLE, REVIEWABLE

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]


async def _call_page(
    call_id: int,
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    form: dict[str, str] | None = None,
    status: int = HTTP_200_OK,
    notice: str | None = None,
) -> Template:
    call = await progress.call_or_404(call_id)
    apps = await progress.submitted_applications(call_id)
    checks = await progress.eligibility_checks([a["id"] for a in apps])
    assignments = await progress.assignments_by_application(call_id)
    context = {
        "call": call,
        "call_status": call_statuses().get(call["status"], call["status"]),
        "applications": apps,
        "checks": checks,
        "assignments": assignments,
        "assignable": [a for a in apps if a["status"] in REVIEWABLE],
        "reviewers": await progress.reviewer_list(),
        "statuses": application_states.statuses(),
        "checkable": [s.value for s in CHECKABLE],
        "errors": errors or {},
        "message": message,
        "form": form or {},
        "notice": notice,
    }
    return Template("scoring/staff/call.html", context=context, status_code=status)


def _call_again(call_id: int, refusal: Refusal, form: dict[str, str]) -> Awaitable[Template]:
    """The call's page again with the refused form, its messages and status."""
    return _call_page(
        call_id, errors=refusal.errors, message=refusal.message, form=form, status=refusal.status_code
    )


async def _notice(call_id: int, done: str | None, count: int | None, checked: int | None) -> str | None:
    if checked is not None:
        app = await progress.application_in_call(call_id, checked)
        if app is not None and app["status"] == ApplicationStatus.eligible:
            return _("Eligibility check saved: %(reference)s is eligible.") % {"reference": app["reference"]}
        if app is not None and app["status"] == ApplicationStatus.ineligible:
            return _("Eligibility check saved: %(reference)s is not eligible.") % {
                "reference": app["reference"]
            }
    if done == "auto":
        n = count or 0
        return ngettext(
            "Automatic assignment done: %(num)d new assignment.",
            "Automatic assignment done: %(num)d new assignments.",
            n,
        ) % {"num": n}
    return {
        "assigned": _("The reviewer is assigned."),
        "reopened": _("The review is reopened; the reviewer can change the scores and submit again."),
    }.get(done or "")


async def _eligibility_page(
    application_id: int,
    me: Principal,
    *,
    answers: dict[str, str] | None = None,
    note: str | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    app = await applications.get_application(application_id, me)
    criteria = await progress.eligibility_criteria(app["call"])
    earlier = await progress.eligibility_check(application_id)
    if answers is None:
        saved = earlier["checks"] if earlier else {}
        answers = {code: ("yes" if value else "no") for code, value in saved.items()}
        note = earlier["note"] if earlier else ""
    organisation = await progress.organisation(app["organisation"])
    labels = application_states.statuses()
    context = {
        "app": app,
        "organisation": organisation,
        "result_label": labels.get(earlier["result"], earlier["result"]) if earlier else "",
        "call": app["call_row"],
        "criteria": criteria,
        "answers": answers,
        "note": note or "",
        "earlier": earlier,
        "can_check": app["status"] in CHECKABLE,
        "status_label": labels.get(app["status"], app["status"]),
        "kinds": dict(application_forms.event_kinds()),
        "categories": dict(application_forms.budget_categories()),
        "errors": errors or {},
        "summary": forms.named(errors or {}, forms.eligibility_names(criteria)),
        "message": message,
    }
    return Template("scoring/staff/eligibility.html", context=context, status_code=status)


async def _progress_page(
    call_id: int,
    *,
    message: str | None = None,
    notice: str | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    call = await progress.call_or_404(call_id)
    context = {
        "call": call,
        "call_status": call_statuses().get(call["status"], call["status"]),
        "people": await deadlines.reviewer_progress(call_id),
        "message": message,
        "notice": notice,
    }
    return Template("scoring/staff/reviews.html", context=context, status_code=status)


def _progress_notice(done: str | None) -> str | None:
    return {
        "reminded": _("The reminder is sent to the reviewer."),
        "already": _("The reviewer has been reminded of this call today already; no second mail is sent."),
    }.get(done or "")


class StaffReviewPages(Controller):
    path = "/admin"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/calls", name="staff_calls")
    async def call_list(self, me: Me) -> Template:
        context = {
            "calls": await calls.list_calls(include_draft=True, municipalities=me.staff_scope),
            "counts": await progress.status_counts(),
            "statuses": application_states.statuses(),
            "call_statuses": call_statuses(),
        }
        return Template("scoring/staff/calls.html", context=context)

    @get("/calls/{call_id:int}")
    async def call_page(
        self,
        call_id: PathId,
        done: FromQuery[str | None] = None,
        count: FromQuery[int | None] = None,
        checked: FromQuery[int | None] = None,
    ) -> Template:
        return await _call_page(call_id, notice=await _notice(call_id, done, count, checked))

    @get("/calls/{call_id:int}/reviews")
    async def review_progress(self, call_id: PathId, done: FromQuery[str | None] = None) -> Template:
        return await _progress_page(call_id, notice=_progress_notice(done))

    @post("/calls/{call_id:int}/reviews/remind", status_code=HTTP_200_OK)
    async def remind(self, me: Me, call_id: PathId, data: Form) -> Response[Any]:
        reviewer = data.get("reviewer_id", "")
        return await submit_form(
            forms.remind(call_id, data, me),
            done=lambda sent: (
                f"/admin/calls/{call_id}/reviews?done={'reminded' if sent else 'already'}#reviewer-{reviewer}"
            ),
            # One small form per reviewer: what is wrong with it is said at the top, not by a field.
            again=lambda refusal: _progress_page(
                call_id,
                message=refusal.message or " ".join(refusal.errors.values()),
                status=refusal.status_code,
            ),
        )

    @post("/calls/{call_id:int}/auto-assign", status_code=HTTP_200_OK)
    async def auto_assign(self, me: Me, call_id: PathId, data: Form) -> Response[Any]:
        return await submit_form(
            service.auto_assign(call_id, me, forms.ticked_reviewers(data) or None),
            done=lambda created: f"/admin/calls/{call_id}?done=auto&count={len(created)}#assignments",
            again=lambda refusal: _call_again(call_id, refusal, data),
        )

    @post("/calls/{call_id:int}/assign", status_code=HTTP_200_OK)
    async def assign(self, me: Me, call_id: PathId, data: Form) -> Response[Any]:
        return await submit_form(
            forms.assign(call_id, data, me),
            done=f"/admin/calls/{call_id}?done=assigned#app-{data.get('application_id', '')}",
            again=lambda refusal: _call_again(call_id, refusal, data),
        )

    @post("/assignments/{assignment_id:int}/reopen", status_code=HTTP_200_OK)
    async def reopen(self, me: Me, assignment_id: PathId, data: Form) -> Response[Any]:
        row = await progress.assignment_place(assignment_id)
        reason = data.get("reason", "")
        form = {f"reason.{assignment_id}": reason}

        def again(refusal: Refusal) -> Awaitable[Template]:
            errors = {f"{key}.{assignment_id}": text for key, text in refusal.errors.items()}
            return _call_again(row["call"], Refusal(refusal.status_code, errors, refusal.message), form)

        return await submit_form(
            service.reopen(assignment_id, me, reason),
            done=f"/admin/calls/{row['call']}?done=reopened#app-{row['application']}",
            again=again,
        )

    @get("/applications/{application_id:int}/eligibility")
    async def eligibility_form(self, me: Me, application_id: PathId) -> Template:
        return await _eligibility_page(application_id, me)

    @post("/applications/{application_id:int}/eligibility", status_code=HTTP_200_OK)
    async def eligibility(self, me: Me, application_id: PathId, data: Form) -> Response[Any]:
        app = await applications.get_application(application_id, me)
        answers = forms.eligibility_answers(data, await progress.eligibility_criteria(app["call"]))
        note = data.get("note", "").strip()
        return await submit_form(
            forms.check_eligibility(application_id, me, answers, note),
            done=f"/admin/calls/{app['call']}?checked={application_id}#app-{application_id}",
            again=lambda refusal: _eligibility_page(
                application_id,
                me,
                answers=answers,
                note=note,
                errors=refusal.errors,
                message=refusal.message,
                status=refusal.status_code,
            ),
        )
