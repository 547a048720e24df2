"""The applicant portal (/my/…): server-rendered pages over the applications service.

Every page works without JavaScript: each step is a form that posts, saves
through the service and redirects (POST-redirect-GET); a refused save renders
the same step again with what was typed, the messages and 422 (or 409).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.applications import forms, queries
from grants.applications.pages.portal_states import (
    late_draft,
    open_questions,
    questions_for,
    with_apply_state,
    withdraw_context,
)
from grants.applications.rules import MAX_FILES_PER_APPLICATION
from grants.applications.service import drafts, submission
from grants.applications.states import actions, deadline_passed, statuses
from grants.calls import queries as calls
from grants.calls.states import apply_refusal, phase
from grants.core.auth import Me, Principal, Role, provide_me_as_applicant, roles
from grants.core.errors import NotFound
from grants.core.forms import Refusal, submit_form
from grants.core.i18n import _
from grants.core.params import PathId
from grants.registry.queries import list_schools
from grants.settings import get_settings

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]


async def _load(me: Principal, application_id: int) -> dict[str, Any]:
    return await queries.get_application(application_id, me)


def _notices() -> dict[str, str]:
    return {
        "created": _(
            "The draft is saved, not submitted. Fill in the steps in any order; you can come back at any "
            "time, and submit it on the last step, “Review and submit”."
        ),
        "saved": _(
            "Saved. The application is not submitted yet: when every step is done, submit it on the last "
            "step, “Review and submit”, before the deadline."
        ),
        "submitted": _("The application is submitted. You will hear from us after the deadline."),
        "withdrawn": _("The application is withdrawn."),
        "answered": _("Your answer is sent and the application is submitted again."),
        "attached": _("The file is attached."),
        "removed": _("The file is removed."),
    }


def _blank(value: int) -> int:
    return max(1, min(value, forms.MAX_BLANK_ROWS))


async def _page(
    app: dict[str, Any],
    step: str,
    *,
    form: dict[str, str] | None = None,
    rows: list[dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
    blank: int = forms.BLANK_ROWS,
    done: str | None = None,
    answer: str = "",
) -> Template:
    """One page of an application: a step's form (or its read-only view), or the review."""
    call = app["call_row"]
    allowed = actions(app["status"], call)
    editable = allowed["edit"].allowed
    errors = errors or {}
    context: dict[str, Any] = {
        "app": app,
        "call": call,
        "step": step,
        "steps": forms.step_names(),
        "todo": {forms.step_of(key) for key in app["problems"]} if editable else set(),
        "status_label": statuses().get(app["status"], app["status"]),
        "editable": editable,
        "late": deadline_passed(app["status"], call),
        "errors": errors,
        **forms.messages(step, errors, rows, app["problems"] if editable else {}),
        "message": message,
        "notice": _notices().get(done or ""),
        "kinds": dict(forms.event_kinds()),
        "categories": dict(forms.budget_categories()),
        "open_questions": open_questions(app),
    }
    if step == "project":
        context["form"] = form if form is not None else forms.project_form(app)
        context["show_form"] = editable or form is not None
    elif step == "events":
        context["show_form"] = editable or rows is not None
        context["rows"] = rows if rows is not None else forms.event_rows(app, blank)
        if context["show_form"]:
            municipality = (await calls.get_call(app["call"]) or {}).get("municipality_code")
            local = await list_schools(municipality) if municipality else []
            context["school_groups"] = forms.school_groups(local, await list_schools())
            context["kind_options"] = forms.event_kinds()
    elif step == "budget":
        context["show_form"] = editable or rows is not None
        context["rows"] = rows if rows is not None else forms.line_rows(app, blank)
        context["amounts"] = [forms.line_amount(row) for row in context["rows"]]
        context["total"] = (
            sum(a for a in context["amounts"] if a is not None)
            if rows is not None
            else app["requested_cents"]
        )
        context["category_options"] = forms.budget_categories()
    elif step == "attachments":
        context |= {
            "files": sorted(app["attachments"], key=lambda f: f["id"]),
            "file_size": forms.file_size,
            "limit": forms.file_size(get_settings().upload_max_bytes),
            "max_files": MAX_FILES_PER_APPLICATION,
        }
    else:
        context |= {
            "problem_links": [
                (f"/my/applications/{app['id']}/{forms.step_of(key)}#f-{key}", text, forms.step_of(key))
                for key, text in app["problems"].items()
            ],
            "can_submit": allowed["submit"].allowed and not app["problems"],
            "can_withdraw": allowed["withdraw"].allowed,
            "can_discard": allowed["discard"].allowed,
            "answered": [c for c in app["clarifications"] if c["answered_at"] is not None],
            "answer": answer,
        }
    return Template(f"applications/portal/{step}.html", context=context, status_code=status)


async def _save(
    me: Principal,
    app: dict[str, Any],
    step: str,
    payload: dict[str, Any],
    next_url: str,
    *,
    form: dict[str, str] | None = None,
    rows: forms.Rows | None = None,
) -> Response[Any]:
    """Save through the service and go on (forms.after_save); or show the step again as typed."""

    async def again(refusal: Refusal) -> Template:
        errors = rows.remap(refusal.errors) if rows is not None else refusal.errors
        return await _page(
            app,
            step,
            form=form,
            rows=rows.typed if rows is not None else None,
            errors=errors,
            message=refusal.message,
            status=refusal.status_code,
        )

    # Where it goes on to, it says the step is saved but the application not yet submitted.
    saved_url = next_url + ("&" if "?" in next_url else "?") + "done=saved"
    done = forms.after_save(step, f"/my/applications/{app['id']}/{step}", saved_url)
    return await submit_form(drafts.update_application(app["id"], me, payload), done=done, again=again)


async def _apply_page(me: Principal, call_id: int, title: str, refusal: Refusal | None = None) -> Template:
    call = await calls.get_call(call_id)
    if call is None:
        raise NotFound
    taken = await queries.applications_taken(call_id, me.organisation_id) if me.organisation_id else 0
    context = {
        "call": call,
        "phase": phase(call),
        # The form only while the service would take it; the reason otherwise.
        "blocked": apply_refusal(call, taken),
        "title": title,
        "errors": refusal.errors if refusal else {},
        "message": refusal.message if refusal else None,
    }
    status = refusal.status_code if refusal else HTTP_200_OK
    return Template("applications/portal/apply.html", context=context, status_code=status)


class ApplicationPages(Controller):
    path = "/my"
    guards = [roles(Role.applicant)]
    dependencies = {"me": Provide(provide_me_as_applicant)}
    include_in_schema = False

    @get("/", name="my_applications")
    async def index(self, me: Me) -> Template:
        applications = [row | {"late": late_draft(row)} for row in await queries.list_applications(me)]
        return Template(
            "applications/portal/index.html",
            context={
                "applications": applications,
                "open_questions": await questions_for(applications),
                "open_calls": await with_apply_state(
                    await calls.list_calls(phase_filter="open"), applications
                ),
                "statuses": statuses(),
            },
        )

    @get("/calls/{call_id:int}/apply")
    async def apply_form(self, me: Me, call_id: PathId) -> Template:
        return await _apply_page(me, call_id, "")

    @post("/calls/{call_id:int}/apply", status_code=HTTP_200_OK)
    async def apply(self, me: Me, call_id: PathId, data: Form) -> Response[Any]:
        title = data.get("title", "")
        return await submit_form(
            drafts.create_draft(call_id, me, title),
            done=lambda created: f"/my/applications/{created['id']}/project?done=created",
            again=lambda refusal: _apply_page(me, call_id, title, refusal),
        )

    # --- the steps ---------------------------------------------------------------

    @get("/applications/{application_id:int}/project")
    async def project(self, me: Me, application_id: PathId, done: FromQuery[str | None] = None) -> Template:
        return await _page(await _load(me, application_id), "project", done=done)

    @post("/applications/{application_id:int}/project", status_code=HTTP_200_OK)
    async def save_project(self, me: Me, application_id: PathId, data: Form) -> Response[Any]:
        app = await _load(me, application_id)
        form = forms.read_project(data)
        next_url = f"/my/applications/{application_id}/events"
        return await _save(me, app, "project", form, next_url, form=form)

    @get("/applications/{application_id:int}/events")
    async def events(
        self,
        me: Me,
        application_id: PathId,
        blank: FromQuery[int] = forms.BLANK_ROWS,
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await _page(await _load(me, application_id), "events", blank=_blank(blank), done=done)

    @post("/applications/{application_id:int}/events", status_code=HTTP_200_OK)
    async def save_events(self, me: Me, application_id: PathId, data: Form) -> Response[Any]:
        app = await _load(me, application_id)
        rows = forms.read_events(data)
        next_url = (
            f"/my/applications/{application_id}/events?blank={forms.blank_after_save(rows)}"
            if data.get("action") == "more"
            else f"/my/applications/{application_id}/budget"
        )
        return await _save(me, app, "events", {forms.EVENTS: rows.items}, next_url, rows=rows)

    @get("/applications/{application_id:int}/budget")
    async def budget(
        self,
        me: Me,
        application_id: PathId,
        blank: FromQuery[int] = forms.BLANK_ROWS,
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await _page(await _load(me, application_id), "budget", blank=_blank(blank), done=done)

    @post("/applications/{application_id:int}/budget", status_code=HTTP_200_OK)
    async def save_budget(self, me: Me, application_id: PathId, data: Form) -> Response[Any]:
        app = await _load(me, application_id)
        rows = forms.read_lines(data)
        next_url = (
            f"/my/applications/{application_id}/budget?blank={forms.blank_after_save(rows)}"
            if data.get("action") == "more"
            else f"/my/applications/{application_id}/attachments"
        )
        return await _save(me, app, "budget", {forms.LINES: rows.items}, next_url, rows=rows)

    # --- review, submission, withdrawal, clarification ----------------------------

    @get("/applications/{application_id:int}/review")
    async def review(self, me: Me, application_id: PathId, done: FromQuery[str | None] = None) -> Template:
        return await _page(await _load(me, application_id), "review", done=done)

    @post("/applications/{application_id:int}/submit", status_code=HTTP_200_OK)
    async def submit(self, me: Me, application_id: PathId) -> Response[Any]:
        app = await _load(me, application_id)
        return await submit_form(
            submission.submit(application_id, me),
            done=f"/my/applications/{application_id}/review?done=submitted",
            again=lambda refusal: _page(app, "review", message=refusal.message, status=refusal.status_code),
        )

    @get("/applications/{application_id:int}/withdraw")
    async def withdraw_form(self, me: Me, application_id: PathId) -> Template:
        app = await _load(me, application_id)
        return Template("applications/portal/withdraw.html", context=withdraw_context(app, None))

    @post("/applications/{application_id:int}/withdraw", status_code=HTTP_200_OK)
    async def withdraw(self, me: Me, application_id: PathId) -> Response[Any]:
        app = await _load(me, application_id)
        return await submit_form(
            submission.withdraw(application_id, me),
            done=f"/my/applications/{application_id}/review?done=withdrawn",
            again=lambda refusal: Template(
                "applications/portal/withdraw.html",
                context=withdraw_context(app, refusal.message),
                status_code=refusal.status_code,
            ),
        )

    @post(
        "/applications/{application_id:int}/clarifications/{clarification_id:int}/answer",
        status_code=HTTP_200_OK,
    )
    async def answer(
        self, me: Me, application_id: PathId, clarification_id: PathId, data: Form
    ) -> Response[Any]:
        app = await _load(me, application_id)
        answer = data.get("answer", "")
        return await submit_form(
            forms.answer_clarification(application_id, clarification_id, me, answer),
            done=f"/my/applications/{application_id}/review?done=answered",
            again=lambda refusal: _page(
                app,
                "review",
                errors={k: v for k, v in refusal.errors.items() if k == "answer"},
                message=refusal.message,
                status=refusal.status_code,
                answer=answer,
            ),
        )
