"""National staff's approval of award decisions (national staff only): the calls waiting for it
(/admin/approvals) and one call's decision to approve or return (/admin/calls/{id}/approval).

The decision page shows the ranking's summary (applications, points, awarded, reserve and rejected,
amounts, the budget and quota used) and the call's earlier approvals and returns. Approving and
returning are each two steps: the form on the decision page posts to a confirmation page (nothing is
written; a return without a comment is refused there, keeping what was typed), whose button does it
through service.approval. A refusal renders the decision page again with its message.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK, HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY

from grants.applications import states as application_states
from grants.awards import queries
from grants.awards.pages.staff_ranking import number
from grants.awards.queries import approval as approval_queries
from grants.awards.service import approval
from grants.awards.states import award_statuses
from grants.awards.tables import Award, DecisionReviewOutcome
from grants.core.auth import Me, national_staff
from grants.core.errors import ValidationFailed
from grants.core.forms import submit_form
from grants.core.i18n import _
from grants.core.params import PathId, page_number, text_id
from grants.scoring.queries import progress, ranking

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
PER_PAGE = 20


async def _summary(call: dict[str, Any]) -> dict[str, Any]:
    """The ranking's summary the decision is made on."""
    rows = await ranking.table(call["id"])
    awards = {
        row["application"]: row
        for row in await Award.select(Award.id, Award.application, Award.amount_cents, Award.status).where(
            Award.call == call["id"]
        )
    }
    counts = {
        status: sum(1 for r in rows if r["status"] == status) for status in ("awarded", "reserve", "rejected")
    }
    waiting = [a for a in awards.values() if a["status"] == "awarded"]
    room = await queries.room_of(call)
    return {
        "rows": [r | {"award": awards.get(r["application_id"])} for r in rows],
        "applications": len(rows),
        "ranked": sum(1 for r in rows if r["rank"] is not None),
        "passed": sum(1 for r in rows if r["passed"]),
        "counts": counts,
        "waiting_count": len(waiting),
        "waiting_ids": ",".join(str(a["id"]) for a in sorted(waiting, key=lambda a: a["id"])),
        "waiting_cents": sum(a["amount_cents"] for a in waiting),
        "used_cents": room.used_cents,
        "used_count": room.used_count,
    }


async def approval_page(
    call_id: int,
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    form: dict[str, str] | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    call = await progress.call_or_404(call_id)
    state = await approval_queries.state_of(call)
    context = {
        "call": call,
        "summary": await _summary(call),
        "approval": state,
        "can_review": state is not None and state["pending"],
        "reviews": await approval_queries.reviews_of(call_id),
        "statuses": application_states.statuses(),
        "award_statuses": award_statuses(),
        "number": number,
        "errors": errors or {},
        "message": message,
        "form": form or {},
    }
    return Template("awards/staff/approval.html", context=context, status_code=status)


def _kept(outcome: str, comment: str) -> dict[str, str]:
    return {f"comment.{outcome}": comment} if outcome in approval.OUTCOMES else {}


class ApprovalPages(Controller):
    path = "/admin"
    guards = [national_staff]
    include_in_schema = False

    @get("/approvals", name="staff_approvals")
    async def approvals(
        self,
        page: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
        call: FromQuery[str | None] = None,
    ) -> Template:
        found = await approval_queries.waiting_calls(page_number(page), PER_PAGE)
        notice = None
        if done in approval.OUTCOMES and (call_id := text_id(call)) is not None:
            title = next((r["call_title"] for r in await approval_queries.reviews_of(call_id)), None)
            if title is not None:
                notice = (
                    _("The award decision of “%(call)s” is approved.")
                    if done == DecisionReviewOutcome.approved
                    else _("The award decision of “%(call)s” is returned to the municipality.")
                ) % {"call": title}
        context = {"found": found, "recent": await approval_queries.recent_reviews(), "notice": notice}
        return Template("awards/staff/approvals.html", context=context)

    @get("/calls/{call_id:int}/approval")
    async def decision(self, call_id: PathId) -> Template:
        return await approval_page(call_id)

    @post("/calls/{call_id:int}/approval/confirm", status_code=HTTP_200_OK)
    async def confirm(self, call_id: PathId, data: Form) -> Template:
        """The confirmation step: what the approval or return will do; nothing is written here."""
        outcome, comment = data.get("outcome", ""), data.get("comment", "")
        read = data.get("awards", "")
        try:
            comment = approval.check_comment(outcome, comment)
        except ValidationFailed as refused:
            errors = {f"{field}.{outcome}": text for field, text in refused.errors.items()}
            return await approval_page(
                call_id, errors=errors, form=_kept(outcome, comment), status=HTTP_422_UNPROCESSABLE_ENTITY
            )
        page = await approval_page(call_id)
        context = page.context
        if not context["can_review"]:
            return await approval_page(
                call_id,
                message=_("Nothing waits for approval: the call has no award that is not approved yet."),
                status=HTTP_409_CONFLICT,
            )
        if read and read != context["summary"]["waiting_ids"]:
            return await approval_page(
                call_id,
                message=_(
                    "The decision changed after you read it (an award was made or declined). Read it again."
                ),
                form=_kept(outcome, comment),
                status=HTTP_409_CONFLICT,
            )
        context |= {"outcome": outcome, "comment": comment}
        return Template("awards/staff/approval_confirm.html", context=context)

    @post("/calls/{call_id:int}/approval", status_code=HTTP_200_OK)
    async def review(self, me: Me, call_id: PathId, data: Form) -> Response[Any]:
        outcome, comment = data.get("outcome", ""), data.get("comment", "")
        reviewed = approval.read_awards(data.get("awards"))
        return await submit_form(
            approval.review_decision(call_id, me, outcome, comment, reviewed),
            done=f"/admin/approvals?done={outcome}&call={call_id}",
            again=lambda refusal: approval_page(
                call_id,
                errors={f"{field}.{outcome}": text for field, text in refusal.errors.items()},
                message=refusal.message,
                form=_kept(outcome, comment),
                status=refusal.status_code,
            ),
        )


handlers = [ApprovalPages]
