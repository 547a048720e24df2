"""The award decision on the staff's ranking page (/staff/calls/{id}/ranking, drawn by grants.scoring).

Three actions, each a form that posts, goes through awards.service and redirects
back to the ranking with a notice: award one application (its amount prefilled,
a reason when the amount is lowered or it did not pass), award down the ranking
(after a page saying what will happen), award the next reserve. A refused action
renders the ranking again with the service's message and 422 (or 409).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.awards.service import decision as service
from grants.calls import states as calls
from grants.core.auth import Principal, Role, current, roles
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _, ngettext
from grants.core.money import format_cents
from grants.core.params import PathId
from grants.scoring import exports
from grants.scoring import queries as ranking
from grants.scoring.pages import staff as ranking_pages

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]
AWARDABLE = {status.value for status in service.AWARDABLE}


def _me(request: AnyRequest) -> Principal:
    principal = current(request)
    assert principal is not None  # the guard ran first
    return principal


def can_decide(call: dict[str, Any]) -> bool:
    """The service's own precondition (awards.service._locked_call), to show the forms only where they work."""
    return call["status"] in service.CALL_STATUSES and calls.phase(call) not in ("open", "upcoming")


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 10 else None


def _notice(rows: list[dict[str, Any]], query: Mapping[str, str]) -> str | None:
    done = query.get("done")
    if done == "auto":
        counts = {key: _number(query.get(key)) or 0 for key in ("awarded", "reserve", "rejected")}
        return " ".join(
            [
                ngettext(
                    "Awarded down the ranking: %(num)d project.",
                    "Awarded down the ranking: %(num)d projects.",
                    counts["awarded"],
                )
                % {"num": counts["awarded"]},
                _("On the reserve list: %(reserve)d; rejected: %(rejected)d. The call is decided.")
                % {"reserve": counts["reserve"], "rejected": counts["rejected"]},
            ]
        )
    if done in ("awarded", "reserve"):
        target = _number(query.get("application"))
        row = next((r for r in rows if r["application_id"] == target), None)
        if row is not None:
            text = (
                _("%(reference)s is awarded.")
                if done == "awarded"
                else _("%(reference)s from the reserve list is awarded.")
            )
            return text % {"reference": row["reference"]}
    return None


async def decision_panel(
    call: dict[str, Any], rows: list[dict[str, Any]], query: Mapping[str, str]
) -> dict[str, Any]:
    """What the ranking page shows of the decision: the forms, the budget and quota used, the notice."""
    open_to_decide = can_decide(call)
    room = await service.room_of(call)
    awardable = {
        r["application_id"]: format_cents(service.base_amount(call, r["requested_cents"]))
        for r in rows
        if open_to_decide and r["rank"] is not None and r["status"] in AWARDABLE
    }
    decision = {
        "can_decide": open_to_decide,
        "awardable": awardable,
        "has_reserve": open_to_decide and any(r["status"] == "reserve" and r["passed"] for r in rows),
        "used_cents": room.used_cents,
        "used_count": room.used_count,
    }
    return {"decision": decision, "notice": _notice(rows, query)}


if decision_panel not in ranking_pages.RANKING_PANELS:
    ranking_pages.RANKING_PANELS.append(decision_panel)


async def preview(call: dict[str, Any], room: service.Room) -> dict[str, list[dict[str, Any]]]:
    """What `service.auto_award` would do now (the same plan), with the ranking rows to show."""
    rows = {row["application_id"]: row for row in await exports.table(call["id"])}
    out: dict[str, list[dict[str, Any]]] = {"awarded": [], "reserve": [], "rejected": []}
    for ranked, outcome, cents in service.auto_plan(call, await ranking.ranking(call["id"]), room):
        out[outcome].append(rows[ranked.application_id] | {"amount_cents": cents})
    return out


class AwardDecisionPages(Controller):
    path = "/staff/calls"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/{call_id:int}/awards/auto")
    async def auto_form(self, call_id: PathId) -> Template:
        call = await exports.call_or_404(call_id)
        context: dict[str, Any] = {"call": call, "can_decide": can_decide(call)}
        if context["can_decide"]:
            room = await service.room_of(call)
            context |= {
                "remaining_cents": room.budget_cents - room.used_cents,
                "places": room.quota - room.used_count,
                "plan": await preview(call, dataclasses.replace(room)),
            }
        return Template("staff/award_auto.html", context=context)

    @post("/{call_id:int}/awards/auto", status_code=HTTP_200_OK)
    async def auto(self, request: AnyRequest, call_id: PathId) -> Response[Any]:
        try:
            result = await service.auto_award(call_id, _me(request))
        except Conflict as exc:
            return await ranking_pages.ranking_page(call_id, message=exc.message, status=409)
        counts = f"awarded={len(result['awarded'])}&reserve={len(result['reserve'])}&rejected={len(result['rejected'])}"
        return Redirect(f"/staff/calls/{call_id}/ranking?done=auto&{counts}")

    @post("/{call_id:int}/awards", status_code=HTTP_200_OK)
    async def award(self, request: AnyRequest, call_id: PathId, data: Form) -> Response[Any]:
        target = _number(data.get("application_id"))
        if target is None:
            message = _("Choose an application to award.")
            return await ranking_pages.ranking_page(call_id, message=message, status=422)
        amount, reason = data.get("amount", "").strip(), data.get("reason", "")
        kept = {f"amount.{target}": amount, f"reason.{target}": reason}
        try:
            await service.award(call_id, _me(request), target, amount or None, reason)
        except ValidationFailed as exc:
            errors = {f"{field}.{target}": text for field, text in exc.errors.items()}
            return await ranking_pages.ranking_page(call_id, errors=errors, form=kept, status=422)
        except Conflict as exc:
            return await ranking_pages.ranking_page(call_id, message=exc.message, form=kept, status=409)
        return Redirect(f"/staff/calls/{call_id}/ranking?done=awarded&application={target}#app-{target}")

    @post("/{call_id:int}/awards/next-reserve", status_code=HTTP_200_OK)
    async def next_reserve(self, request: AnyRequest, call_id: PathId) -> Response[Any]:
        try:
            made = await service.next_reserve(call_id, _me(request))
        except Conflict as exc:
            return await ranking_pages.ranking_page(call_id, message=exc.message, status=409)
        target = made["application_id"]
        return Redirect(f"/staff/calls/{call_id}/ranking?done=reserve&application={target}#app-{target}")


handlers = [AwardDecisionPages]
