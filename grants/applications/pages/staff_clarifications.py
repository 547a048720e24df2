"""The staff's clarification page (/admin/applications/{id}/clarification): precizēšana.

Staff see the application's reference, title and organisation, every earlier question with its
answer (an open one past its due date marked overdue), and ask a new question with a due date in
Riga time. Only a submitted application can be asked; the page says so in words otherwise. Asking
goes through applications.service.clarifications (which mails the organisation's members) and comes
back here with a notice; a refused question is shown again with what was typed (422 or 409).

After the due date the question stays open and the applicant may still answer: the due date asks,
it does not cut off (see the service). Staff see it flagged here and on the back-office home.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts.queries.organisations import organisation_summary
from grants.applications import forms, queries
from grants.applications.states import statuses
from grants.applications.tables import ApplicationStatus
from grants.core.auth import Me, Principal, Role, roles
from grants.core.forms import submit_form
from grants.core.i18n import _
from grants.core.params import PathId
from grants.core.time import from_db, now

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def questions_of(app: dict[str, Any]) -> list[dict[str, Any]]:
    """The application's questions, newest first, each marked `open` and `overdue` (open, past due)."""
    moment = now()
    marked = [
        question
        | {
            "open": question["answered_at"] is None,
            "overdue": question["answered_at"] is None and from_db(question["due_at"]) < moment,
        }
        for question in app["clarifications"]
    ]
    return sorted(marked, key=lambda q: q["id"], reverse=True)


def _why_not(status: str, label: str) -> str:
    if status == ApplicationStatus.clarification:
        return _(
            "A question is open: the application waits for the applicant's answer. You can ask again once it is answered."
        )
    return _(
        "Only a submitted application can be returned for clarification; this one's status is “%(status)s”."
    ) % {"status": label}


async def _page(
    application_id: int,
    me: Principal,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    notice: str | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    app = await queries.get_application(application_id, me)
    label = statuses().get(app["status"], app["status"])
    can_ask = app["status"] == ApplicationStatus.submitted
    context = {
        "app": app,
        "call": app["call_row"],
        "organisation": await organisation_summary(app["organisation"]),
        "status_label": label,
        "questions": questions_of(app),
        "can_ask": can_ask,
        "why_not": None if can_ask else _why_not(app["status"], label),
        "form": forms.clarification_form(form),
        "working_days": forms.DUE_WORKING_DAYS,
        "errors": errors or {},
        "message": message,
        "notice": notice,
    }
    return Template("applications/staff/clarification.html", context=context, status_code=status)


class StaffClarificationPages(Controller):
    path = "/admin"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/applications/{application_id:int}/clarification")
    async def clarification(
        self, me: Me, application_id: PathId, done: FromQuery[str | None] = None
    ) -> Template:
        notice = (
            _(
                "The question is sent: the applicant's members were e-mailed, and the application waits for their answer."
            )
            if done == "asked"
            else None
        )
        return await _page(application_id, me, notice=notice)

    @post("/applications/{application_id:int}/clarification", status_code=HTTP_200_OK)
    async def ask(self, me: Me, application_id: PathId, data: Form) -> Response[Any]:
        await queries.find_application(application_id, me)  # 404 before anything is read
        return await submit_form(
            forms.ask_clarification(application_id, me, data),
            done=f"/admin/applications/{application_id}/clarification?done=asked",
            again=lambda refusal: _page(
                application_id,
                me,
                form=data,
                errors=refusal.errors,
                message=refusal.message,
                status=refusal.status_code,
            ),
        )
