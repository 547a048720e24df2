"""Calls: their rules, criteria and lifecycle. The only writer of call rows.

draft → published → closed → in_review → decided → archived. A published call
accepts applications only between opens_at and closes_at; `phase()` answers
that from the clock at the moment of asking, so no job has to run at the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from grants.calls.tables import Aggregation, Call, CallStatus, Criterion, CriterionKind
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import frozen, write_transaction
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _
from grants.core.money import MoneyError, format_cents, parse_cents
from grants.core.time import now, parse_iso
from grants.registry.tables import Municipality

PUBLIC_STATUSES = [s.value for s in CallStatus if s != CallStatus.draft]

CALL_COLUMNS = (
    Call.all_columns(exclude=[Call.municipality]),
    Call.municipality.code.as_alias("municipality_code"),
    Call.municipality.name.as_alias("municipality_name"),
    Call.municipality.short_name.as_alias("municipality_short_name"),
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


def phase(call: dict[str, Any], at: datetime | None = None) -> str:
    """ "upcoming", "open" or "closed" for applicants, from the status and the clock."""
    at = at or now()
    if call["status"] != CallStatus.published:
        return "closed"
    if at < call["opens_at"]:
        return "upcoming"
    return "open" if at < call["closes_at"] else "closed"


def _text(data: dict[str, Any], key: str, errors: dict[str, str], limit: int, required: bool = True) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        errors[key] = _("This field is required.")
    elif len(value) > limit:
        errors[key] = _("At most {n} characters.").format(n=limit)
    return value


def _int(data: dict[str, Any], key: str, errors: dict[str, str], default: int, low: int, high: int) -> int:
    raw = data.get(key, default)
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        errors[key] = _("Enter a whole number.")
        return default
    try:
        value = int(raw)
    except ValueError:
        errors[key] = _("Enter a whole number.")
        return default
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


def _moment(data: dict[str, Any], key: str, errors: dict[str, str]) -> datetime | None:
    raw = data.get(key)
    if isinstance(raw, datetime):
        if raw.tzinfo is not None:
            return raw
    elif isinstance(raw, str) and raw:
        try:
            return parse_iso(raw)
        except ValueError:
            pass
    errors[key] = _("Enter a date and time with a time zone, e.g. 2026-03-01T12:00:00+02:00.")
    return None


def _decimal(raw: Any, default: Decimal) -> Decimal | None:
    if raw is None:
        return default
    if isinstance(raw, float | bool):
        return None  # no floats: "1.5" as a string, or an int
    try:
        return Decimal(str(raw))
    except InvalidOperation:
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


async def _check(data: dict[str, Any]) -> tuple[dict[str, Any], list[CriterionData]]:
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
        "opens_at": _moment(data, "opens_at", errors),
        "closes_at": _moment(data, "closes_at", errors),
    }
    threshold = _decimal(data.get("score_threshold"), Decimal(0))
    if threshold is None or threshold < 0:
        errors["score_threshold"] = _("The threshold must be a number of points, zero or more.")
    values["score_threshold"] = threshold or Decimal(0)
    aggregation = data.get("aggregation", Aggregation.mean.value)
    if aggregation not in {a.value for a in Aggregation}:
        errors["aggregation"] = _("The aggregation is mean or median.")
    values["aggregation"] = aggregation
    if values["min_months"] > values["max_months"]:
        errors["min_months"] = _("The shortest project cannot be longer than the longest.")
    if values["opens_at"] and values["closes_at"] and values["opens_at"] >= values["closes_at"]:
        errors["closes_at"] = _("The call must close after it opens.")
    if (
        "budget" not in errors
        and "max_amount" not in errors
        and values["budget_cents"] < values["max_amount_cents"]
    ):
        errors["budget"] = _("The budget must cover at least one grant of the maximum amount.")
    code = str(data.get("municipality_code") or "")
    municipality = (
        await Municipality.select(Municipality.id, Municipality.valid_to)
        .where(Municipality.code == code)
        .first()
    )
    if municipality is None or (municipality["valid_to"] and municipality["valid_to"] <= now().date()):
        errors["municipality_code"] = _("Choose a current municipality.")
    else:
        values["municipality"] = municipality["id"]
    raw_criteria = data.get("criteria") or []
    criteria = check_criteria(raw_criteria if isinstance(raw_criteria, list) else [], errors)
    if errors:
        raise ValidationFailed(errors)
    return values, criteria


async def create_call(data: dict[str, Any], actor: Principal | None) -> int:
    values, criteria = await _check(data)
    async with write_transaction():
        call = Call(**values)
        await call.save()
        await _replace_criteria(call.id, criteria)
        await audit.record("create", "call", call.id, actor=actor, after={"title": values["title"]})
    return call.id


async def update_call(call_id: int, data: dict[str, Any], actor: Principal | None) -> None:
    """Change a draft call wholesale; a published call's rules stay as applicants read them."""
    values, criteria = await _check(data)
    async with write_transaction():
        call = await _get_for_update(call_id)
        if call["status"] != CallStatus.draft:
            raise Conflict(_("Only a draft call can be changed."))
        await Call.update(values).where(Call.id == call_id)
        await _replace_criteria(call_id, criteria)
        await audit.record("update", "call", call_id, actor=actor, after={"title": values["title"]})


# What may still change once applicants can read the call: words, not rules.
COSMETIC_FIELDS = {"title", "description"}


async def check_panel_edit(call_id: int | None, changes: dict[str, Any]) -> None:
    """Apply the API's rules to an edit made in the admin panel (raises ValidationFailed or Conflict)."""
    row = await Call.select(*CALL_COLUMNS).where(Call.id == call_id).first() if call_id else None
    if row is not None and row["status"] != CallStatus.draft and not set(changes) <= COSMETIC_FIELDS:
        raise Conflict(_("Only the title and description of a published call can change."))
    merged = {**(row or {}), **changes}
    if "municipality" in changes:
        code = (
            await Municipality.select(Municipality.code)
            .where(Municipality.id == changes["municipality"])
            .first()
        )
        merged["municipality_code"] = code["code"] if code else ""
    data = {
        key: merged.get(key)
        for key in (
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
            "opens_at",
            "closes_at",
            "aggregation",
        )
    }
    data["score_threshold"] = str(merged.get("score_threshold", "0"))
    data["budget"] = format_cents(int(merged.get("budget_cents") or 0))
    data["max_amount"] = format_cents(int(merged.get("max_amount_cents") or 0))
    await _check(data)


async def check_criterion_edit(call_id: int | None) -> None:
    """Criteria are part of the rules: they change only while the call is a draft."""
    row = await Call.select(Call.status).where(Call.id == call_id).first() if call_id else None
    if row is not None and row["status"] != CallStatus.draft:
        raise Conflict(_("The criteria of a published call cannot change."))


async def _replace_criteria(call_id: int, criteria: list[CriterionData]) -> None:
    await Criterion.delete().where(Criterion.call == call_id)
    if criteria:
        await Criterion.insert(
            *[
                Criterion(
                    call=call_id,
                    code=c.code,
                    title=c.title,
                    description=c.description,
                    kind=c.kind,
                    max_points=c.max_points,
                    weight=c.weight,
                    min_points=c.min_points,
                    position=index,
                )
                for index, c in enumerate(criteria)
            ]
        )


async def _get_for_update(call_id: int) -> dict[str, Any]:
    call = await Call.select(Call.id, Call.status, Call.closes_at).where(Call.id == call_id).first()
    if call is None:
        raise LookupError(call_id)
    return call


async def _transition(call_id: int, expected: CallStatus, target: CallStatus, actor: Principal | None) -> str:
    async with write_transaction():
        call = await _get_for_update(call_id)
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
        # The status in the WHERE makes a concurrent second transition a no-op rather than a double.
        await Call.update(changes).where((Call.id == call_id) & (Call.status == expected))
        await audit.record(
            target.value,
            "call",
            call_id,
            actor=actor,
            before={"status": expected.value},
            after={"status": target.value},
        )
    return target.value


async def publish(call_id: int, actor: Principal | None) -> str:
    return await _transition(call_id, CallStatus.draft, CallStatus.published, actor)


async def close(call_id: int, actor: Principal | None) -> str:
    return await _transition(call_id, CallStatus.published, CallStatus.closed, actor)


DECIDABLE = (CallStatus.published, CallStatus.closed, CallStatus.in_review)


async def decide(call_id: int, actor: Principal | None) -> str:
    """published (past its deadline) | closed | in_review → decided, once the awards are made."""
    async with write_transaction():
        call = await _get_for_update(call_id)
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


async def get_call(call_id: int, include_draft: bool = False) -> dict[str, Any] | None:
    query = Call.select(*CALL_COLUMNS).where(Call.id == call_id)
    if not include_draft:
        query = query.where(Call.status.is_in(PUBLIC_STATUSES))
    return await query.first()


async def criteria_of(call_id: int) -> list[dict[str, Any]]:
    return await Criterion.select().where(Criterion.call == call_id).order_by(Criterion.position)


# What a list of calls shows (the pages' cards, the API's CallOut, the staff table); one call's
# page and detail read CALL_COLUMNS. Fewer columns: less for SQLite or asyncpg to convert per row.
LIST_COLUMNS = (
    Call.id,
    Call.title,
    Call.status,
    Call.budget_cents,
    Call.max_amount_cents,
    Call.fixed_amount,
    Call.quota,
    Call.opens_at,
    Call.closes_at,
    *CALL_COLUMNS[1:],
)


def _calls_query(include_draft: bool) -> Any:
    query = Call.select(*LIST_COLUMNS).order_by(Call.closes_at, ascending=False)
    return query if include_draft else query.where(Call.status.is_in(PUBLIC_STATUSES))


# The unfiltered lists, the public one on every visit of /calls and /api/calls: SQL made once.
_PUBLIC_CALLS = frozen(lambda: _calls_query(include_draft=False))
_ALL_CALLS = frozen(lambda: _calls_query(include_draft=True))


async def list_calls(
    municipality_code: str | None = None, phase_filter: str | None = None, include_draft: bool = False
) -> list[dict[str, Any]]:
    if municipality_code:
        rows = await _calls_query(include_draft).where(Call.municipality.code == municipality_code)
    else:
        rows = await (_ALL_CALLS if include_draft else _PUBLIC_CALLS)().run()
    at = now()
    for row in rows:
        row["phase"] = phase(row, at)
    return [row for row in rows if phase_filter in (None, row["phase"])]
