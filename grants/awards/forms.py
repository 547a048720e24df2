"""Page form text → service input: the award form of the ranking page, and the agreement form with
its uploaded file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grants.awards import rules
from grants.awards.schemas import PaidIn
from grants.awards.service import decision, lifecycle, payments
from grants.core.auth import Principal
from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.core.inputs import refuse_long_texts
from grants.core.params import text_id
from grants.core.storage import DOCUMENT_TYPES, get_storage


async def sign_agreement(
    award_id: int,
    me: Principal,
    number: str,
    signed_on: str,
    upload: tuple[str, AsyncIterator[bytes]] | None,
) -> dict[str, Any]:
    """Check the fields and that a file was chosen before anything is stored; then store the file
    and record the agreement (the service deletes the file again if it refuses)."""
    errors = rules.agreement_errors(number, signed_on)
    if upload is None:
        errors["file"] = _("Choose the signed agreement's file.")
    if errors or upload is None:
        raise ValidationFailed(errors)
    filename, chunks = upload
    stored = await get_storage().save(chunks, filename, allowed=DOCUMENT_TYPES)
    return await lifecycle.sign_agreement(
        award_id,
        me,
        number=number,
        signed_on=signed_on,  # type: ignore[arg-type]  # checked and parsed there
        document=stored,
    )


async def mark_paid(payment_id: int, me: Principal, paid_on: str, note: str) -> Any:
    """The payment's day and note, no longer than the API takes them."""
    refuse_long_texts({"paid_on": paid_on, "note": note}, PaidIn)
    return await payments.mark_paid(payment_id, me, paid_on, note)


def number(value: str | None) -> int | None:
    """An id typed in a form, or None."""
    return text_id(value)


async def award(call_id: int, me: Principal, data: dict[str, str]) -> dict[str, Any]:
    """Award the application the form names, at the amount typed (empty: the full amount)."""
    target = number(data.get("application_id"))
    if target is None:
        raise ValidationFailed({}, _("Choose an application to award."))
    amount = data.get("amount", "").strip()
    return await decision.award(call_id, me, target, amount or None, data.get("reason", ""))
