"""The award decision's forms on the staff's ranking page (pages/staff_ranking.py).

Three actions, each a form that posts, goes through the decision service and redirects
back to the ranking with a notice: award one application (its amount prefilled,
a reason when the amount is lowered or it did not pass), award down the ranking
(after a page saying what will happen), award the next reserve. A refused action
renders the ranking again with the service's message and 422 (or 409).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.awards import forms, queries, rules
from grants.awards.pages.staff_ranking import ranking_page
from grants.awards.service import decision as service
from grants.core.auth import Me, Role, roles
from grants.core.forms import submit_form
from grants.core.params import PathId
from grants.scoring.queries import progress, ranking

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def preview(call: dict[str, Any], room: rules.Room) -> dict[str, list[dict[str, Any]]]:
    """What `service.auto_award` would do now (the same plan), with the ranking rows to show."""
    rows = {row["application_id"]: row for row in await ranking.table(call["id"])}
    out: dict[str, list[dict[str, Any]]] = {"awarded": [], "reserve": [], "rejected": []}
    undecided = rules.undecided(await ranking.ranking(call["id"]))
    for ranked, outcome, cents in rules.auto_plan(call, undecided, room):
        out[outcome].append(rows[ranked.application_id] | {"amount_cents": cents})
    return out


def _after_auto(call_id: int) -> Any:
    def url(result: dict[str, Any]) -> str:
        counts = f"awarded={len(result['awarded'])}&reserve={len(result['reserve'])}&rejected={len(result['rejected'])}"
        return f"/admin/calls/{call_id}/ranking?done=auto&{counts}"

    return url


class AwardDecisionPages(Controller):
    path = "/admin/calls"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/{call_id:int}/awards/auto")
    async def auto_form(self, call_id: PathId) -> Template:
        call = await progress.call_or_404(call_id)
        context: dict[str, Any] = {"call": call, "can_decide": service.can_decide(call)}
        if context["can_decide"]:
            room = await queries.room_of(call)
            context |= {
                "remaining_cents": room.budget_cents - room.used_cents,
                "places": room.quota - room.used_count,
                "plan": await preview(call, dataclasses.replace(room)),
            }
        return Template("awards/staff/award_auto.html", context=context)

    @post("/{call_id:int}/awards/auto", status_code=HTTP_200_OK)
    async def auto(self, me: Me, call_id: PathId) -> Response[Any]:
        return await submit_form(
            service.auto_award(call_id, me),
            done=_after_auto(call_id),
            again=lambda refusal: ranking_page(call_id, message=refusal.message, status=refusal.status_code),
        )

    @post("/{call_id:int}/awards", status_code=HTTP_200_OK)
    async def award(self, me: Me, call_id: PathId, data: Form) -> Response[Any]:
        target = forms.number(data.get("application_id"))
        kept = {
            f"amount.{target}": data.get("amount", "").strip(),
            f"reason.{target}": data.get("reason", ""),
        }
        return await submit_form(
            forms.award(call_id, me, data),
            done=f"/admin/calls/{call_id}/ranking?done=awarded&application={target}#app-{target}",
            again=lambda refusal: ranking_page(
                call_id,
                errors={f"{field}.{target}": text for field, text in refusal.errors.items()},
                message=refusal.message,
                form=kept if target is not None else {},
                status=refusal.status_code,
            ),
        )

    @post("/{call_id:int}/awards/next-reserve", status_code=HTTP_200_OK)
    async def next_reserve(self, me: Me, call_id: PathId) -> Response[Any]:
        return await submit_form(
            service.next_reserve(call_id, me),
            done=lambda made: (
                f"/admin/calls/{call_id}/ranking?done=reserve&application={made['application_id']}"
                f"#app-{made['application_id']}"
            ),
            again=lambda refusal: ranking_page(call_id, message=refusal.message, status=refusal.status_code),
        )


handlers = [AwardDecisionPages]
