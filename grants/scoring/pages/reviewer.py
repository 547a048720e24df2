"""The reviewer's pages (/reviews/…): "My reviews", reached from the admin panel's sidebar.

Server-rendered over the scoring service and working without JavaScript: the
conflict-of-interest declaration comes first, then the application (anonymised
for a blind call) with the scoring form. A refused save renders the same page
again with everything typed, the messages next to the fields and 422 (or 409);
a successful one redirects (POST-redirect-GET).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import format_decimal
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts.tables import Organisation
from grants.applications import forms as application_forms
from grants.core.auth import Principal, Role, current, roles
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _, get_language
from grants.core.params import PathId
from grants.scoring import service
from grants.scoring.tables import AssignmentStatus

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]

WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,9}$")
OVERALL_LIMIT = 10000


def _me(request: AnyRequest) -> Principal:
    principal = current(request)
    assert principal is not None  # the guard ran first
    return principal


def status_words(row: dict[str, Any]) -> str:
    """An assignment's state as the reviewer reads it."""
    if row["status"] == AssignmentStatus.coi_declared:
        return _("Conflict declared")
    if row["status"] == AssignmentStatus.submitted:
        return _("Submitted")
    if row["conflict"] is None:
        return _("Waiting for your declaration")
    return _("Open for scoring")


def _notices() -> dict[str, str]:
    return {
        "opened": _("You declared no conflict of interest. The application is open for scoring."),
        "saved": _("Your draft is saved. You can come back and change it until you submit."),
        "submitted": _(
            "Your scores are submitted. The other reviewers' scores are shown below once they submit."
        ),
    }


async def _mine(request: AnyRequest, assignment_id: int) -> dict[str, Any]:
    """The caller's own assignment from their list; someone else's is as missing as a made-up id."""
    for row in await service.my_assignments(_me(request)):
        if row["id"] == assignment_id:
            return row
    raise NotFound


async def _organisation_name(organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    row = await Organisation.select(Organisation.name).where(Organisation.id == organisation_id).first()
    return row["name"] if row else None


def _number(value: Any) -> str:
    return format_decimal(Decimal(str(value)), locale=get_language())


def _criteria(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "code": c["code"],
            "title": c["title"],
            "description": c["description"],
            "max_points": c["max_points"],
            "min_points": c["min_points"],
            "weight": _number(c["weight"]),
        }
        for c in view["criteria"]
    ]


def _saved_form(view: dict[str, Any]) -> dict[str, str]:
    """The form as saved: points and comments per criterion, and the overall comment."""
    form = {"comment": view["assignment"]["comment"] or ""}
    for criterion in view["criteria"]:
        saved = view["scores"].get(criterion["code"])
        form[f"scores.{criterion['code']}"] = str(saved["points"]) if saved else ""
        form[f"comments.{criterion['code']}"] = saved["comment"] if saved else ""
    return form


def _typed_form(data: dict[str, str], criteria: list[dict[str, Any]]) -> dict[str, str]:
    form = {"comment": str(data.get("comment", ""))}
    for criterion in criteria:
        for group in ("scores", "comments"):
            key = f"{group}.{criterion['code']}"
            form[key] = str(data.get(key, ""))
    return form


def read_scores(
    form: dict[str, str], criteria: list[dict[str, Any]]
) -> tuple[dict[str, int], dict[str, str], dict[str, str]]:
    """Typed text to the service's points and comments, with the errors only the page can see."""
    points: dict[str, int] = {}
    comments: dict[str, str] = {}
    errors: dict[str, str] = {}
    for criterion in criteria:
        code = criterion["code"]
        raw = form[f"scores.{code}"].strip()
        comment = form[f"comments.{code}"]
        comments[code] = comment
        if len(comment) > service.COMMENT_LIMIT:
            errors[f"comments.{code}"] = _("At most {n} characters.").format(n=service.COMMENT_LIMIT)
        if not raw:
            if comment.strip():
                # The service says the same; saying it here too lists every problem at once.
                errors[f"scores.{code}"] = _("Give points as well, so that the comment can be saved.")
            continue
        if not raw.isascii() or not WHOLE_NUMBER.match(raw):
            errors[f"scores.{code}"] = _("Enter a whole number from 0 to {max}.").format(
                max=criterion["max_points"]
            )
            continue
        points[code] = int(raw)
        if not 0 <= points[code] <= criterion["max_points"]:
            # The service says the same; saying it here too lists every problem at once.
            errors[f"scores.{code}"] = _("Give 0 to {max} points.").format(max=criterion["max_points"])
    if len(form["comment"]) > OVERALL_LIMIT:
        errors["comment"] = _("At most {n} characters.").format(n=OVERALL_LIMIT)
    return points, comments, errors


async def _declaration_page(
    row: dict[str, Any],
    *,
    choice: str = "",
    reason: str = "",
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    errors = errors or {}
    context = {
        "row": row,
        "status_label": status_words(row),
        "choice": choice,
        "reason": reason,
        "errors": errors,
        "message": message,
    }
    return Template("reviews/declare.html", context=context, status_code=status)


async def _review_page(
    request: AnyRequest,
    row: dict[str, Any],
    *,
    form: dict[str, str] | None = None,
    confirm: bool = False,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    done: str | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    view = await service.review_view(row["id"], _me(request))
    application = view["application"]
    call = application["call_row"]
    assignment = view["assignment"]
    criteria = _criteria(view)
    blind = bool(call["blind_review"])
    errors = errors or {}
    context: dict[str, Any] = {
        "row": row,
        "assignment": assignment,
        "status_label": status_words(assignment),
        "app": application,
        "call": call,
        "blind": blind,
        "organisation": None if blind else await _organisation_name(application["organisation"]),
        "criteria": criteria,
        "editable": assignment["status"] == AssignmentStatus.pending,
        "form": form if form is not None else _saved_form(view),
        "confirm": confirm,
        "errors": errors,
        "message": message,
        "notice": _notices().get(done or ""),
        "others": view["others"],
        "kinds": dict(application_forms.event_kinds()),
        "categories": dict(application_forms.budget_categories()),
    }
    return Template("reviews/review.html", context=context, status_code=status)


async def _show(
    request: AnyRequest,
    row: dict[str, Any],
    *,
    done: str | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    """What an assignment's page is now: the declaration, the release, or the application."""
    if row["conflict"] is None:
        return await _declaration_page(row, message=message, status=status)
    if row["status"] == AssignmentStatus.coi_declared:
        context = {"row": row, "status_label": status_words(row), "message": message}
        return Template("reviews/released.html", context=context, status_code=status)
    return await _review_page(request, row, done=done, message=message, status=status)


class ReviewPages(Controller):
    path = "/reviews"
    guards = [roles(Role.reviewer)]
    include_in_schema = False

    @get("/", name="my_reviews")
    async def index(self, request: AnyRequest, released: FromQuery[int | None] = None) -> Template:
        rows = await service.my_assignments(_me(request))
        released_row = next((r for r in rows if r["id"] == released), None) if released else None
        if released_row is not None and released_row["status"] != AssignmentStatus.coi_declared:
            released_row = None
        return Template(
            "reviews/index.html",
            context={
                "rows": [{**r, "status_label": status_words(r)} for r in rows],
                "released": released_row,
            },
        )

    @get("/{assignment_id:int}")
    async def review(
        self, request: AnyRequest, assignment_id: PathId, done: FromQuery[str | None] = None
    ) -> Template:
        return await _show(request, await _mine(request, assignment_id), done=done)

    @post("/{assignment_id:int}/conflict", status_code=HTTP_200_OK)
    async def declare(self, request: AnyRequest, assignment_id: PathId, data: Form) -> Response[Any]:
        row = await _mine(request, assignment_id)
        choice = str(data.get("conflict", ""))
        reason = str(data.get("reason", ""))
        if choice not in ("yes", "no"):
            errors = {"conflict": _("Answer yes or no.")}
            return await _declaration_page(row, reason=reason, errors=errors, status=422)
        try:
            await service.declare_conflict(assignment_id, _me(request), choice == "yes", reason)
        except ValidationFailed as exc:
            return await _declaration_page(row, choice=choice, reason=reason, errors=exc.errors, status=422)
        except Conflict as exc:
            return await _declaration_page(row, choice=choice, reason=reason, message=exc.message, status=409)
        if choice == "yes":
            return Redirect(f"/reviews?released={assignment_id}")
        return Redirect(f"/reviews/{assignment_id}?done=opened")

    @post("/{assignment_id:int}", status_code=HTTP_200_OK)
    async def save(self, request: AnyRequest, assignment_id: PathId, data: Form) -> Response[Any]:
        row = await _mine(request, assignment_id)
        if row["conflict"] != "no":  # scores before the declaration, or after a conflict
            message = (
                _("Declare first whether you have a conflict of interest with this application.")
                if row["conflict"] is None
                else _("These scores can no longer be changed.")
            )
            return await _show(request, row, message=message, status=409)
        view = await service.review_view(assignment_id, _me(request))
        criteria = view["criteria"]
        form = _typed_form(data, criteria)
        submit = data.get("action") == "submit"
        confirm = data.get("confirm") == "yes"
        points, comments, errors = read_scores(form, criteria)
        if submit:
            for criterion in criteria:
                key = f"scores.{criterion['code']}"
                if criterion["code"] not in points and key not in errors:
                    errors[key] = _("Score this criterion before submitting.")
            if not confirm:
                errors["confirm"] = _("Tick the box to confirm that the scores are final.")
        page = {"form": form, "confirm": confirm}
        if errors:
            return await _review_page(request, row, errors=errors, status=422, **page)
        try:
            await service.save_scores(assignment_id, _me(request), points, comments, form["comment"], submit)
        except ValidationFailed as exc:
            return await _review_page(
                request, row, errors=exc.errors, message=exc.message, status=422, **page
            )
        except Conflict as exc:
            return await _review_page(request, row, message=exc.message, status=409)
        return Redirect(f"/reviews/{assignment_id}?done={'submitted' if submit else 'saved'}")
