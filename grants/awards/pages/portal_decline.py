"""Declining an award before its agreement is signed: the grantee from their award page (/my/awards/{id}),
here; staff on the grantee's behalf from the back office (staff_decline.py), each after a confirmation page
that says what it means. The decline itself is decision.decline: the award gives its money and place
back, the application is rejected, the organisation (and, when the grantee declines, staff) is mailed.

After a staff decline the call's ranking opens with a notice of what to do next: award the next
reserve with its button there. A refused decline renders the confirmation again with what was typed,
the message next to the reason and 422, or the state's message and 409 (a signed award).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.awards import queries
from grants.awards.rules import REASON_LIMIT
from grants.awards.service import decision
from grants.awards.states import TRANSITIONS, award_statuses
from grants.core.auth import Me, Principal, Role, provide_me_as_applicant, roles
from grants.core.forms import Refusal, submit_form
from grants.core.params import PathId

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
DECLINABLE = TRANSITIONS["decline"][0]


async def decline_page(
    me: Principal,
    award_id: int,
    *,
    staff: bool,
    reason: str = "",
    refusal: Refusal | None = None,
) -> Template:
    """The confirmation: the award, what declining means, the reason (required of staff)."""
    award = await queries.reportable_award(award_id, me)
    context = {
        "award": award,
        "staff": staff,
        "statuses": award_statuses(),
        "can_decline": award["status"] in DECLINABLE,
        "reason": reason,
        "reason_limit": REASON_LIMIT,
        "errors": refusal.errors if refusal is not None else {},
        "message": refusal.message if refusal is not None else None,
        "action": f"/admin/awards/{award_id}/decline" if staff else f"/my/awards/{award_id}/decline",
        "back": f"/admin/awards?award={award_id}" if staff else f"/my/awards/{award_id}",
    }
    template = "awards/staff/awards_decline.html" if staff else "awards/portal/decline.html"
    code = refusal.status_code if refusal is not None else HTTP_200_OK
    return Template(template, context=context, status_code=code)


class GranteeDeclinePages(Controller):
    path = "/my/awards"
    guards = [roles(Role.applicant)]
    dependencies = {"me": Provide(provide_me_as_applicant)}
    include_in_schema = False

    @get("/{award_id:int}/decline")
    async def confirm(self, me: Me, award_id: PathId) -> Template:
        return await decline_page(me, award_id, staff=False)

    @post("/{award_id:int}/decline", status_code=HTTP_200_OK)
    async def decline(self, me: Me, award_id: PathId, data: Form) -> Response[Any]:
        reason = data.get("reason", "")
        return await submit_form(
            decision.decline(award_id, me, reason),
            done=f"/my/awards/{award_id}?done=declined",
            again=lambda refusal: decline_page(me, award_id, staff=False, reason=reason, refusal=refusal),
        )


handlers = [GranteeDeclinePages]
