"""Pure checks of the awards: the budget and quota plan, the agreement's fields, amounts and texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from grants.awards.states import AWARDABLE_VALUES
from grants.calls.tables import PaymentMethod
from grants.core.errors import ValidationFailed
from grants.core.i18n import _, get_language
from grants.core.money import MoneyError, display_cents, parse_cents
from grants.core.time import format_day, riga_today
from grants.scoring.queries.ranking import Ranked

NUMBER_LIMIT = 50  # Agreement.number's length
NOTE_LIMIT = 300  # Payment.note's length
REASON_LIMIT = 2000


def past_day(value: date | str | None, field: str) -> date:
    """A calendar day not after today in Riga (a payment or a signature is not recorded ahead)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed({field: _("Enter a date as YYYY-MM-DD.")}) from None
    if not isinstance(value, date):
        raise ValidationFailed({field: _("This field is required.")})
    if value > riga_today():
        raise ValidationFailed({field: _("The date cannot be in the future.")})
    return value


def paid_day(value: date | str | None, signed_on: date) -> date:
    """The day a payment was made: a calendar day in Riga, not ahead of today, and not before the
    agreement was signed (the signing day itself is fine)."""
    day = past_day(value, "paid_on")
    if day < signed_on:
        raise ValidationFailed(
            {
                "paid_on": _("The payment cannot be made before the agreement was signed ({day}).").format(
                    day=format_day(signed_on, get_language())
                )
            }
        )
    return day


def agreement_errors(number: str | None, signed_on: date | str | None) -> dict[str, str]:
    """What is wrong with the agreement's number and signing day, by field (empty when nothing)."""
    errors: dict[str, str] = {}
    text = " ".join((number or "").split())
    if not text:
        errors["number"] = _("This field is required.")
    elif len(text) > NUMBER_LIMIT:
        errors["number"] = _("At most {n} characters.").format(n=NUMBER_LIMIT)
    try:
        past_day(signed_on, "signed_on")
    except ValidationFailed as exc:
        errors |= exc.errors
    return errors


def check_agreement(number: str | None, signed_on: date | str | None) -> tuple[str, date]:
    """The agreement's number and signing day, or ValidationFailed naming every bad field.

    Called before the upload is read too, so nothing is stored for a form that cannot pass."""
    if errors := agreement_errors(number, signed_on):
        raise ValidationFailed(errors)
    return " ".join((number or "").split()), past_day(signed_on, "signed_on")


def reason(text: str | None, *, required: bool) -> str:
    """A reason, trimmed and at most REASON_LIMIT characters; required ones may not be empty."""
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed({"reason": _("This field is required.")})
    if len(text) > REASON_LIMIT:
        raise ValidationFailed({"reason": _("At most {n} characters.").format(n=REASON_LIMIT)})
    return text


def note(text: str | None, *, required: bool) -> str:
    """A payment's note on one line, at most NOTE_LIMIT characters."""
    text = " ".join((text or "").split())
    if required and not text:
        raise ValidationFailed({"note": _("This field is required.")})
    if len(text) > NOTE_LIMIT:
        raise ValidationFailed({"note": _("At most {n} characters.").format(n=NOTE_LIMIT)})
    return text


def cents(amount: str | None) -> int:
    """A decimal euro amount in cents, or ValidationFailed on `amount`."""
    try:
        return parse_cents(amount if isinstance(amount, str) else "")
    except MoneyError:
        raise ValidationFailed(
            {"amount": _("Enter an amount in euros with at most two decimals, e.g. 4600.00.")}
        ) from None


def advance_cents(award_cents: int, percent: int) -> int:
    """The call's percent of the award, in whole cents rounded down (integers only, never a float)."""
    return award_cents * percent // 100


@dataclass(frozen=True)
class Settlement:
    """What approving the final report settles, in cents: a final payment to the grantee, or a
    refund owed by the grantee (never both, never below zero)."""

    final_cents: int
    refund_cents: int


def settlement(method: str, award_cents: int, advanced_cents: int, costs_cents: int | None) -> Settlement:
    """The final payment or the refund by the call's payment method (calls.tables.PaymentMethod).

    `advanced_cents`: what the award's other payments to the grantee add up to (the advance).
    Lump sum: award − advance, whatever was spent. Costs: min(eligible costs, award) − advance; when
    the advance exceeds the costs, no final payment and the difference is owed back."""
    if method == PaymentMethod.costs:
        if costs_cents is None or costs_cents < 0:
            raise ValueError("a costs call settles on the reported eligible costs")
        earned = min(costs_cents, award_cents)
    else:
        earned = award_cents
    if earned >= advanced_cents:
        return Settlement(earned - advanced_cents, 0)
    return Settlement(0, advanced_cents - earned)


@dataclass
class Room:
    """What the live awards of a call already take of its budget and quota."""

    budget_cents: int
    quota: int
    used_cents: int
    used_count: int

    def refusal(self, cents: int) -> str | None:
        """Why an award of `cents` does not fit, or None when it does."""
        if self.used_count + 1 > self.quota:
            return _("The call's quota of {quota} award(s) is used up.").format(quota=self.quota)
        if self.used_cents + cents > self.budget_cents:
            return _(
                "An award of {amount} would exceed the call's budget: {remaining} of {budget} remain."
            ).format(
                amount=display_cents(cents, get_language()),
                remaining=display_cents(self.budget_cents - self.used_cents, get_language()),
                budget=display_cents(self.budget_cents, get_language()),
            )
        return None

    def take(self, cents: int) -> None:
        self.used_cents += cents
        self.used_count += 1


def base_amount(call: dict[str, Any], requested_cents: int) -> int:
    """The requested amount, or the call's lump sum when the amount is fixed."""
    return call["max_amount_cents"] if call["fixed_amount"] else requested_cents


def undecided(ranked: list[Ranked]) -> list[Ranked]:
    """The ranked applications not decided yet (not awarded, not rejected)."""
    return [row for row in ranked if row.status in AWARDABLE_VALUES]


def auto_plan(call: dict[str, Any], ranked: list[Ranked], room: Room) -> list[tuple[Ranked, str, int]]:
    """What awarding down `ranked` decides for each application, in ranking order:
    ("awarded", cents), ("reserve", 0) or ("rejected", 0). Takes the awards from `room`.

    The first passed application that does not fit stops the awarding (see service/decision.auto_award).
    """
    plan: list[tuple[Ranked, str, int]] = []
    full = False
    for row in ranked:
        if not row.passed:
            plan.append((row, "rejected", 0))
            continue
        amount = base_amount(call, row.requested_cents)
        if not full and room.refusal(amount) is None:
            room.take(amount)
            plan.append((row, "awarded", amount))
            continue
        full = True
        plan.append((row, "reserve", 0))
    return plan
