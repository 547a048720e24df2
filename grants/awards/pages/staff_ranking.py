"""The staff's ranking page of a call (/admin/calls/{id}/ranking) with the award decision on it.

The ranking's table comes from grants.scoring; the line where the budget and quota
reach is the award plan (rules.auto_plan) on a call with nothing awarded yet. The
decision panel shows the budget and quota used and, while awards can be made, the
forms of pages/staff_decision.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from litestar import Controller, Request, get
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK

from grants.applications import states as application_states
from grants.awards import forms, queries, rules
from grants.awards.queries import approval
from grants.awards.service.decision import can_decide
from grants.awards.states import AWARDABLE_VALUES
from grants.core.auth import Role, roles
from grants.core.i18n import _, get_language, ngettext
from grants.core.money import format_cents
from grants.core.params import PathId
from grants.scoring.queries import progress, ranking
from grants.scoring.queries.ranking import Ranked

HIGH_SPREAD_SHARE = Decimal("0.2")  # a spread of a fifth of the maximum total asks for a second look
RANKED_FIELDS = tuple(f.name for f in fields(Ranked))


def number(value: Decimal | None) -> str:
    return "—" if value is None else format_decimal(value, format="#,##0.00", locale=get_language())


def max_total(criteria: list[dict[str, Any]]) -> Decimal:
    """The best review total: Σ weight × max points of the quality criteria."""
    return sum((Decimal(str(c["weight"])) * c["max_points"] for c in criteria), Decimal(0))


def budget_line(call: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[int | None, int, int]:
    """Where the budget and quota reach down the ranking, counting every ranked application as
    undecided: the last one the award plan funds (None if none), how many, and what they cost."""
    ranked = [
        Ranked(**{name: row[name] for name in RANKED_FIELDS}) for row in rows if row["rank"] is not None
    ]
    empty = rules.Room(call["budget_cents"], call["quota"], 0, 0)
    funded = [
        (r, cents) for r, outcome, cents in rules.auto_plan(call, ranked, empty) if outcome == "awarded"
    ]
    last = funded[-1][0].application_id if funded else None
    return last, len(funded), sum(cents for _, cents in funded)


def _notice(rows: list[dict[str, Any]], query: Mapping[str, str]) -> str | None:
    done = query.get("done")
    if done == "auto":
        counts = {key: forms.number(query.get(key)) or 0 for key in ("awarded", "reserve", "rejected")}
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
        target = forms.number(query.get("application"))
        row = next((r for r in rows if r["application_id"] == target), None)
        if row is not None:
            text = (
                _("%(reference)s is awarded.")
                if done == "awarded"
                else _("%(reference)s from the reserve list is awarded.")
            )
            return text % {"reference": row["reference"]}
    if done == "declined":
        target = forms.number(query.get("application"))
        row = next((r for r in rows if r["application_id"] == target), None)
        if row is not None:
            reserve = any(r["status"] == "reserve" and r["passed"] for r in rows)
            text = (
                _(
                    "The award of %(reference)s is declined; its money and place are free. "
                    "Award the next application on the reserve list with the button below."
                )
                if reserve
                else _(
                    "The award of %(reference)s is declined; its money and place are free. "
                    "No passed application is on the reserve list: award another one from the ranking."
                )
            )
            return text % {"reference": row["reference"]}
    return None


async def _decision(call: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The decision panel: whether awards can be made now, the amounts to prefill, the room used."""
    open_to_decide = can_decide(call)
    room = await queries.room_of(call)
    awardable = {
        r["application_id"]: format_cents(rules.base_amount(call, r["requested_cents"]))
        for r in rows
        if open_to_decide and r["rank"] is not None and r["status"] in AWARDABLE_VALUES
    }
    return {
        "can_decide": open_to_decide,
        "awardable": awardable,
        "has_reserve": open_to_decide and any(r["status"] == "reserve" and r["passed"] for r in rows),
        "used_cents": room.used_cents,
        "used_count": room.used_count,
    }


async def ranking_page(
    call_id: int,
    *,
    query: Mapping[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    form: dict[str, str] | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    """The ranking of a call with the award decision's panel and forms."""
    call = await progress.call_or_404(call_id)
    criteria = await progress.quality_criteria(call_id)
    rows = await ranking.table(call_id)
    best = max_total(criteria)
    for row in rows:
        row["high_spread"] = (
            row["spread"] is not None and best > 0 and row["spread"] >= best * HIGH_SPREAD_SHARE
        )
    last, count, total = budget_line(call, rows)
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
        "decision": await _decision(call, rows),
        "notice": _notice(rows, query or {}),
        "approval": await approval.state_of(call),
    }
    return Template("awards/staff/ranking.html", context=context, status_code=status)


class StaffRankingPages(Controller):
    path = "/admin"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/calls/{call_id:int}/ranking")
    async def ranking(self, request: Request[Any, Any, Any], call_id: PathId) -> Template:
        return await ranking_page(call_id, query=dict(request.query_params))


handlers = [StaffRankingPages]
