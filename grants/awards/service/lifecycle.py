"""An award after the decision: the agreement, the project's course, the final report, the end.

awarded → agreement_signed (the agreement is recorded; the advance falls due)
        → in_progress (the advance is paid, or the grantee reports)
        → final_report_submitted (→ in_progress when staff return the report)
        → closed (the final report approved and every payment paid);
or terminated by staff, with a reason, from any of these before closed: the
unpaid payments go, the paid ones stay. Declining (before the agreement) is
service.decline.

Each transition runs in a write transaction that locks the award's row and
writes one audit row; nested in a caller's transaction it becomes part of it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.awards import notify
from grants.awards.service import lock as state
from grants.awards.service import payments
from grants.awards.tables import Agreement, Award, AwardStatus, PaymentKind
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.storage import StoredFile, kept_if_recorded

NUMBER_LIMIT = 50  # Agreement.number's length
REASON_LIMIT = 2000
# From these staff may terminate: the agreement is signed and the award not yet closed.
TERMINABLE = payments.PAYABLE
AGREEMENT_COLUMNS = (
    Agreement.id,
    Agreement.award,
    Agreement.number,
    Agreement.signed_on,
    Agreement.filename,
    Agreement.content_type,
    Agreement.size,
    Agreement.sha256,
)


def check_agreement(number: str | None, signed_on: date | str | None) -> tuple[str, date]:
    """The agreement's number and signing day, or ValidationFailed naming every bad field.

    Called before the upload is read too, so nothing is stored for a form that cannot pass."""
    errors: dict[str, str] = {}
    text = " ".join((number or "").split())
    if not text:
        errors["number"] = _("This field is required.")
    elif len(text) > NUMBER_LIMIT:
        errors["number"] = _("At most {n} characters.").format(n=NUMBER_LIMIT)
    day: date | None = None
    try:
        day = payments.past_day(signed_on, "signed_on")
    except ValidationFailed as exc:
        errors |= exc.errors
    if errors or day is None:
        raise ValidationFailed(errors)
    return text, day


def _staff(actor: Principal) -> None:
    if not actor.has(Role.staff):
        raise NotFound


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed({"reason": _("This field is required.")})
    if len(text) > REASON_LIMIT:
        raise ValidationFailed({"reason": _("At most {n} characters.").format(n=REASON_LIMIT)})
    return text


async def reportable_award(award_id: int, principal: Principal) -> dict[str, Any]:
    """The award for staff, or for a member of the organisation it was awarded to; NotFound otherwise."""
    row = await Award.select(*state.award_columns()).where(Award.id == award_id).first()
    if row is None:
        raise NotFound
    own = principal.has(Role.applicant) and row["organisation"] == principal.organisation_id
    if not (principal.has(Role.staff) or own):
        raise NotFound
    return row


async def reportable_awards(principal: Principal) -> list[dict[str, Any]]:
    """Every award `reportable_award` would give the principal, in one query: staff all, a grantee its own."""
    query = Award.select(*state.award_columns()).order_by(Award.id)
    if not principal.has(Role.staff):
        if not principal.has(Role.applicant) or principal.organisation_id is None:
            return []
        query = query.where(Award.application.organisation == principal.organisation_id)
    return await query


async def agreement_of(award_id: int) -> dict[str, Any] | None:
    return await Agreement.select(*AGREEMENT_COLUMNS).where(Agreement.award == award_id).first()


async def agreement_document(award_id: int, principal: Principal) -> dict[str, Any]:
    """Where the signed agreement is stored, for staff and the grantee; NotFound for anyone else."""
    await reportable_award(award_id, principal)
    row = (
        await Agreement.select(Agreement.storage_key, Agreement.filename, Agreement.content_type)
        .where(Agreement.award == award_id)
        .first()
    )
    if row is None:
        raise NotFound
    return row


async def sign_agreement(
    award_id: int, actor: Principal, *, number: str, signed_on: date, document: StoredFile
) -> dict[str, Any]:
    """Record the signed agreement (staff): awarded → agreement_signed, and the advance falls due
    on the signing day. The stored document is deleted again if this fails."""
    async with kept_if_recorded(document):
        _staff(actor)
        number, signed_on = check_agreement(number, signed_on)
        async with write_transaction():
            award = await state.locked_award(award_id)
            if award["status"] != AwardStatus.awarded:
                raise Conflict(_("An agreement can be recorded only for an award that is not signed yet."))
            if await Agreement.exists().where(Agreement.number == number):
                raise ValidationFailed({"number": _("Another agreement already has this number.")})
            rows = await Agreement.insert(
                Agreement(
                    award=award_id,
                    number=number,
                    signed_on=signed_on,
                    storage_key=document.key,
                    filename=document.filename,
                    content_type=document.content_type,
                    size=document.size,
                    sha256=document.sha256,
                    recorded_by=actor.user_id,
                )
            ).returning(*AGREEMENT_COLUMNS)
            agreement = rows[0]
            await state.move(
                award,
                AwardStatus.agreement_signed,
                actor,
                "sign",
                number=number,
                signed_on=str(signed_on),
                file=document.filename,
                sha256=document.sha256,
            )
            cents = payments.advance_cents(award["amount_cents"], award["advance_percent"])
            advance = None
            if cents > 0:  # a call may pay nothing in advance
                advance = await payments.add_payment(award, PaymentKind.advance, cents, signed_on, actor)
            await notify.agreement_signed(award, agreement, advance)
    return agreement | {
        "status": AwardStatus.agreement_signed.value,
        "advance": payments.payment_out(advance) if advance else None,
    }


async def mark_in_progress(award_id: int, actor: Principal) -> bool:
    """agreement_signed → in_progress; False when the award is already further; Conflict before signing."""
    async with write_transaction():
        award = await state.locked_award(award_id)
        if award["status"] == AwardStatus.agreement_signed:
            await state.move(award, AwardStatus.in_progress, actor, "start")
            return True
        if award["status"] in (
            AwardStatus.in_progress,
            AwardStatus.final_report_submitted,
            AwardStatus.closed,
        ):
            return False
        raise Conflict(_("The project can start only after the agreement is signed."))


async def final_report_submitted(award_id: int, actor: Principal) -> None:
    """agreement_signed | in_progress → final_report_submitted."""
    async with write_transaction():
        award = await state.locked_award(award_id)
        if award["status"] not in (AwardStatus.agreement_signed, AwardStatus.in_progress):
            raise Conflict(_("A final report can be submitted only for a signed award in progress."))
        await state.move(award, AwardStatus.final_report_submitted, actor, "final_report_submitted")


async def final_report_returned(award_id: int, actor: Principal) -> None:
    """final_report_submitted → in_progress, while the report is not approved."""
    async with write_transaction():
        award = await state.locked_award(award_id)
        if award["status"] != AwardStatus.final_report_submitted or await state.final_approved(award_id):
            raise Conflict(_("Only a submitted final report that is not approved can be returned."))
        await state.move(award, AwardStatus.in_progress, actor, "final_report_returned")


async def final_report_approved(award_id: int, actor: Principal) -> dict[str, Any]:
    """The final report is approved: the rest of the award (award − every other payment) falls due
    today. Nothing left to pay makes no payment; the award closes once the others are paid."""
    async with write_transaction():
        award = await state.locked_award(award_id)
        if award["status"] != AwardStatus.final_report_submitted or await state.final_approved(award_id):
            raise Conflict(_("Only a submitted final report that is not approved yet can be approved."))
        rest = award["amount_cents"] - await payments.paid_total(award_id)
        due = state.today()
        final: dict[str, Any] | None = None
        if rest > 0:
            final = await payments.add_payment(award, PaymentKind.final, rest, due, actor)
        await audit.record(
            state.FINAL_APPROVED,
            "award",
            award_id,
            actor=actor,
            final=format_cents(max(rest, 0)),
            due_on=str(due),
        )
        await state.close_if_settled(award, actor)
    if final is None:
        final = {
            "id": None,
            "kind": PaymentKind.final.value,
            "amount_cents": 0,
            "due_on": due,
            "paid_on": None,
        }
    return payments.payment_out(final) | {"award_status": award["status"]}


async def terminate(award_id: int, actor: Principal, reason: str) -> dict[str, Any]:
    """Staff end a signed award early: the unpaid payments are removed, the paid ones stay."""
    _staff(actor)
    reason = _reason(reason)
    async with write_transaction():
        award = await state.locked_award(award_id)
        if award["status"] not in TERMINABLE:
            raise Conflict(
                _(
                    "Only a signed award that is not closed can be terminated; decline an award before signing."
                )
            )
        removed = await payments.remove_unpaid(award_id, actor, reason)
        await state.move(
            award,
            AwardStatus.terminated,
            actor,
            "terminate",
            termination_reason=reason,
            removed=[p["id"] for p in removed],
        )
        await notify.terminated(award, reason)
    return {
        "id": award_id,
        "application_id": award["application"],
        "amount": format_cents(award["amount_cents"]),
        "status": AwardStatus.terminated.value,
        "reason": reason,
        "removed_payments": removed,
    }


async def agreements_by_award(organisation_id: int | None = None) -> dict[int, dict[str, Any]]:
    """Every award's agreement (of one organisation's awards when given) in one query."""
    query = Agreement.select(Agreement.award, Agreement.number, Agreement.signed_on)
    if organisation_id is not None:
        query = query.where(Agreement.award.application.organisation == organisation_id)
    return {row["award"]: row for row in await query}


async def agreements_of(award_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The agreements of these awards (a page of them) in one query."""
    if not award_ids:
        return {}
    rows = await Agreement.select(*AGREEMENT_COLUMNS).where(Agreement.award.is_in(award_ids))
    return {row["award"]: row for row in rows}
