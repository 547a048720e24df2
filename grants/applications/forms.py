"""The applicant portal's forms: typed text in, the service's data out, its errors mapped back.

Rows of a step (events, budget lines) are posted as `planned_events.0.school`,
`budget_lines.2.unit_cost` …, the same dotted names the service uses for its
errors, so an error lands next to the input that caused it. Blank rows are
dropped before the service sees the list; `Rows.remap` turns the service's
index back into the row's place on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import format_decimal

from grants.applications.schemas import AnswerIn, ClarificationIn
from grants.applications.service import clarifications
from grants.applications.tables import BudgetCategory, EventKind
from grants.core.auth import Principal
from grants.core.errors import ValidationFailed
from grants.core.forms import about
from grants.core.i18n import _, get_language
from grants.core.inputs import check_texts, refuse_long_texts
from grants.core.money import MoneyError, format_cents, parse_cents
from grants.core.time import now, riga_local, riga_today

PROJECT_FIELDS = ("title", "summary", "objectives", "target_group", "partners", "start_date", "end_date")
EVENT_FIELDS = ("school", "kind", "title", "planned_date", "expected_participants")
LINE_FIELDS = ("category", "description", "quantity", "unit_cost")
EVENTS, LINES = "planned_events", "budget_lines"
BLANK_ROWS = 3
MAX_BLANK_ROWS = 30
MAX_FORM_ROWS = 500  # a posted index beyond this is not a row anyone typed

STEPS = ("project", "events", "budget", "attachments", "review")
# Which step fixes a problem or an error, by the first part of its key.
FIELD_STEPS = {
    **{field: "project" for field in PROJECT_FIELDS},
    EVENTS: "events",
    LINES: "budget",
    "requested_amount": "budget",
}


def step_names() -> dict[str, str]:
    return {
        "project": _("Project"),
        "events": _("Schools and events"),
        "budget": _("Budget"),
        "attachments": _("Attachments"),
        "review": _("Review and submit"),
    }


def file_size(size: int) -> str:
    """A file's size as people read it: bytes, kB or MB (of 1024, so the 10 MB limit reads 10 MB)."""
    if size < 1024:
        return _("{n} B").format(n=size)
    unit, divisor = (_("{n} kB"), 1024) if size < 1024 * 1024 else (_("{n} MB"), 1024 * 1024)
    shown = (Decimal(size) / divisor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return unit.format(n=format_decimal(shown, format="#,##0.#", locale=get_language()))


def event_kinds() -> list[tuple[str, str]]:
    labels = {
        EventKind.team_building: _("Team-building session"),
        EventKind.workshop: _("Workshop"),
        EventKind.camp: _("Camp"),
        EventKind.excursion: _("Excursion"),
        EventKind.lecture: _("Lecture"),
        EventKind.mentoring: _("Mentoring"),
        EventKind.other: _("Other event"),
    }
    return [(kind.value, labels[kind]) for kind in EventKind]


def budget_categories() -> list[tuple[str, str]]:
    labels = {
        BudgetCategory.personnel: _("Personnel"),
        BudgetCategory.services: _("Services"),
        BudgetCategory.materials: _("Materials"),
        BudgetCategory.transport: _("Transport"),
        BudgetCategory.catering: _("Catering"),
        BudgetCategory.premises: _("Premises"),
        BudgetCategory.other: _("Other costs"),
    }
    return [(category.value, labels[category]) for category in BudgetCategory]


async def answer_clarification(application_id: int, clarification_id: int, me: Principal, answer: str) -> Any:
    """The answer to a clarification request, no longer than the API takes it."""
    refuse_long_texts({"answer": answer}, AnswerIn)
    return await clarifications.answer_clarification(application_id, clarification_id, me, answer)


# --- a clarification request (staff) ------------------------------------------------

DUE_WORKING_DAYS = 5  # the due date a new question proposes: five working days (Mon–Fri) on
DUE_END_OF_DAY = time(23, 59)  # a due date typed without a time means the end of that Riga day
_DAY_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")  # a date input sends ISO; typed by hand, the Latvian way
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def default_due_date(today: date | None = None) -> date:
    """DUE_WORKING_DAYS working days after `today` (Riga's today), Saturdays and Sundays skipped."""
    day, left = today or riga_today(), DUE_WORKING_DAYS
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return day


def clarification_form(data: dict[str, str] | None = None) -> dict[str, str]:
    """The ask form's values: what was typed, or a blank question due in five working days."""
    if data is not None:
        return {key: data.get(key, "") for key in ("question", "due_date", "due_time")}
    return {"question": "", "due_date": default_due_date().isoformat(), "due_time": ""}


def read_due(day_text: str, time_text: str) -> datetime:
    """A Riga date (and an optional time, else the end of the day) as an aware UTC moment."""
    day_text, time_text = day_text.strip()[:32], time_text.strip()[:32]
    errors: dict[str, str] = {}
    day: date | None = None
    for pattern in _DAY_FORMATS:
        try:
            day = datetime.strptime(day_text, pattern).date()
            break
        except ValueError:
            continue
    if day is None:
        errors["due_date"] = _("Give the due date as a date, e.g. 2027-03-15.")
    at = DUE_END_OF_DAY
    if time_text:
        found = _TIME.match(time_text)
        if found is None:
            errors["due_time"] = _("Give the time as hours and minutes, e.g. 16:00, or leave it empty.")
        else:
            at = time(int(found.group(1)), int(found.group(2)))
    if errors or day is None:
        raise ValidationFailed(errors)
    try:
        return riga_local(day, at.hour, at.minute)
    except ValueError:  # the first hours of the year 1: before any UTC a datetime holds
        raise ValidationFailed({"due_date": _("Give the due date as a date, e.g. 2027-03-15.")}) from None


async def ask_clarification(application_id: int, me: Principal, data: dict[str, str]) -> Any:
    """The staff's question and due date (Riga time), checked as the API checks them; the service's
    complaint about the moment lands on the date field."""
    question = data.get("question", "")
    errors = check_texts({"question": question}, ClarificationIn)
    try:
        due_at = read_due(data.get("due_date", ""), data.get("due_time", ""))
    except ValidationFailed as bad_date:  # every message at once, not the date's first
        if not question.strip():
            errors["question"] = _("Write the question.")
        raise ValidationFailed(errors | bad_date.errors) from None
    if errors:  # a question too long, refused here: the service's check of the date said with it
        if due_at <= now():
            errors["due_date"] = _("The due date must be in the future.")
        raise ValidationFailed(errors)
    try:
        return await clarifications.ask_clarification(application_id, me, question, due_at)
    except ValidationFailed as refused:
        errors = {("due_date" if key == "due_at" else key): text for key, text in refused.errors.items()}
        raise ValidationFailed(errors, refused.message) from None


def step_of(key: str) -> str:
    return FIELD_STEPS.get(key.split(".", 1)[0], "review")


def _row_name(group: str, index: int, row: dict[str, str] | None) -> str:
    """A row as the summary names it: its number, and its title or description when it has one."""
    named = (row or {}).get("title" if group == EVENTS else "description", "").strip()
    if group == EVENTS:
        return (_("Event {n} “{name}”") if named else _("Event {n}")).format(n=index + 1, name=named)
    return (_("Budget line {n} “{name}”") if named else _("Budget line {n}")).format(n=index + 1, name=named)


def project_labels() -> dict[str, str]:
    """The project step's fields as its form labels them."""
    return {
        "title": _("Project title"),
        "summary": _("Summary"),
        "objectives": _("Objectives"),
        "target_group": _("Target group and risks addressed"),
        "partners": _("Partners"),
        "start_date": _("Start date"),
        "end_date": _("End date"),
    }


def summary_errors(errors: dict[str, str], rows: list[dict[str, str]] | None = None) -> dict[str, str]:
    """The messages for the summary at the top, each naming what it is about: a row its row (`rows`:
    the rows as the page shows them, for their titles), a project field its label ("At most 5000
    characters." alone would not say which text), so that each link reads right on its own."""
    out: dict[str, str] = {}
    labels = project_labels()
    for key, message in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[1].isdigit() and parts[0] in (EVENTS, LINES):
            index = int(parts[1])
            row = rows[index] if rows is not None and index < len(rows) else None
            message = about(_row_name(parts[0], index, row), message)
        elif key in labels:
            message = about(labels[key], message)
        out[key] = message
    return out


def save_warnings(step: str, problems: dict[str, str]) -> dict[str, str]:
    """What stops the submission that this step's save may leave and the step itself fixes: an
    event dated outside the project period, a budget total that does not fit the call. The draft
    is saved as it is; the step shows these until they are fixed."""
    if step == "events":
        return {key: text for key, text in problems.items() if key.startswith(f"{EVENTS}.")}
    if step == "budget":
        return {key: text for key, text in problems.items() if key == "requested_amount"}
    return {}


def messages(
    step: str, errors: dict[str, str], rows: list[dict[str, str]] | None, problems: dict[str, str]
) -> dict[str, dict[str, str]]:
    """A step's error summary and, when its form has no errors, its warnings (see save_warnings)."""
    return {
        "summary": summary_errors(errors, rows),
        "warnings": {} if errors else save_warnings(step, problems),
    }


def after_save(step: str, here: str, next_url: str) -> Callable[[dict[str, str]], str]:
    """Where a saved step goes: on to `next_url`, unless the save left a warning (save_warnings):
    then back to the step (`here`), which shows it at once."""
    return lambda problems: (
        here if save_warnings(step, problems) and not next_url.startswith(here) else next_url
    )


# --- the project step ----------------------------------------------------------


def project_form(application: dict[str, Any]) -> dict[str, str]:
    form = {field: str(application.get(field) or "") for field in PROJECT_FIELDS[:5]}
    for field in ("start_date", "end_date"):
        day = application.get(field)
        form[field] = day.isoformat() if isinstance(day, date) else ""
    return form


def read_project(data: dict[str, str]) -> dict[str, str]:
    form = {field: str(data.get(field, "")) for field in PROJECT_FIELDS}
    return form | {"start_date": form["start_date"].strip(), "end_date": form["end_date"].strip()}


# --- rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    name: str  # "planned_events" or "budget_lines"
    typed: list[dict[str, str]]  # every row as the page showed it, blank ones included
    items: list[dict[str, Any]]  # the filled rows, as the service takes them
    positions: list[int]  # the page position of each item

    def remap(self, errors: dict[str, str]) -> dict[str, str]:
        """Service keys ("budget_lines.0.unit_cost" of the first filled row) to page keys."""
        out: dict[str, str] = {}
        for key, message in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == self.name and parts[1].isdigit():
                index = int(parts[1])
                if index < len(self.positions):
                    key = f"{self.name}.{self.positions[index]}.{parts[2]}"
            out[key] = message
        return out


def _typed_rows(data: dict[str, str], name: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    pattern = re.compile(rf"^{re.escape(name)}\.(\d+)\.(\w+)$")
    found: dict[int, dict[str, str]] = {}
    for key, value in data.items():
        match = pattern.match(key)
        if not match or match[2] not in fields:
            continue
        if len(match[1]) > 4 or int(match[1]) >= MAX_FORM_ROWS:
            # Not a row anyone typed: refused, so that the rows already saved are not replaced by none.
            raise ValidationFailed({name: _("The form has more rows than it can take.")})
        found.setdefault(int(match[1]), {})[match[2]] = str(value)
    return [{field: found[i].get(field, "") for field in fields} for i in sorted(found)]


def read_events(data: dict[str, str]) -> Rows:
    typed = _typed_rows(data, EVENTS, EVENT_FIELDS)
    items: list[dict[str, Any]] = []
    positions: list[int] = []
    for position, row in enumerate(typed):
        if not any(value.strip() for value in row.values()):
            continue
        item: dict[str, Any] = {
            "school": row["school"].strip(),
            "kind": row["kind"],
            "title": row["title"],
            "planned_date": row["planned_date"].strip(),
        }
        if row["expected_participants"].strip():
            item["expected_participants"] = row["expected_participants"].strip()
        items.append(item)
        positions.append(position)
    return Rows(EVENTS, typed, items, positions)


def read_lines(data: dict[str, str]) -> Rows:
    typed = _typed_rows(data, LINES, LINE_FIELDS)
    items: list[dict[str, Any]] = []
    positions: list[int] = []
    for position, row in enumerate(typed):
        filled = any(row[field].strip() for field in ("category", "description", "unit_cost"))
        if not filled and row["quantity"].strip() in ("", "1"):
            continue
        item: dict[str, Any] = {
            "category": row["category"],
            "description": row["description"],
            "unit_cost": row["unit_cost"].strip(),
        }
        if row["quantity"].strip():
            item["quantity"] = row["quantity"].strip()
        items.append(item)
        positions.append(position)
    return Rows(LINES, typed, items, positions)


def event_rows(application: dict[str, Any], blank: int) -> list[dict[str, str]]:
    rows = [
        {
            "school": e["school"],
            "kind": e["kind"],
            "title": e["title"],
            "planned_date": e["planned_date"].isoformat() if e["planned_date"] else "",
            "expected_participants": str(e["expected_participants"]),
        }
        for e in application["planned_events"]
    ]
    return rows + [dict.fromkeys(EVENT_FIELDS, "") for _ in range(blank)]


def line_rows(application: dict[str, Any], blank: int) -> list[dict[str, str]]:
    rows = [
        {
            "category": line["category"],
            "description": line["description"],
            "quantity": str(line["quantity"]),
            "unit_cost": format_cents(line["unit_cost_cents"]),
        }
        for line in application["budget_lines"]
    ]
    return rows + [dict.fromkeys(LINE_FIELDS, "") for _ in range(blank)]


def line_amount(row: dict[str, str]) -> int | None:
    """Quantity × unit cost in cents for display, or None while the row does not add up."""
    quantity = row["quantity"].strip() or "1"
    if not quantity.isascii() or not quantity.isdigit():
        return None
    try:
        return int(quantity) * parse_cents(row["unit_cost"])
    except MoneyError:
        return None


def blank_after_save(rows: Rows) -> int:
    """How many empty rows to offer after "Save and add more rows": three more than were left empty."""
    return min(len(rows.typed) - len(rows.items) + BLANK_ROWS, MAX_BLANK_ROWS)


def school_groups(
    local: list[dict[str, Any]], everyone: list[dict[str, Any]]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The call's municipality's schools first, then all others (named with their municipality)."""
    numbers = {s["registration_number"] for s in local}
    return [
        (_("Schools in the call's municipality"), [(s["registration_number"], s["name"]) for s in local]),
        (
            _("Other schools"),
            [
                (s["registration_number"], f"{s['name']} ({s['municipality_name']})")
                for s in everyone
                if s["registration_number"] not in numbers
            ],
        ),
    ]
