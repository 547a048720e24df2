"""The staff's review pages (/staff/…): eligibility, reviewer assignment, reopening, the ranking.

Linked from the admin panel's sidebar. Every page works without JavaScript: each
action is a form that posts, goes through scoring.service and redirects back to
the call's page; a refused action renders the page again with the messages next
to the fields and 422 (or 409).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import format_decimal
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK
from piccolo.query.functions.aggregate import Count

from grants.accounts.tables import Organisation, UserRole
from grants.applications import forms as application_forms
from grants.applications import queries as applications
from grants.applications import states as application_states
from grants.applications.tables import Application, ApplicationStatus
from grants.calls import queries as calls
from grants.calls.tables import CallStatus, CriterionKind
from grants.core.auth import Principal, Role, current, roles
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _, get_language, ngettext
from grants.core.params import PathId
from grants.scoring import exports, service
from grants.scoring.tables import Assignment, EligibilityCheck

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]

CHECKABLE = (ApplicationStatus.submitted, ApplicationStatus.eligible, ApplicationStatus.ineligible)
HIGH_SPREAD_SHARE = Decimal("0.2")  # a spread of a fifth of the maximum total asks for a second look

# What other packages add to the ranking page: (call, rows, query) -> more context. grants.awards
# registers the award decision here, so the page shows its forms while scoring never imports awards.
RankingPanel = Callable[[dict[str, Any], list[dict[str, Any]], Mapping[str, str]], Awaitable[dict[str, Any]]]
RANKING_PANELS: list[RankingPanel] = []


def _me(request: AnyRequest) -> Principal:
    principal = current(request)
    assert principal is not None  # the guard ran first
    return principal


def call_statuses() -> dict[str, str]:
    return {
        CallStatus.draft: _("Draft"),
        CallStatus.published: _("Published"),
        CallStatus.closed: _("Closed"),
        CallStatus.in_review: _("In review"),
        CallStatus.decided: _("Decided"),
        CallStatus.archived: _("Archived"),
    }


def number(value: Decimal | None) -> str:
    return "—" if value is None else format_decimal(value, format="#,##0.00", locale=get_language())


def display_name(row: dict[str, Any]) -> str:
    name = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()
    return f"{name} ({row['email']})" if name else row["email"]


async def reviewer_list() -> list[dict[str, Any]]:
    """Users holding the reviewer role, for the panel's checkboxes and the manual form."""
    rows = await UserRole.select(
        UserRole.user.id.as_alias("id"),
        UserRole.user.email.as_alias("email"),
        UserRole.user.first_name.as_alias("first_name"),
        UserRole.user.last_name.as_alias("last_name"),
    ).where(UserRole.role == Role.reviewer)
    unique = {r["id"]: r | {"label": display_name(r)} for r in rows}
    return sorted(unique.values(), key=lambda r: (r["label"].casefold(), r["id"]))


def max_total(criteria: list[dict[str, Any]]) -> Decimal:
    """The best review total: Σ weight × max points of the quality criteria."""
    return sum((Decimal(str(c["weight"])) * c["max_points"] for c in criteria), Decimal(0))


def reach(rows: list[dict[str, Any]], call: dict[str, Any]) -> tuple[int | None, int, int]:
    """Down the passed applications in rank order while budget and quota last.

    Returns the id of the last one that fits both (None if none does), how many fit
    and what they cost in cents (the fixed amount each, when the call has one).
    """
    last, count, total = None, 0, 0
    for row in rows:
        if row["rank"] is None or not row["passed"]:
            continue
        amount = call["max_amount_cents"] if call["fixed_amount"] else row["requested_cents"]
        if count + 1 > call["quota"] or total + amount > call["budget_cents"]:
            break
        last, count, total = row["application_id"], count + 1, total + amount
    return last, count, total


async def _call_page(
    call_id: int,
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    form: dict[str, str] | None = None,
    status: int = HTTP_200_OK,
    notice: str | None = None,
) -> Template:
    call = await exports.call_or_404(call_id)
    apps = (
        await Application.select(
            Application.id,
            Application.reference,
            Application.title,
            Application.status,
            Application.submitted_at,
            Application.requested_cents,
            Application.organisation.name.as_alias("organisation_name"),
        )
        .where(
            (Application.call == call_id)
            & (Application.status != ApplicationStatus.draft)
            & Application.submitted_at.is_not_null()
        )
        .order_by(Application.submitted_at)
        .order_by(Application.id)
    )
    ids = [a["id"] for a in apps] or [0]
    checks = {
        c["application"]: c
        for c in await EligibilityCheck.select().where(EligibilityCheck.application.is_in(ids))
    }
    assignments: dict[int, list[dict[str, Any]]] = {}
    for row in (
        await Assignment.select(
            Assignment.all_columns(),
            Assignment.reviewer.email.as_alias("email"),
            Assignment.reviewer.first_name.as_alias("first_name"),
            Assignment.reviewer.last_name.as_alias("last_name"),
        )
        .where(Assignment.call == call_id)
        .order_by(Assignment.id)
    ):
        assignments.setdefault(row["application"], []).append(row | {"label": display_name(row)})
    context = {
        "call": call,
        "call_status": call_statuses().get(call["status"], call["status"]),
        "applications": apps,
        "checks": checks,
        "assignments": assignments,
        "assignable": [a for a in apps if a["status"] in service.REVIEWABLE],
        "reviewers": await reviewer_list(),
        "statuses": application_states.statuses(),
        "checkable": [s.value for s in CHECKABLE],
        "errors": errors or {},
        "message": message,
        "form": form or {},
        "notice": notice,
    }
    return Template("staff/call.html", context=context, status_code=status)


async def _notice(call_id: int, done: str | None, count: int | None, checked: int | None) -> str | None:
    if checked is not None:
        app = (
            await Application.select(Application.reference, Application.status)
            .where((Application.id == checked) & (Application.call == call_id))
            .first()
        )
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
    request: AnyRequest,
    *,
    answers: dict[str, str] | None = None,
    note: str | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    app = await applications.get_application(application_id, _me(request))
    criteria = [c for c in await calls.criteria_of(app["call"]) if c["kind"] == CriterionKind.eligibility]
    earlier = (
        await EligibilityCheck.select()
        .where(EligibilityCheck.application == application_id)
        .output(load_json=True)
        .first()
    )
    if answers is None:
        saved = earlier["checks"] if earlier else {}
        answers = {code: ("yes" if value else "no") for code, value in saved.items()}
        note = earlier["note"] if earlier else ""
    organisation = (
        await Organisation.select(Organisation.name, Organisation.registration_number)
        .where(Organisation.id == app["organisation"])
        .first()
    )
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
        "message": message,
    }
    return Template("staff/eligibility.html", context=context, status_code=status)


class StaffReviewPages(Controller):
    path = "/staff"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/calls", name="staff_calls")
    async def call_list(self) -> Template:
        counts: dict[int, dict[str, int]] = {}
        for row in await Application.select(
            Application.call, Application.status, Count(Application.id, alias="n")
        ).group_by(Application.call, Application.status):
            counts.setdefault(row["call"], {})[row["status"]] = row["n"]
        context = {
            "calls": await calls.list_calls(include_draft=True),
            "counts": counts,
            "statuses": application_states.statuses(),
            "call_statuses": call_statuses(),
        }
        return Template("staff/calls.html", context=context)

    @get("/calls/{call_id:int}")
    async def call_page(
        self,
        call_id: PathId,
        done: FromQuery[str | None] = None,
        count: FromQuery[int | None] = None,
        checked: FromQuery[int | None] = None,
    ) -> Template:
        return await _call_page(call_id, notice=await _notice(call_id, done, count, checked))

    @post("/calls/{call_id:int}/auto-assign", status_code=HTTP_200_OK)
    async def auto_assign(self, request: AnyRequest, call_id: PathId, data: Form) -> Response[Any]:
        ticked = [
            int(key.removeprefix("reviewer."))
            for key in data
            if key.startswith("reviewer.") and key.removeprefix("reviewer.").isdigit()
        ]
        try:
            created = await service.auto_assign(call_id, _me(request), ticked or None)
        except ValidationFailed as exc:
            return await _call_page(call_id, errors=exc.errors, form=data, status=422)
        except Conflict as exc:
            return await _call_page(call_id, message=exc.message, form=data, status=409)
        return Redirect(f"/staff/calls/{call_id}?done=auto&count={len(created)}#assignments")

    @post("/calls/{call_id:int}/assign", status_code=HTTP_200_OK)
    async def assign(self, request: AnyRequest, call_id: PathId, data: Form) -> Response[Any]:
        application_id, reviewer_id = data.get("application_id", ""), data.get("reviewer_id", "")
        errors = {}
        if not application_id.isdigit():
            errors["application_id"] = _("Choose an application.")
        if not reviewer_id.isdigit():
            errors["reviewer_id"] = _("Choose a reviewer.")
        if not errors:
            try:
                await service.assign(call_id, int(application_id), int(reviewer_id), _me(request))
            except ValidationFailed as exc:
                errors = exc.errors
            except NotFound:
                await exports.call_or_404(call_id)
                errors = {"application_id": _("Choose an application.")}
            except Conflict as exc:
                return await _call_page(call_id, message=exc.message, form=data, status=409)
        if errors:
            return await _call_page(call_id, errors=errors, form=data, status=422)
        return Redirect(f"/staff/calls/{call_id}?done=assigned#app-{application_id}")

    @post("/assignments/{assignment_id:int}/reopen", status_code=HTTP_200_OK)
    async def reopen(self, request: AnyRequest, assignment_id: PathId, data: Form) -> Response[Any]:
        row = (
            await Assignment.select(Assignment.call, Assignment.application)
            .where(Assignment.id == assignment_id)
            .first()
        )
        if row is None:
            raise NotFound
        reason = data.get("reason", "")
        form = {f"reason.{assignment_id}": reason}
        try:
            await service.reopen(assignment_id, _me(request), reason)
        except ValidationFailed as exc:
            errors = {f"{key}.{assignment_id}": text for key, text in exc.errors.items()}
            return await _call_page(row["call"], errors=errors, form=form, status=422)
        except Conflict as exc:
            return await _call_page(row["call"], message=exc.message, form=form, status=409)
        return Redirect(f"/staff/calls/{row['call']}?done=reopened#app-{row['application']}")

    @get("/applications/{application_id:int}/eligibility")
    async def eligibility_form(self, request: AnyRequest, application_id: PathId) -> Template:
        return await _eligibility_page(application_id, request)

    @post("/applications/{application_id:int}/eligibility", status_code=HTTP_200_OK)
    async def eligibility(self, request: AnyRequest, application_id: PathId, data: Form) -> Response[Any]:
        app = await applications.get_application(application_id, _me(request))
        codes = [
            c["code"] for c in await calls.criteria_of(app["call"]) if c["kind"] == CriterionKind.eligibility
        ]
        answers = {code: data.get(f"checks.{code}", "") for code in codes}
        checks = {code: value == "yes" for code, value in answers.items() if value in ("yes", "no")}
        note = data.get("note", "").strip()
        try:
            await service.check_eligibility(application_id, _me(request), checks, note)
        except ValidationFailed as exc:
            return await _eligibility_page(
                application_id, request, answers=answers, note=note, errors=exc.errors, status=422
            )
        except Conflict as exc:
            return await _eligibility_page(
                application_id, request, answers=answers, note=note, message=exc.message, status=409
            )
        return Redirect(f"/staff/calls/{app['call']}?checked={application_id}#app-{application_id}")

    @get("/calls/{call_id:int}/ranking")
    async def ranking(self, request: AnyRequest, call_id: PathId) -> Template:
        return await ranking_page(call_id, query=dict(request.query_params))


async def ranking_page(
    call_id: int,
    *,
    query: Mapping[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    form: dict[str, str] | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    """The ranking of a call, with what the registered panels add (the award decision's forms)."""
    call = await exports.call_or_404(call_id)
    criteria = await exports.quality_criteria(call_id)
    rows = await exports.table(call_id)
    best = max_total(criteria)
    for row in rows:
        row["high_spread"] = (
            row["spread"] is not None and best > 0 and row["spread"] >= best * HIGH_SPREAD_SHARE
        )
    last, count, total = reach(rows, call)
    context = {
        "call": call,
        "criteria": criteria,
        "ranked": [r for r in rows if r["rank"] is not None],
        "unranked": [r for r in rows if r["rank"] is None],
        "max_total": best,
        "high_spread_from": best * HIGH_SPREAD_SHARE,
        "reach_after": last,
        "reach_count": count,
        "reach_total": total,
        "statuses": application_states.statuses(),
        "number": number,
        "errors": errors or {},
        "message": message,
        "form": form or {},
        "decision": None,
    }
    for panel in RANKING_PANELS:
        context |= await panel(call, rows, query or {})
    return Template("staff/ranking.html", context=context, status_code=status)
