"""Pure rules of reporting: when reports are due, and what makes an event report valid.

Due days and reminders: the programme's days, in one place. An event report: counts are whole
numbers from 0 and the grade bands add up to the total; a held event has a day that is neither
in the future (Riga time) nor before the project starts; the school is one of the register's
(the caller looks its id up: these rules read no database).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from grants.applications.tables import EventKind
from grants.calls.tables import PaymentMethod
from grants.core.errors import ValidationFailed
from grants.core.i18n import _, ngettext
from grants.core.money import MoneyError, format_cents, parse_typed_cents
from grants.core.time import riga_today
from grants.reporting.states import DECISIONS
from grants.reporting.tables import GRADE_BANDS, EventStatus, ReviewStatus

EVENT_REPORT_DAYS = 30  # a held event is expected to be reported within this many days
FINAL_REPORT_DAYS = 30  # the final report is due this many days after the project's end date
FINAL_REMINDER_DAYS = 14  # the reminder goes out this many days before the final report is due
EVENT_REMINDER_DAYS = 14  # a planned event unreported this many days after its date is reminded of


def _after(day: date | None, days: int) -> date | None:
    if day is None:
        return None
    try:
        return day + timedelta(days=days)
    except OverflowError:  # a day near 9999-12-31 has no due day
        return None


def final_report_due(end_date: date | None) -> date | None:
    return _after(end_date, FINAL_REPORT_DAYS)


def event_report_due(day: date | None) -> date | None:
    return _after(day, EVENT_REPORT_DAYS)


LIMITS = {"title": 300, "description": 5000, "cancel_reason": 2000}
COMMENT_LIMIT = 2000  # a review's comment
TEXT_LIMIT = 20_000  # each text of the final report
COSTS_BOUND = 10  # a final report's costs above this many times the award are a typing error
MAX_PARTICIPANTS = 100_000
# Each grade band and the column that counts it.
BAND_FIELDS = {
    "1-4": "participants_1_4",
    "5-9": "participants_5_9",
    "10-12": "participants_10_12",
    "vocational": "participants_vocational",
}
# What a client may send about an event (the API and the forms alike).
FIELDS = (
    "planned_event_id",
    "school",
    "kind",
    "title",
    "status",
    "planned_on",
    "held_on",
    "participants",
    "participants_by_grade",
    "description",
    "cancel_reason",
)


def _count(value: Any) -> int | None:
    """A whole, non-negative count within bounds, from an int or its digits; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 <= value <= MAX_PARTICIPANTS:
        return None
    return value


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip()) if value.strip() else None
    raise ValueError(value)


def _text(values: dict[str, Any], field: str, errors: dict[str, str], message: str) -> str:
    text = str(values.get(field) or "").strip()
    if len(text) > LIMITS[field]:
        errors[field] = _("At most {n} characters.").format(n=LIMITS[field])
    elif not text:
        errors[field] = message
    return text


def _bands(raw: Any, errors: dict[str, str]) -> dict[str, int]:
    if not isinstance(raw, dict) or set(raw) - set(GRADE_BANDS):
        errors["participants_by_grade"] = _("Give the participants by grade band: {bands}.").format(
            bands=", ".join(GRADE_BANDS)
        )
        return dict.fromkeys(GRADE_BANDS, 0)
    bands: dict[str, int] = {}
    for band in GRADE_BANDS:
        count = _count(raw.get(band, 0))
        if count is None:
            errors[f"participants_by_grade.{band}"] = _("Enter a whole number, 0 or more.")
        bands[band] = count or 0
    return bands


def _in_project(day: date | None, award: dict[str, Any]) -> bool:
    start, end = award["start_date"], award["end_date"]
    return day is None or start is None or end is None or start <= day <= end


def clean_event(values: dict[str, Any], award: dict[str, Any], school_id: int | None) -> dict[str, Any]:
    """The report's columns from the merged values, or ValidationFailed with every problem.
    `school_id`: the register's id of the school `values` name, None when it has none."""
    errors: dict[str, str] = {}
    status = values.get("status") or EventStatus.held.value
    if status not in {s.value for s in EventStatus}:
        errors["status"] = _("The status is planned, held or cancelled.")
    if school_id is None:
        errors["school"] = _("Choose a school from the register.")
    kind = values.get("kind")
    if kind not in {k.value for k in EventKind}:
        errors["kind"] = _("Choose the kind of event.")
    clean: dict[str, Any] = {
        "school": school_id,
        "kind": kind,
        "title": _text(values, "title", errors, _("Name the event.")),
        "status": status,
        "held_on": None,
        "participants": 0,
        **dict.fromkeys(BAND_FIELDS.values(), 0),
        "description": str(values.get("description") or "").strip(),
        "cancel_reason": "",
    }
    try:
        clean["planned_on"] = _day(values.get("planned_on"))
    except ValueError:
        errors["planned_on"] = _("Enter a date as YYYY-MM-DD.")
    else:
        if status == EventStatus.planned and not _in_project(clean["planned_on"], award):
            errors["planned_on"] = _("Plan the event within the project period, {start} to {end}.").format(
                start=award["start_date"].isoformat(), end=award["end_date"].isoformat()
            )
    if len(clean["description"]) > LIMITS["description"]:
        errors["description"] = _("At most {n} characters.").format(n=LIMITS["description"])
    if status == EventStatus.held:
        _held(values, award, clean, errors)
    elif status == EventStatus.cancelled:
        clean["cancel_reason"] = _text(values, "cancel_reason", errors, _("Say why the event was cancelled."))
    if errors:
        raise ValidationFailed(errors)
    return clean


def _held(
    values: dict[str, Any], award: dict[str, Any], clean: dict[str, Any], errors: dict[str, str]
) -> None:
    """The facts of a held event: the day, the counts (bands adding up to the total), a description."""
    try:
        held_on = _day(values.get("held_on"))
    except ValueError:
        held_on, errors["held_on"] = None, _("Enter a date as YYYY-MM-DD.")
    else:
        if held_on is None:
            errors["held_on"] = _("Give the day the event was held.")
        elif held_on > riga_today():
            errors["held_on"] = _("The day the event was held cannot be in the future.")
        elif award["start_date"] is not None and held_on < award["start_date"]:
            errors["held_on"] = _("The event cannot be held before the project starts ({day}).").format(
                day=award["start_date"].isoformat()
            )
    clean["held_on"] = held_on
    total = _count(values.get("participants"))
    if total is None:
        errors["participants"] = _("Enter the number of participants, 0 or more.")
    bands = _bands(values.get("participants_by_grade"), errors)
    band_errors = [key for key in errors if key.startswith("participants_by_grade")]
    if total is not None and not band_errors and sum(bands.values()) != total:
        errors["participants_by_grade"] = _(
            "The participants by grade band add up to {sum}, not to the total of {total}."
        ).format(sum=sum(bands.values()), total=total)
    clean["participants"] = total or 0
    clean |= {BAND_FIELDS[band]: count for band, count in bands.items()}
    if not clean["description"] and "description" not in errors:
        errors["description"] = _("Describe the event.")


def review_verdict(decision: str, comment: str | None) -> tuple[ReviewStatus, str]:
    """A staff review's decision (states.DECISIONS) and comment, checked: (the review state, the comment)."""
    comment = (comment or "").strip()
    errors: dict[str, str] = {}
    verdict = DECISIONS.get(decision)
    if verdict is None:
        errors["decision"] = _("Choose accept or return.")
    if len(comment) > COMMENT_LIMIT:
        errors["comment"] = _("At most {n} characters.").format(n=COMMENT_LIMIT)
    elif verdict == ReviewStatus.returned and not comment:
        errors["comment"] = _("Say what the grantee should correct.")
    if errors or verdict is None:
        raise ValidationFailed(errors)
    return verdict, comment


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
                    "The amount cannot be more than {times} times the award ({amount} EUR): check it."
                ).format(times=COSTS_BOUND, amount=format_cents(bound))
    if errors:
        raise ValidationFailed(errors)
    return clean


def final_warnings(unreported: int, end_date: date | None, today: date) -> list[str]:
    """Why the grantee should think twice before submitting the final report (submitting anyway is
    allowed): events planned in the application without a report yet, a project that has not ended
    (its end date after `today`, Riga's date)."""
    warnings = []
    if unreported > 0:
        warnings.append(
            ngettext(
                "%(num)d event planned in the application has no report yet.",
                "%(num)d events planned in the application have no report yet.",
                unreported,
            )
            % {"num": unreported}
        )
    if end_date is not None and end_date > today:
        warnings.append(
            _("The project has not ended yet: it runs until {day}.").format(day=end_date.isoformat())
        )
    return warnings
