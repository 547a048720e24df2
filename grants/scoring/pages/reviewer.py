"""The reviewer's pages (/admin/reviews/…): "My reviews", the reviewer's home in the back office.

The home lists the reviewer's assignments grouped by call, each call with its review deadline
(Call.review_closes_at, Riga time; "no deadline set" without one), what is left to do (declare,
score) and what is done (submitted, conflict declared), the overdue ones flagged; 50 rows a page.

Server-rendered over the scoring service and working without JavaScript: the
conflict-of-interest declaration comes first, then the application (anonymised
for a blind call) with the scoring form. A refused save renders the same page
again with everything typed, the messages next to the fields and 422 (or 409);
a successful one redirects (POST-redirect-GET).

The declaration names the applicant: the organisation (name and registration number) and the
project's title, with what counts as a conflict of interest, so that the reviewer can answer
honestly. Nothing else of the application shows before the answer.

A blind call, decided: the declaration page names the applicant too, and only it; the scoring
page, the files' names and everything after the declaration stay anonymous (no organisation, no
partners, no member's name), and a released assignment shows no title any more. A conflict of
interest is a tie to a particular organisation or person: it cannot be declared without knowing
who applies, and an undeclared conflict harms the decision more than a reviewer who knows the
applicant's name while scoring an anonymised text. The alternative, the title with a list of all
of the call's applicant organisations, was set aside: it shows every reviewer every applicant of
the call (more than they need, including organisations they are not given), a conflict with one
of them could not be tied to an application (the reviewer would release all of them or guess),
and in a small municipality the title alone often names the applicant anyway. What the blind
review keeps is that the scoring page does not remind the reviewer whose work it is, and the
other reviewers' scores and the ranking never name it to them; the blind notice on the
declaration page says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import format_decimal
from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.applications import forms as application_forms
from grants.core.auth import Me, Principal, Role, roles
from grants.core.errors import NotFound
from grants.core.forms import Refusal, submit_form
from grants.core.i18n import _, get_language
from grants.core.params import PathId, page_number
from grants.scoring import forms
from grants.scoring.queries.deadlines import reviewer_home
from grants.scoring.queries.progress import quality_criteria
from grants.scoring.queries.reviews import declaration_facts, my_assignments, organisation_name, review_view
from grants.scoring.states import status_words
from grants.scoring.tables import AssignmentStatus

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
PER_PAGE = 50


def _notices() -> dict[str, str]:
    return {
        "opened": _("You declared no conflict of interest. The application is open for scoring."),
        "saved": _("Your draft is saved. You can come back and change it until you submit."),
        "submitted": _(
            "Your scores are submitted. The other reviewers' scores are shown below once they submit."
        ),
    }


async def _mine(me: Principal, assignment_id: int) -> dict[str, Any]:
    """The caller's own assignment from their list; someone else's is as missing as a made-up id."""
    for row in await my_assignments(me):
        if row["id"] == assignment_id:
            return row
    raise NotFound


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


async def _declaration_page(
    me: Principal,
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
        "applicant": await declaration_facts(row["id"], me),
        "choice": choice,
        "reason": reason,
        "errors": errors,
        "summary": forms.named(errors, forms.declaration_names()),
        "message": message,
    }
    return Template("scoring/reviewer/declare.html", context=context, status_code=status)


async def _review_page(
    me: Principal,
    row: dict[str, Any],
    *,
    form: dict[str, str] | None = None,
    confirm: bool = False,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    done: str | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    view = await review_view(row["id"], me)
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
        "organisation": None if blind else await organisation_name(application["organisation"]),
        "criteria": criteria,
        "editable": assignment["status"] == AssignmentStatus.pending,
        "form": form if form is not None else forms.saved_form(view),
        "confirm": confirm,
        "errors": errors,
        "summary": forms.named(errors, forms.review_names(criteria)),
        "message": message,
        "notice": _notices().get(done or ""),
        "others": view["others"],
        "kinds": dict(application_forms.event_kinds()),
        "categories": dict(application_forms.budget_categories()),
    }
    return Template("scoring/reviewer/review.html", context=context, status_code=status)


async def _show(
    me: Principal,
    row: dict[str, Any],
    *,
    done: str | None = None,
    message: str | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    """What an assignment's page is now: the declaration, the release, or the application."""
    if row["conflict"] is None:
        return await _declaration_page(me, row, message=message, status=status)
    if row["status"] == AssignmentStatus.coi_declared:
        context = {"row": row, "status_label": status_words(row), "message": message}
        return Template("scoring/reviewer/released.html", context=context, status_code=status)
    return await _review_page(me, row, done=done, message=message, status=status)


class ReviewPages(Controller):
    path = "/admin/reviews"
    guards = [roles(Role.reviewer)]
    include_in_schema = False

    @get("/", name="my_reviews")
    async def index(
        self, me: Me, released: FromQuery[int | None] = None, page: FromQuery[str | None] = None
    ) -> Template:
        home = await reviewer_home(me, page_number(page), PER_PAGE)
        for group in home["groups"]:
            for row in group.rows:
                row["status_label"] = status_words(row)
        released_row = None
        if released is not None:
            released_row = next((r for r in await my_assignments(me) if r["id"] == released), None)
        if released_row is not None and released_row["status"] != AssignmentStatus.coi_declared:
            released_row = None
        return Template("scoring/reviewer/index.html", context=home | {"released": released_row})

    @get("/{assignment_id:int}")
    async def review(self, me: Me, assignment_id: PathId, done: FromQuery[str | None] = None) -> Template:
        return await _show(me, await _mine(me, assignment_id), done=done)

    @post("/{assignment_id:int}/conflict", status_code=HTTP_200_OK)
    async def declare(self, me: Me, assignment_id: PathId, data: Form) -> Response[Any]:
        row = await _mine(me, assignment_id)
        choice = str(data.get("conflict", ""))
        reason = str(data.get("reason", ""))

        async def again(refusal: Refusal) -> Template:
            if refusal.status_code == 409:  # answered already: the page as it is now says what stands
                return await _show(me, await _mine(me, assignment_id), message=refusal.message, status=409)
            return await _declaration_page(
                me,
                row,
                choice=choice,
                reason=reason,
                errors=refusal.errors,
                message=refusal.message,
                status=refusal.status_code,
            )

        released, opened = (
            f"/admin/reviews?released={assignment_id}",
            f"/admin/reviews/{assignment_id}?done=opened",
        )
        return await submit_form(
            forms.declare_conflict(assignment_id, me, choice, reason),
            done=released if choice == "yes" else opened,
            again=again,
        )

    @post("/{assignment_id:int}", status_code=HTTP_200_OK)
    async def save(self, me: Me, assignment_id: PathId, data: Form) -> Response[Any]:
        row = await _mine(me, assignment_id)
        if row["conflict"] != "no":  # scores before the declaration, or after a conflict
            message = (
                _("Declare first whether you have a conflict of interest with this application.")
                if row["conflict"] is None
                else _("These scores can no longer be changed.")
            )
            return await _show(me, row, message=message, status=409)
        criteria = await quality_criteria(row["call"])  # what the form scores; the whole view only if refused
        form = forms.typed_form(data, criteria)
        submit = data.get("action") == "submit"
        confirm = data.get("confirm") == "yes"

        async def again(refusal: Refusal) -> Template:
            if refusal.status_code == 409:  # the saved scores again, with why they stay
                return await _review_page(me, row, message=refusal.message, status=409)
            page = {"form": form, "confirm": confirm}
            return await _review_page(
                me, row, errors=refusal.errors, message=refusal.message, status=422, **page
            )

        return await submit_form(
            forms.save_scores(assignment_id, me, form, criteria, submit=submit, confirm=confirm),
            done=f"/admin/reviews/{assignment_id}?done={'submitted' if submit else 'saved'}",
            again=again,
        )
