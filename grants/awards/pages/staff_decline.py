"""Staff record a decline on the grantee's behalf (/admin/awards/{id}/decline), with the reason the
service requires of them, after the confirmation page of portal_decline.py; then the call's ranking
opens with what to do next (award the next reserve, its button there)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.awards import queries
from grants.awards.pages.portal_decline import Form, decline_page
from grants.awards.service import decision
from grants.core.auth import Me, Role, roles
from grants.core.forms import submit_form
from grants.core.params import PathId


class StaffDeclinePages(Controller):
    path = "/admin/awards"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/{award_id:int}/decline")
    async def confirm(self, me: Me, award_id: PathId) -> Template:
        return await decline_page(me, award_id, staff=True)

    @post("/{award_id:int}/decline", status_code=HTTP_200_OK)
    async def decline(self, me: Me, award_id: PathId, data: Form) -> Response[Any]:
        reason = data.get("reason", "")
        award = await queries.reportable_award(award_id, me)
        return await submit_form(
            decision.decline(award_id, me, reason),
            done=f"/admin/calls/{award['call']}/ranking?done=declined&application={award['application']}",
            again=lambda refusal: decline_page(me, award_id, staff=True, reason=reason, refusal=refusal),
        )


handlers = [StaffDeclinePages]
