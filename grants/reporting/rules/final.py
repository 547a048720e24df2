"""What the final report must hold, by the call's payment method, and what to warn of before it is submitted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from grants.calls.tables import PaymentMethod
from grants.core.errors import ValidationFailed
from grants.core.i18n import _, get_language, ngettext
from grants.core.money import MoneyError, display_cents, parse_typed_cents
from grants.core.time import format_day
from grants.reporting.rules.common import COSTS_BOUND, TEXT_LIMIT


def clean_final(data: dict[str, Any], award: dict[str, Any], *, draft: bool = False) -> dict[str, Any]:
    """The final report's columns from what the grantee sent, or ValidationFailed with every problem.

    What the call's payment method needs (award["payment_method"]): the narrative and the results
    always; a costs call also the eligible costs in euros ("4 600,00" as typed in Latvian too), at
    most COSTS_BOUND times the award. A lump sum asks for no costs: an amount sent anyway (the API's
    `spent`) is checked the same way and kept for the record. A draft (`draft`) needs nothing yet,
    only what it holds must fit. `spent_cents` is left out when no amount was sent (kept as stored)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for field, message in (
        ("narrative", _("Tell what the project did.")),
        ("results", _("Give the results against the objectives of the application.")),
    ):
        text = str(data.get(field) or "").strip()
        if len(text) > TEXT_LIMIT:
            errors[field] = _("At most {n} characters.").format(n=TEXT_LIMIT)
        elif not text and not draft:
            errors[field] = message
        clean[field] = text
    costs_call = award["payment_method"] == PaymentMethod.costs
    spent = data.get("spent")
    if spent is None or (isinstance(spent, str) and not spent.strip()):
        if costs_call and not draft:
            errors["spent"] = _("Give the eligible costs in euros, e.g. 4 512,40.")
    else:
        try:
            if not isinstance(spent, str):
                raise MoneyError("not a string")
            clean["spent_cents"] = parse_typed_cents(spent)
        except MoneyError:
            errors["spent"] = _("Enter the amount in euros with at most two decimals, e.g. 4 512,40.")
        else:
            bound = award["amount_cents"] * COSTS_BOUND
            if clean["spent_cents"] > bound:
                errors["spent"] = _(
                    "The amount cannot be more than {times} times the award ({amount}): check it."
                ).format(times=COSTS_BOUND, amount=display_cents(bound, get_language()))
    if errors:
        raise ValidationFailed(errors)
    return clean


def final_warnings(unreported: Sequence[str], end_date: date | None, today: date) -> list[str]:
    """Why the grantee should think twice before submitting the final report (submitting anyway is
    allowed): events planned in the application without a report yet (`unreported`: their titles,
    named in the warning), a project that has not ended (its end date after `today`, Riga's date)."""
    warnings = []
    if unreported:
        warnings.append(
            ngettext(
                "%(num)d event planned in the application has no report yet: %(titles)s.",
                "%(num)d events planned in the application have no report yet: %(titles)s.",
                len(unreported),
            )
            % {"num": len(unreported), "titles": "; ".join(f"“{title}”" for title in unreported)}
        )
    if end_date is not None and end_date > today:
        warnings.append(
            _("The project has not ended yet: it runs until {day}.").format(
                day=format_day(end_date, get_language())
            )
        )
    return warnings
