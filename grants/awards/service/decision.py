"""Awards: the only writer of award rows, and the keeper of each call's budget and quota.

Every award is checked and written in one write transaction that first locks
the call's row (SELECT … FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE takes the
database's write lock on SQLite). Two staff members awarding at the same
moment therefore queue on the call: the second one sums the awards only after
the first has committed, and is refused if its award no longer fits. The sum
and the count are those of the live awards: a declined award gives its share
back, a terminated one all but what was already paid out of it.

Award: awarded → agreement_signed → in_progress → final_report_submitted →
closed, or declined (by the grantee, before the agreement) / terminated. The
decision and the decline are here; the steps after the agreement in lifecycle.py,
the payments in payments.py. The application moves with it through applications.service.stages.set_status: awarded,
reserve, rejected (also when its award is declined).
"""

from __future__ import annotations

from typing import Any

from grants.applications.service import stages as applications
from grants.applications.tables import Application, ApplicationStatus
from grants.awards import notify, rules
from grants.awards.queries import room_of
from grants.awards.service import lock
from grants.awards.states import AWARDABLE, AWARDABLE_VALUES, CALL_STATUSES, TRANSITIONS
from grants.awards.tables import Award, AwardStatus
from grants.calls import service as calls
from grants.calls import states as call_states
from grants.calls.tables import Call, CallStatus
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _, get_language
from grants.core.money import display_cents, format_cents
from grants.core.params import MAX_ID
from grants.core.time import now
from grants.scoring.queries import ranking
from grants.scoring.queries.ranking import Ranked


def award_out(award_id: int, application_id: int, cents: int, status: str) -> dict[str, Any]:
    return {"id": award_id, "application_id": application_id, "amount": format_cents(cents), "status": status}


def can_decide(call: dict[str, Any]) -> bool:
    """Whether awards are made in the call now: after its deadline and before it is archived."""
    return call["status"] in CALL_STATUSES and call_states.phase(call) not in ("open", "upcoming")


async def _locked_call(call_id: int) -> dict[str, Any]:
    """The call, locked against every other award of it until the transaction ends."""
    call = await for_update(Call.select().where(Call.id == call_id)).first()
    if call is None or call["status"] == CallStatus.draft:
        raise NotFound
    if not can_decide(call):
        raise Conflict(_("Awards are made after the call's deadline and before it is archived."))
    return call


async def _create(
    call: dict[str, Any],
    ranked: Ranked | None,
    application_id: int,
    cents: int,
    actor: Principal,
    **details: Any,
) -> dict[str, Any]:
    """Insert the award, move the application to awarded, log both, queue the e-mail."""
    moved = await applications.set_status(
        application_id, AWARDABLE, ApplicationStatus.awarded, actor, amount=format_cents(cents), **details
    )
    if not moved:
        raise Conflict(_("Only an eligible, reviewed or reserve application can be awarded."))
    rows = await Award.insert(
        Award(
            call=call["id"],
            application=application_id,
            amount_cents=cents,
            status=AwardStatus.awarded,
            decided_by=actor.user_id,
            decided_at=now(),
            reason=details.get("reason", ""),
        )
    ).returning(Award.id)
    award_id = rows[0]["id"]
    score = str(ranked.score) if ranked is not None and ranked.score is not None else None
    await audit.record(
        "award",
        "award",
        award_id,
        actor=actor,
        after={
            "status": "awarded",
            "call": call["id"],
            "application": application_id,
            "amount": format_cents(cents),
        },
        score=score,
        **details,
    )
    await notify.decision(application_id, "awarded", call, ranked, cents)
    return award_out(award_id, application_id, cents, AwardStatus.awarded.value)


async def award(
    call_id: int, actor: Principal, application_id: int, amount: str | None = None, reason: str | None = None
) -> dict[str, Any]:
    """Award one application of the call: its requested (or the fixed) amount, or less with a reason.

    Awarding an application that did not pass the evaluation also needs a reason.
    """
    if not 0 < application_id <= MAX_ID:
        raise NotFound  # no such row; a bigger number would fail in the database driver (a 500)
    reason = rules.reason(reason, required=False)
    override: int | None = None
    if amount is not None:
        override = rules.cents(amount)
        if override <= 0:
            raise ValidationFailed({"amount": _("The amount must be greater than zero.")})
    async with write_transaction():
        call = await _locked_call(call_id)
        app = (
            await Application.select(Application.id, Application.status, Application.requested_cents)
            .where((Application.id == application_id) & (Application.call == call_id))
            .first()
        )
        if app is None:
            raise NotFound
        if app["status"] not in AWARDABLE_VALUES:
            raise Conflict(_("Only an eligible, reviewed or reserve application can be awarded."))
        ranked = next((r for r in await ranking.ranking(call_id) if r.application_id == application_id), None)
        passed = ranked is not None and ranked.passed
        base = rules.base_amount(call, app["requested_cents"])
        errors: dict[str, str] = {}
        if override is not None and override > base:
            errors["amount"] = (
                _("The award can be at most {amount}, the call's fixed amount.")
                if call["fixed_amount"]
                else _("The award can be at most {amount}, the requested amount.")
            ).format(amount=display_cents(base, get_language()))
        elif override is not None and not reason:
            errors["reason"] = _("Give the reason for changing the amount.")
        if not passed and not reason:
            errors["reason"] = _(
                "The application did not pass the evaluation: give the reason for awarding it."
            )
        if errors:
            raise ValidationFailed(errors)
        cents = base if override is None else override
        room = await room_of(call)
        if refusal := room.refusal(cents):
            raise Conflict(refusal)
        details: dict[str, Any] = {"how": "override" if override is not None or not passed else "manual"}
        if reason:
            details["reason"] = reason
        if override is not None:
            details["requested"] = format_cents(base)
        if not passed:
            details["passed"] = False
        return await _create(call, ranked, application_id, cents, actor, **details)


async def auto_award(call_id: int, actor: Principal) -> dict[str, Any]:
    """Award strictly down the ranking while the budget and the quota last.

    The first passed application that does not fit stops the awarding: a lower
    ranked, cheaper one is never funded ahead of it without a person deciding
    so (`next_reserve`). Every passed application not awarded goes to the
    reserve list, every one that did not pass is rejected; then the call is decided.
    """
    awarded: list[dict[str, Any]] = []
    reserve: list[int] = []
    rejected: list[int] = []
    async with write_transaction():
        call = await _locked_call(call_id)
        plan = rules.auto_plan(call, rules.undecided(await ranking.ranking(call_id)), await room_of(call))
        for ranked, outcome, cents in plan:
            target = ranked.application_id
            if outcome == "awarded":
                awarded.append(await _create(call, ranked, target, cents, actor, how="auto"))
            elif outcome == "rejected":
                if await applications.set_status(
                    target, AWARDABLE, ApplicationStatus.rejected, actor, how="auto", score=_score(ranked)
                ):
                    await notify.decision(target, "rejected", call, ranked)
                    rejected.append(target)
            elif ranked.status == ApplicationStatus.reserve or await applications.set_status(
                target, AWARDABLE, ApplicationStatus.reserve, actor, how="auto", score=_score(ranked)
            ):
                await notify.decision(target, "reserve", call, ranked)
                reserve.append(target)
        if call["status"] in call_states.DECIDABLE:
            await calls.decide(call_id, actor)
    return {"awarded": awarded, "reserve": reserve, "rejected": rejected}


def _score(ranked: Ranked) -> str | None:
    return None if ranked.score is None else str(ranked.score)


async def next_reserve(call_id: int, actor: Principal) -> dict[str, Any]:
    """Award the best ranked application on the reserve list that fits what is left."""
    async with write_transaction():
        call = await _locked_call(call_id)
        room = await room_of(call)
        if room.used_count >= call["quota"]:
            raise Conflict(room.refusal(0) or "")
        for ranked in await ranking.ranking(call_id):
            if ranked.status != ApplicationStatus.reserve or not ranked.passed:
                continue
            cents = rules.base_amount(call, ranked.requested_cents)
            if room.refusal(cents) is None:
                return await _create(call, ranked, ranked.application_id, cents, actor, how="reserve")
        raise Conflict(_("No application on the reserve list fits the remaining budget."))


async def decline(award_id: int, actor: Principal, reason: str | None = None) -> dict[str, Any]:
    """The grantee (or staff, with a reason) declines an award before the agreement.

    The award gives its share of the budget and quota back; the application is rejected. The freed
    place is not filled here: staff award the next reserve (`next_reserve`), told so by mail when the
    grantee declines. The organisation is told by mail either way.
    """
    reason = rules.reason(reason, required=False)
    by_staff = actor.has(Role.staff)
    if by_staff and not reason:
        raise ValidationFailed({"reason": _("Give the reason for declining the award.")})
    async with write_transaction():
        row = await lock.locked_award(award_id)
        if not (by_staff or (actor.has(Role.applicant) and row["organisation"] == actor.organisation_id)):
            raise NotFound
        if row["status"] not in TRANSITIONS["decline"][0]:
            raise Conflict(_("Only an award whose agreement is not signed yet can be declined."))
        why = "declined by staff" if by_staff else "declined by the applicant"
        await lock.move(
            row,
            TRANSITIONS["decline"][1],
            actor,
            "decline",
            columns={Award.decline_reason: reason or why},
            reason=why,
            note=reason,
        )
        await applications.set_status(
            row["application"],
            (ApplicationStatus.awarded,),
            ApplicationStatus.rejected,
            actor,
            reason=why,
            note=reason,
            award=award_id,
        )
        await notify.declined(row, reason, by_staff)
    return award_out(award_id, row["application"], row["amount_cents"], AwardStatus.declined.value)
