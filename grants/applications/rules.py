"""What makes an application complete and within the call's rules: pure functions, no database."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from grants.applications.tables import BudgetCategory, EventKind
from grants.core.i18n import _, get_language
from grants.core.money import MoneyError, display_cents, parse_cents
from grants.core.time import format_day

TEXT_LIMITS = {"title": 300, "summary": 5000, "objectives": 5000, "target_group": 5000, "partners": 3000}
MAX_LINES = 100
# One line at most, so that MAX_LINES lines still fit the database's 32-bit integer columns.
MAX_LINE_CENTS = 10_000_000  # 100,000.00 EUR
MAX_EVENTS = 200
MAX_FILES_PER_APPLICATION = 20


@dataclass(frozen=True)
class LineData:
    category: str
    description: str
    quantity: int
    unit_cost_cents: int

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_cost_cents


@dataclass(frozen=True)
class EventData:
    school: str  # registration number
    kind: str
    title: str
    planned_date: date | None
    expected_participants: int


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def duration_fits(start: date, end: date, min_months: int, max_months: int) -> bool:
    """A project from 1 March to 31 May lasts 3 months: the day after its end is counted."""
    after_end = end + timedelta(days=1)
    return add_months(start, min_months) <= after_end <= add_months(start, max_months)


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return None


def parse_lines(items: Any, errors: dict[str, str]) -> list[LineData]:
    if not isinstance(items, list) or len(items) > MAX_LINES:
        errors["budget_lines"] = _("Give at most {n} budget lines.").format(n=MAX_LINES)
        return []
    lines: list[LineData] = []
    for index, item in enumerate(items):
        prefix = f"budget_lines.{index}"
        item = item if isinstance(item, dict) else {}
        category = item.get("category")
        if category not in {c.value for c in BudgetCategory}:
            errors[f"{prefix}.category"] = _("Choose a budget category.")
        description = str(item.get("description") or "").strip()
        if not description or len(description) > 300:
            errors[f"{prefix}.description"] = _("Describe the cost in up to 300 characters.")
        quantity = _whole(item.get("quantity", 1))
        if quantity is None or not 1 <= quantity <= 100_000:
            errors[f"{prefix}.quantity"] = _("The quantity is a whole number from 1 to 100000.")
            quantity = 1
        try:
            unit = parse_cents(item.get("unit_cost") if item.get("unit_cost") is not None else "")
            if unit <= 0:
                raise MoneyError("zero")
        except MoneyError:
            errors[f"{prefix}.unit_cost"] = _("Enter the unit cost in euros, e.g. 120.50.")
            unit = 0
        if quantity * unit > MAX_LINE_CENTS:
            errors[f"{prefix}.unit_cost"] = _("A budget line can be at most {amount}.").format(
                amount=display_cents(MAX_LINE_CENTS, get_language())
            )
            unit = 0
        lines.append(LineData(str(category), description, quantity, unit))
    return lines


def parse_events(items: Any, errors: dict[str, str]) -> list[EventData]:
    if not isinstance(items, list) or len(items) > MAX_EVENTS:
        errors["planned_events"] = _("Give at most {n} events.").format(n=MAX_EVENTS)
        return []
    events: list[EventData] = []
    for index, item in enumerate(items):
        prefix = f"planned_events.{index}"
        item = item if isinstance(item, dict) else {}
        kind = item.get("kind")
        if kind not in {k.value for k in EventKind}:
            errors[f"{prefix}.kind"] = _("Choose the kind of event.")
        title = str(item.get("title") or "").strip()
        if not title or len(title) > 300:
            errors[f"{prefix}.title"] = _("Name the event in up to 300 characters.")
        try:
            planned = parse_date(item.get("planned_date"))
        except ValueError:
            errors[f"{prefix}.planned_date"] = _("Enter a date as YYYY-MM-DD.")
            planned = None
        participants = _whole(item.get("expected_participants", 0))
        if participants is None or not 0 <= participants <= 100_000:
            errors[f"{prefix}.expected_participants"] = _("Enter the expected number of participants.")
            participants = 0
        events.append(
            EventData(str(item.get("school") or "").strip(), str(kind), title, planned, participants)
        )
    return events


def date_problem(start: date, end: date, call: dict[str, Any]) -> str | None:
    """What is wrong with the project period under this call's month limits, if anything."""
    if end < start:
        return _("The project must end after it starts.")
    if not duration_fits(start, end, call["min_months"], call["max_months"]):
        return _("The project must last {min} to {max} months.").format(
            min=call["min_months"], max=call["max_months"]
        )
    return None


def event_date_problems(events: list[dict[str, Any]], start: date | None, end: date | None) -> dict[str, str]:
    """The planned events dated outside the project period, each named by its number and title, by
    its date field. Nothing while the period itself is missing or backwards (that is its own problem)."""
    if start is None or end is None or end < start:
        return {}
    language = get_language()
    found: dict[str, str] = {}
    for index, event in enumerate(events):
        day = event.get("planned_date")
        if day is not None and not start <= day <= end:
            found[f"planned_events.{index}.planned_date"] = _(
                "Event {n} “{title}” is dated {day}, outside the project period ({start} – {end})."
            ).format(
                n=index + 1,
                title=event.get("title") or "",
                day=format_day(day, language),
                start=format_day(start, language),
                end=format_day(end, language),
            )
    return found


def budget_problem(requested: int, call: dict[str, Any]) -> str | None:
    """Why the budget's total does not fit the call (the fixed amount, or the cap), naming both sums."""
    language = get_language()
    total, amount = display_cents(requested, language), display_cents(call["max_amount_cents"], language)
    if call["fixed_amount"] and requested != call["max_amount_cents"]:
        return _("The budget lines total {total}; the budget must total exactly {amount}.").format(
            total=total, amount=amount
        )
    if requested > call["max_amount_cents"]:
        return _("The budget lines total {total}, more than the {cap} allowed.").format(
            total=total, cap=amount
        )
    return None


def problems(
    application: dict[str, Any], call: dict[str, Any], lines: int, events: list[dict[str, Any]]
) -> dict[str, str]:
    """Everything that stops this application from being submitted, by field (empty when ready);
    `events` are the planned events (their title and planned_date) in order."""
    found: dict[str, str] = {}
    for field, message in (
        ("title", _("Give the project a title.")),
        ("summary", _("Summarise the project.")),
        ("objectives", _("Describe the objectives.")),
        ("target_group", _("Describe the target group and the risks of leaving school you address.")),
    ):
        if not str(application.get(field) or "").strip():
            found[field] = message
    start, end = application.get("start_date"), application.get("end_date")
    if start is None or end is None:
        found["start_date"] = _("Give the start and end date of the project.")
    elif problem := date_problem(start, end, call):
        found["end_date"] = problem
    if not events:
        found["planned_events"] = _("Plan at least one event in a school.")
    found |= event_date_problems(events, start, end)
    if lines == 0:
        found["budget_lines"] = _("Add the budget lines of the project.")
    elif problem := budget_problem(application["requested_cents"], call):
        found["requested_amount"] = problem
    return found
