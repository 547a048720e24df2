"""A call's lifecycle: draft → published → closed → in_review → decided → archived, and a published
call's deadline moved later. Each step locks the call, writes and audits in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from grants.calls import notify, rules
from grants.calls.service.common import get_for_update
from grants.calls.states import DECIDABLE
from grants.calls.tables import Call, CallStatus, Criterion, CriterionKind
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import write_transaction
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _
from grants.core.time import from_db, now


async def _transition(call_id: int, expected: CallStatus, target: CallStatus, actor: Principal | None) -> str:
    async with write_transaction():
        call = await get_for_update(call_id)
        if call["status"] != expected:
            raise Conflict(
                _("The call is {status}; this step needs it {expected}.").format(
                    status=call["status"], expected=expected.value
                )
            )
        changes: dict[Any, Any] = {Call.status: target}
        if target == CallStatus.published:
            if call["closes_at"] <= now():
                raise Conflict(_("The closing time has passed; move it to the future before publishing."))
            if not await Criterion.exists().where(
                (Criterion.call == call_id) & (Criterion.kind == CriterionKind.quality)
            ):
                raise Conflict(_("Add at least one quality criterion before publishing."))
            changes[Call.published_at] = now()
        before: dict[str, Any] = {"status": expected.value}
        after: dict[str, Any] = {"status": target.value}
        if target == CallStatus.closed and now() < call["closes_at"]:
            # Closed early: the real closing time replaces the planned one everywhere it shows.
            closed_at = now()
            changes[Call.closes_at], changes[Call.closed_early] = closed_at, True
            before["closes_at"], after["closes_at"] = call["closes_at"].isoformat(), closed_at.isoformat()
        # The status in the WHERE makes a concurrent second transition a no-op rather than a double.
        await Call.update(changes).where((Call.id == call_id) & (Call.status == expected))
        await audit.record(
            target.value,
            "call",
            call_id,
            actor=actor,
            before=before,
            after=after,
        )
    return target.value


async def publish(call_id: int, actor: Principal | None) -> str:
    return await _transition(call_id, CallStatus.draft, CallStatus.published, actor)


async def close(call_id: int, actor: Principal | None) -> str:
    return await _transition(call_id, CallStatus.published, CallStatus.closed, actor)


async def decide(call_id: int, actor: Principal | None) -> str:
    """published (past its deadline) | closed | in_review → decided, once the awards are made."""
    async with write_transaction():
        call = await get_for_update(call_id)
        if call["status"] not in DECIDABLE or (
            call["status"] == CallStatus.published and now() < call["closes_at"]
        ):
            raise Conflict(_("Only a call past its deadline can be decided."))
        await Call.update({Call.status: CallStatus.decided}).where(
            (Call.id == call_id) & (Call.status == call["status"])
        )
        await audit.record(
            CallStatus.decided.value,
            "call",
            call_id,
            actor=actor,
            before={"status": call["status"]},
            after={"status": CallStatus.decided.value},
        )
    return CallStatus.decided.value


async def extend_deadline(call_id: int, closes_at: datetime, actor: Principal | None) -> int:
    """Move a published call's deadline later; every organisation with a draft on it is told by mail.

    Only a published call, only to a moment later than its deadline and still to come; a review
    deadline must stay after it. One transaction: the change, its audit (before/after) and the mails.
    Returns how many organisations were told. Raises LookupError, ValidationFailed or Conflict."""
    async with write_transaction():
        call = await get_for_update(call_id)
        if call["status"] != CallStatus.published:
            raise Conflict(_("Only a published call's deadline can be extended."))
        current = from_db(call["closes_at"])
        if closes_at <= current:
            raise ValidationFailed({"closes_at": _("Choose a time later than the current deadline.")})
        if closes_at <= now():
            raise ValidationFailed({"closes_at": _("Choose a time that is still to come.")})
        if closes_at >= rules.LATEST:
            raise ValidationFailed({"closes_at": _("Enter a date from 2000 to 2099.")})
        review = await Call.select(Call.review_closes_at).where(Call.id == call_id).first()
        if review["review_closes_at"] is not None and closes_at >= from_db(review["review_closes_at"]):
            raise ValidationFailed(
                {"closes_at": _("The review deadline must come after the call closes: move it first.")}
            )
        await Call.update({Call.closes_at: closes_at}).where(
            (Call.id == call_id) & (Call.status == CallStatus.published)
        )
        await audit.record(
            "extend",
            "call",
            call_id,
            actor=actor,
            before={"closes_at": current.isoformat()},
            after={"closes_at": closes_at.isoformat()},
        )
        return await notify.tell_deadline_extended(call_id, current, closes_at)
