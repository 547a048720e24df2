"""The back office's call forms: typed text (euros, Riga time) to the calls service's input, and back.

Every action here ends in the service; what only a form can get wrong (a time that is no time) is
told next to its field together with the service's own messages, so every problem shows at once.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from grants.calls import rules, service
from grants.calls.tables import CallStatus, CriterionKind
from grants.core.auth import Principal
from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.time import riga_local, to_riga

# The fields of the rules form, as the service names them.
TEXTS = ("title", "description", "municipality_code", "appeal_route")
MONEY = ("budget", "max_amount")
NUMBERS = (
    "quota",
    "applications_per_organisation",
    "min_months",
    "max_months",
    "score_threshold",
    "reviewers_per_application",
    "advance_percent",
)
TIMES = ("opens_at", "closes_at", "review_closes_at")
SWITCHES = ("fixed_amount", "blind_review", "requires_approval")
CHOICES = ("aggregation", "payment_method")
FIELDS = (*TEXTS, *MONEY, *NUMBERS, *TIMES, *SWITCHES, *CHOICES)
CRITERION_FIELDS = ("code", "title", "kind", "max_points", "weight", "min_points", "description")
FORM_TEXT_LIMIT = 25_000  # longer than any field of the form; anything longer is refused unread

_RIGA_TIME = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::[0-9]{2})?$")
_WHOLE = re.compile(r"^[+-]?[0-9]{1,9}$")


def riga_text(moment: datetime | None) -> str:
    """A moment as the text of a datetime-local field, on the clocks of Riga."""
    return to_riga(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def parse_riga(text: str) -> datetime | None:
    """ "2026-03-01T12:00" (or "2026-03-01 12:00") on the clocks of Riga as aware UTC; None if no time."""
    match = _RIGA_TIME.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute = (int(part) for part in match.groups())
    try:
        moment = riga_local(date(year, month, day), hour, minute) if hour < 24 and minute < 60 else None
    except ValueError:  # no such day, or beyond what a datetime holds in UTC (core.time.riga_local)
        return None
    if moment is not None and to_riga(moment).replace(tzinfo=None) != datetime(
        year, month, day, hour, minute
    ):
        return None  # a time the clocks skip when summer time starts (e.g. 03:30 on the last Sunday of March)
    return moment


def blank_rules() -> dict[str, str]:
    """The new-call form's starting values: the PuMPuRS defaults."""
    return {key: "" for key in FIELDS} | {
        "max_amount": "4600.00",
        "quota": "1",
        "applications_per_organisation": "1",
        "min_months": "3",
        "max_months": "18",
        "score_threshold": "30",
        "reviewers_per_application": "2",
        "advance_percent": "90",
        "aggregation": "mean",
        "payment_method": "lump_sum",
    }


def rules_of(call: dict[str, Any]) -> dict[str, str]:
    """A call's row as the rules form shows it: euros, Riga time, switches "on" or ""."""
    form = {key: str(call.get(key) if call.get(key) is not None else "") for key in FIELDS}
    form["budget"] = format_cents(call["budget_cents"])
    form["max_amount"] = format_cents(call["max_amount_cents"])
    for key in TIMES:
        form[key] = riga_text(call.get(key))
    for key in SWITCHES:
        form[key] = "on" if call.get(key) else ""
    return form


def typed(data: dict[str, Any], fields: tuple[str, ...] = FIELDS) -> dict[str, str]:
    """The form as typed, only its own fields, as text (what the page shows again on a refusal)."""
    return {key: str(data.get(key) or "")[:FORM_TEXT_LIMIT] for key in fields}


def fields_for(status: str, actor: Principal | None = None) -> tuple[str, ...]:
    """The rules a call's set-up form offers: a draft's all, a published one's what may still change.
    National approval (requires_approval) is national staff's to switch: municipal staff read it."""
    if status == CallStatus.draft:
        return new_fields(actor)
    if status in rules.READ_ONLY_STATUSES:
        return ()
    return tuple(key for key in FIELDS if key in rules.PUBLISHED_FIELDS)


def new_fields(actor: Principal | None) -> tuple[str, ...]:
    """The fields of a new call's form for this author: all but requires_approval for municipal staff."""
    if actor is None or actor.national:
        return FIELDS
    return tuple(key for key in FIELDS if key != "requires_approval")


def _read_rules(form: dict[str, str], fields: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's text as the service's data, and the errors only the form can see."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in fields:
        text = form.get(key, "")
        if key in CHOICES and not text:
            continue  # not chosen (a form from before the field): the call's value or the default
        if key in SWITCHES:
            data[key] = text == "on"
        elif key in MONEY:
            data[key] = "".join(text.split())  # "46 000,00" as typed in Latvian
        elif key in TIMES:
            if not text.strip():
                data[key] = None
                if key != "review_closes_at":
                    errors[key] = _("This field is required.")
            else:
                data[key] = parse_riga(text)
                if data[key] is None:
                    data[key] = text  # the service refuses it too, so its other checks still run
                    errors[key] = _("Enter a date and time in Riga time, e.g. 2026-03-01 12:00.")
        else:
            data[key] = text.strip() if key in NUMBERS else text
    return data, errors


def _with(errors: dict[str, str], exc: ValidationFailed | None) -> ValidationFailed:
    return ValidationFailed((dict(exc.errors) if exc else {}) | errors, exc.message if exc else None)


async def create(form: dict[str, str], actor: Principal) -> int:
    """A new draft call from the form; ValidationFailed with every error.

    A time the form cannot read reaches the service as typed (or as None), which refuses it as well:
    so nothing is written, and the service's other messages come with the form's."""
    data, errors = _read_rules(form, new_fields(actor))
    try:
        return await service.create_call(data, actor)
    except ValidationFailed as exc:
        raise _with(errors, exc) from None


async def save(call_id: int, status: str, form: dict[str, str], actor: Principal) -> None:
    """The set-up form's changes to the call (the fields its status offers), checked as create's."""
    data, errors = _read_rules(form, fields_for(status, actor))
    try:
        await service.edit_call(call_id, data, actor)
    except ValidationFailed as exc:
        raise _with(errors, exc) from None


# --- criteria ----------------------------------------------------------------------------


def criterion_of(row: dict[str, Any]) -> dict[str, str]:
    return {key: "" if row.get(key) is None else str(row[key]) for key in CRITERION_FIELDS}


def _read_criterion(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    item: dict[str, Any] = {key: form.get(key, "").strip() for key in ("code", "title", "kind")}
    item["description"] = form.get("description", "")
    errors: dict[str, str] = {}
    if item["kind"] == CriterionKind.quality:
        for key, required in (("max_points", True), ("min_points", False)):
            text = form.get(key, "").strip()
            if not text and not required:
                item[key] = None
            elif _WHOLE.match(text):
                item[key] = int(text)
            else:
                errors[key] = _("Enter a whole number.")
                item[key] = 1 if required else None
        item["weight"] = form.get("weight", "").strip() or "1"
    return item, errors


def _criterion_errors(exc: ValidationFailed) -> dict[str, str]:
    """The service's messages of the criteria list ("criteria.3.code") as the one form's ("code")."""
    return {key.rsplit(".", 1)[-1]: message for key, message in exc.errors.items()}


def _refuse(item: dict[str, Any], errors: dict[str, str]) -> None:
    """The form's own errors with the rules' other messages about the one criterion, all at once."""
    others: dict[str, str] = {}
    rules.check_criteria([item], others)
    raise ValidationFailed(_criterion_errors(ValidationFailed(others)) | errors)


async def add_criterion(call_id: int, form: dict[str, str], actor: Principal) -> int:
    item, errors = _read_criterion(form)
    if errors:
        _refuse(item, errors)
    try:
        return await service.add_criterion(call_id, item, actor)
    except ValidationFailed as exc:
        raise ValidationFailed(_criterion_errors(exc)) from None


async def change_criterion(criterion_id: int, form: dict[str, str], actor: Principal) -> int:
    item, errors = _read_criterion(form)
    if item["kind"] != CriterionKind.quality:
        item |= {"max_points": 0, "min_points": None, "weight": "1"}
    if errors:
        _refuse(item, errors)
    try:
        return await service.change_criterion(criterion_id, item, actor)
    except ValidationFailed as exc:
        raise ValidationFailed(_criterion_errors(exc)) from None


# --- the deadline ------------------------------------------------------------------------


async def extend(call_id: int, form: dict[str, str], actor: Principal) -> int:
    moment = parse_riga(form.get("closes_at", ""))
    if moment is None:
        raise ValidationFailed({"closes_at": _("Enter a date and time in Riga time, e.g. 2026-03-01 12:00.")})
    return await service.extend_deadline(call_id, moment, actor)
