"""Checks of a call's rules and criteria, without the database: typed data in, clean values or every
error out (the one clock read: a municipality that ended before today is refused)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from grants.calls.tables import Aggregation, CriterionKind, PaymentMethod
from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.core.money import MoneyError, format_cents, parse_cents
from grants.core.time import now, parse_iso

# What may still change once applicants can read the call: words, not rules.
COSMETIC_FIELDS = {"title", "description"}
# ... and, besides the words, what concerns only the steps after the deadline: the reviewers'
# deadline and the appeal route shown with a refusal.
PUBLISHED_FIELDS = COSMETIC_FIELDS | {"review_closes_at", "appeal_route"}
# A decided or archived call is history: its set-up is read-only.
READ_ONLY_STATUSES = frozenset({"decided", "archived"})
APPEAL_ROUTE_LIMIT = 5_000
# The fields of a call row that an edit starts from (as the API would take them).
ROW_FIELDS = (
    "title",
    "description",
    "municipality_code",
    "fixed_amount",
    "quota",
    "applications_per_organisation",
    "min_months",
    "max_months",
    "reviewers_per_application",
    "advance_percent",
    "blind_review",
    "payment_method",
    "requires_approval",
    "opens_at",
    "closes_at",
    "aggregation",
    "review_closes_at",
    "appeal_route",
)


@dataclass(frozen=True)
class CriterionData:
    code: str
    title: str
    kind: str
    max_points: int
    weight: Decimal
    min_points: int | None
    description: str


def _text(data: dict[str, Any], key: str, errors: dict[str, str], limit: int, required: bool = True) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        errors[key] = _("This field is required.")
    elif len(value) > limit:
        errors[key] = _("At most {n} characters.").format(n=limit)
    return value


_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,9}$")


def _int(data: dict[str, Any], key: str, errors: dict[str, str], default: int, low: int, high: int) -> int:
    raw = data.get(key, default)
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        errors[key] = _("Enter a whole number.")
        return default
    if isinstance(raw, str) and not _WHOLE_NUMBER.match(raw.strip()):
        # int() also takes "1_000", "+5" and other scripts' digits ("١٢"): only 0-9 here, as for money.
        errors[key] = _("Enter a whole number.")
        return default
    value = int(raw)
    if not low <= value <= high:
        errors[key] = _("Enter a number from {low} to {high}.").format(low=low, high=high)
    return value


def _cents(data: dict[str, Any], key: str, errors: dict[str, str], default: int | None = None) -> int:
    raw = data.get(key)
    if raw is None and default is not None:
        return default
    try:
        cents = parse_cents(raw if raw is not None else "")
    except MoneyError:
        errors[key] = _("Enter an amount in euros with at most two decimals, e.g. 4600.00.")
        return 0
    if cents <= 0:
        errors[key] = _("The amount must be greater than zero.")
    return cents


# A call's moments lie in this century: every page formats them on Riga's clocks, which a moment at
# the edge of what Python's datetime holds (9999-12-31T23:30Z is 10000-01-01 in Riga) would overflow.
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def _moment(data: dict[str, Any], key: str, errors: dict[str, str]) -> datetime | None:
    raw = data.get(key)
    moment = None
    if isinstance(raw, datetime):
        moment = raw if raw.tzinfo is not None else None
    elif isinstance(raw, str) and raw:
        try:
            moment = parse_iso(raw)
        except (ValueError, OverflowError):
            moment = None
    if moment is None:
        errors[key] = _("Enter a date and time with a time zone, e.g. 2026-03-01T12:00:00+02:00.")
        return None
    if not EARLIEST <= moment < LATEST:
        errors[key] = _("Enter a date from 2000 to 2099.")
        return None
    return moment


def _optional_moment(data: dict[str, Any], key: str, errors: dict[str, str]) -> datetime | None:
    if data.get(key) in (None, ""):
        return None
    return _moment(data, key, errors)


_HUNDREDTH = Decimal("0.01")
POINTS_MAX = Decimal("9999.99")  # the largest NUMERIC(6, 2): a call's score threshold, a criterion's weight


def _decimal(raw: Any, default: Decimal) -> Decimal | None:
    if raw is None:
        return default
    if isinstance(raw, float | bool):
        return None  # no floats: "1.5" as a string, or an int
    try:
        value = Decimal(str(raw))
        # NaN and the infinities compare with an error, or past any column; the threshold and the
        # weight are NUMERIC(6, 2): PostgreSQL refuses 10,000 and more, as rounded to hundredths.
        if value.is_finite() and abs(value.quantize(_HUNDREDTH, ROUND_HALF_UP)) <= POINTS_MAX:
            # Stored as NUMERIC(6, 2): rounded here, so SQLite keeps what PostgreSQL would.
            return value.quantize(_HUNDREDTH, ROUND_HALF_UP)
    except InvalidOperation:
        pass  # not a number, or too long to round
    return None


def check_criteria(items: list[dict[str, Any]], errors: dict[str, str]) -> list[CriterionData]:
    criteria: list[CriterionData] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        prefix = f"criteria.{index}"
        code = str(item.get("code") or "").strip()
        if not code or len(code) > 20:
            errors[f"{prefix}.code"] = _("Give each criterion a short code (up to 20 characters).")
        elif code in seen:
            errors[f"{prefix}.code"] = _("The code {code} is used twice.").format(code=code)
        seen.add(code)
        title = str(item.get("title") or "").strip()
        if not title:
            errors[f"{prefix}.title"] = _("This field is required.")
        elif len(title) > 300:  # the column's length: the page's forms are not bounded by a Struct
            errors[f"{prefix}.title"] = _("At most {n} characters.").format(n=300)
        if len(str(item.get("description") or "")) > 20_000:
            errors[f"{prefix}.description"] = _("At most {n} characters.").format(n=20_000)
        kind = item.get("kind")
        if kind not in {k.value for k in CriterionKind}:
            errors[f"{prefix}.kind"] = _("The kind is eligibility or quality.")
            continue
        max_points = item.get("max_points", 0) or 0
        weight = _decimal(item.get("weight"), Decimal(1))
        min_points = item.get("min_points")
        if kind == CriterionKind.quality:
            if not isinstance(max_points, int) or isinstance(max_points, bool) or not 1 <= max_points <= 1000:
                errors[f"{prefix}.max_points"] = _("A quality criterion needs maximum points from 1 to 1000.")
                max_points = 1
            if weight is None or weight <= 0:
                errors[f"{prefix}.weight"] = _("The weight must be a number greater than zero.")
                weight = Decimal(1)
            if min_points is not None and (
                not isinstance(min_points, int)
                or isinstance(min_points, bool)
                or not 0 <= min_points <= max_points
            ):
                errors[f"{prefix}.min_points"] = _("The minimum must lie between 0 and the maximum points.")
                min_points = None
        else:
            max_points, weight, min_points = 0, Decimal(1), None
        criteria.append(
            CriterionData(
                code, title, kind, max_points, weight, min_points, str(item.get("description") or "")
            )
        )
    return criteria


def check_call(
    data: dict[str, Any],
    municipality: dict[str, Any] | None,
    scope: frozenset[int] | None = None,
    approval: bool | None = None,
) -> tuple[dict[str, Any], list[CriterionData]]:
    """A call's values and criteria from the API's data, or ValidationFailed with every error.

    `municipality` is the row (id, valid_to) of data["municipality_code"], None when there is none;
    `scope` the municipality ids the author runs calls of (Principal.staff_scope; None: any);
    `approval` the requires_approval the author may not change (municipal staff: national approval
    is IKVD's oversight), None when the author decides it (national staff, the system).
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "title": _text(data, "title", errors, 200),
        "description": _text(data, "description", errors, 20_000, required=False),
        "budget_cents": _cents(data, "budget", errors),
        "max_amount_cents": _cents(data, "max_amount", errors, default=460_000),
        "fixed_amount": bool(data.get("fixed_amount", False)),
        "quota": _int(data, "quota", errors, 1, 1, 10_000),
        "applications_per_organisation": _int(data, "applications_per_organisation", errors, 1, 1, 100),
        "min_months": _int(data, "min_months", errors, 3, 1, 120),
        "max_months": _int(data, "max_months", errors, 18, 1, 120),
        "reviewers_per_application": _int(data, "reviewers_per_application", errors, 2, 1, 20),
        "advance_percent": _int(data, "advance_percent", errors, 90, 0, 100),
        "blind_review": bool(data.get("blind_review", False)),
        "requires_approval": bool(data.get("requires_approval", False)),
        "opens_at": _moment(data, "opens_at", errors),
        "closes_at": _moment(data, "closes_at", errors),
        "review_closes_at": _optional_moment(data, "review_closes_at", errors),
        "appeal_route": _text(data, "appeal_route", errors, APPEAL_ROUTE_LIMIT, required=False),
    }
    if approval is not None:
        if "requires_approval" in data and bool(data["requires_approval"]) != approval:
            errors["requires_approval"] = _(
                "Only national programme staff (IKVD) decide whether a call's award decision needs "
                "national approval."
            )
        values["requires_approval"] = approval
    threshold = _decimal(data.get("score_threshold"), Decimal(0))
    if threshold is None or threshold < 0:
        errors["score_threshold"] = _("The threshold must be a number of points, zero or more.")
    values["score_threshold"] = threshold or Decimal(0)
    aggregation = data.get("aggregation", Aggregation.mean.value)
    if aggregation not in {a.value for a in Aggregation}:
        errors["aggregation"] = _("The aggregation is mean or median.")
    values["aggregation"] = aggregation
    method = data.get("payment_method", PaymentMethod.lump_sum.value)
    if method not in {m.value for m in PaymentMethod}:
        errors["payment_method"] = _("The payment method is a lump sum or a refund of costs.")
    values["payment_method"] = method
    if values["min_months"] > values["max_months"]:
        errors["min_months"] = _("The shortest project cannot be longer than the longest.")
    if values["opens_at"] and values["closes_at"] and values["opens_at"] >= values["closes_at"]:
        errors["closes_at"] = _("The call must close after it opens.")
    if (
        values["closes_at"]
        and values["review_closes_at"]
        and values["review_closes_at"] <= values["closes_at"]
    ):
        errors["review_closes_at"] = _("The review deadline must come after the call closes.")
    if (
        "budget" not in errors
        and "max_amount" not in errors
        and values["budget_cents"] < values["max_amount_cents"]
    ):
        errors["budget"] = _("The budget must cover at least one grant of the maximum amount.")
    if municipality is None or (municipality["valid_to"] and municipality["valid_to"] <= now().date()):
        errors["municipality_code"] = _("Choose a current municipality.")
    elif scope is not None and municipality["id"] not in scope:
        errors["municipality_code"] = _(
            "You run the calls of your own municipalities only: choose one of them."
        )
    else:
        values["municipality"] = municipality["id"]
    raw_criteria = data.get("criteria") or []
    criteria = check_criteria(raw_criteria if isinstance(raw_criteria, list) else [], errors)
    if errors:
        raise ValidationFailed(errors)
    return values, criteria


def row_data(row: dict[str, Any]) -> dict[str, Any]:
    """A call row (with municipality_code) as the API's data, amounts as text: what an edit starts from."""
    data = {key: row.get(key) for key in ROW_FIELDS}
    data["score_threshold"] = str(row.get("score_threshold", "0"))
    data["budget"] = format_cents(int(row.get("budget_cents") or 0))
    data["max_amount"] = format_cents(int(row.get("max_amount_cents") or 0))
    return data


def aware(value: Any) -> Any:
    """A value read from a call row, with a naive datetime (SQLite hands back UTC) made aware."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def plain(value: Any) -> Any:
    """A value as the audit log stores it (JSON): moments and decimals as text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
