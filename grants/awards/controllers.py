"""The award API: staff award (one, automatically, the next reserve); grantees list and decline.

The routes after the decision (agreement, payments, termination, the register) are in api.py,
the staff's pages in staff_pages.py; all of them are wired through `handlers` here."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from grants.awards.api import handlers as agreement_handlers
from grants.awards.pages.staff import handlers as staff_page_handlers
from grants.awards.schemas import (
    AgreementBrief,
    AutoAwardOut,
    AwardIn,
    AwardListOut,
    AwardOut,
    DeclineIn,
    PaymentOut,
)
from grants.awards.service import decision as service
from grants.awards.service import lifecycle, payments
from grants.core.auth import Principal, Role, authenticated, current, roles
from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.openapi import errors
from grants.core.params import PathId

staff = roles(Role.staff)
applicant_or_staff = roles(Role.applicant, Role.staff)


def _me(request: Request[Any, Any, Any]) -> Principal:
    principal = current(request)
    assert principal is not None  # the guards ran first
    return principal


class AwardStaffApi(Controller):
    path = "/api/calls"
    tags = ["awards"]
    guards = [staff]

    @post(
        "/{call_id:int}/awards",
        status_code=HTTP_201_CREATED,
        summary="Award an application, or {auto: true} down the ranking within the budget and quota",
        description=(
            "409 when the budget or the quota would be exceeded. An `amount` below the requested one, "
            "or an application that did not pass, needs a `reason`."
        ),
        responses=errors(401, 403, 404, 409, 422),
    )
    async def award(
        self, request: Request[Any, Any, Any], call_id: PathId, data: JSONBody[AwardIn]
    ) -> AwardOut | AutoAwardOut:
        if data.auto:
            result = await service.auto_award(call_id, _me(request))
            return AutoAwardOut(
                awarded=[AwardOut(**a) for a in result["awarded"]],
                reserve=result["reserve"],
                rejected=result["rejected"],
            )
        if not isinstance(data.application_id, int):
            raise ValidationFailed({"application_id": _("Give application_id, or auto: true.")})
        amount = data.amount if isinstance(data.amount, str) else None
        return AwardOut(
            **await service.award(call_id, _me(request), data.application_id, amount, data.reason)
        )

    @post(
        "/{call_id:int}/awards/next-reserve",
        status_code=HTTP_201_CREATED,
        summary="Award the best ranked reserve application that fits the remaining budget and quota",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def next_reserve(self, request: Request[Any, Any, Any], call_id: PathId) -> AwardOut:
        return AwardOut(**await service.next_reserve(call_id, _me(request)))


class AwardApi(Controller):
    path = "/api/awards"
    tags = ["awards"]

    @get(
        "/",
        guards=[authenticated],
        summary="The caller's organisation's awards (staff: all), with their payments and agreement",
        responses=errors(401),
    )
    async def list_awards(self, request: Request[Any, Any, Any]) -> list[AwardListOut]:
        me = _me(request)
        rows = await service.list_awards(me)
        if not rows:
            return []
        # One query each for all the payments and agreements, never one per award.
        organisation = None if me.has(Role.staff) else me.organisation_id
        paid = await payments.payments_by_award(organisation)
        agreements = await lifecycle.agreements_by_award(organisation)
        return [
            AwardListOut(
                id=row["id"],
                call_id=row["call"],
                application_id=row["application"],
                reference=row["reference"],
                amount=format_cents(row["amount_cents"]),
                status=row["status"],
                payments=[PaymentOut(**p) for p in paid.get(row["id"], [])],
                agreement=(
                    AgreementBrief(number=a["number"], signed_on=a["signed_on"])
                    if (a := agreements.get(row["id"]))
                    else None
                ),
            )
            for row in rows
        ]

    @post(
        "/{award_id:int}/decline",
        guards=[applicant_or_staff],
        status_code=HTTP_200_OK,
        summary="Decline an award before the agreement (the grantee; staff with a reason)",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def decline(
        self,
        request: Request[Any, Any, Any],
        award_id: PathId,
        data: JSONBody[DeclineIn | None] = None,
    ) -> AwardOut:
        reason = data.reason if data is not None else ""
        return AwardOut(**await service.decline(award_id, _me(request), reason))


handlers = [AwardStaffApi, AwardApi, *agreement_handlers, *staff_page_handlers]
