"""The report pages' forms: typed text in, the services' data out, labels for what they show.

Inputs carry the service's field names (`participants_by_grade.5-9` …), so an
error of the service lands next to the input that caused it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.core.i18n import _
from grants.core.money import format_cents
from grants.reporting.tables import GRADE_BANDS, EventStatus, ReviewStatus

EVENT_FIELDS = (
    "status",
    "school",
    "kind",
    "title",
    "planned_on",
    "held_on",
    "participants",
    "description",
    "cancel_reason",
)
BAND_INPUTS = {band: f"participants_by_grade.{band}" for band in GRADE_BANDS}
FINAL_FIELDS = ("narrative", "results", "spent")


def band_labels() -> dict[str, str]:
    return {
        "1-4": _("Grades 1–4"),
        "5-9": _("Grades 5–9"),
        "10-12": _("Grades 10–12"),
        "vocational": _("Vocational courses"),
    }


def event_statuses() -> dict[str, str]:
    return {
        EventStatus.planned: _("Planned"),
        EventStatus.held: _("Held"),
        EventStatus.cancelled: _("Cancelled"),
    }


def reviews() -> dict[str, str]:
    return {
        ReviewStatus.pending: _("Waiting for review"),
        ReviewStatus.accepted: _("Accepted"),
        ReviewStatus.returned: _("Returned for correction"),
    }


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def event_form(event: dict[str, Any] | None = None, planned: dict[str, Any] | None = None) -> dict[str, str]:
    """The inputs of an event form: a stored report, or one planned in the application, or empty."""
    form = dict.fromkeys(EVENT_FIELDS, "") | dict.fromkeys(BAND_INPUTS.values(), "")
    form["status"] = EventStatus.held.value
    if planned is not None:
        form |= {
            "school": planned["school"],
            "kind": planned["kind"],
            "title": planned["title"],
            "planned_on": _iso(planned["planned_date"]),
            "planned_event_id": str(planned["id"]),
        }
    if event is not None:
        form |= {field: str(event.get(field) or "") for field in EVENT_FIELDS}
        form |= {"planned_on": _iso(event["planned_on"]), "held_on": _iso(event["held_on"])}
        if event["status"] == EventStatus.planned:
            form["status"] = EventStatus.held.value  # the edit form of a planned event reports it held
            form["participants"] = ""
        else:
            form["participants"] = str(event["participants"])
            form |= {BAND_INPUTS[b]: str(n) for b, n in event["participants_by_grade"].items()}
    return form


def read_event(data: dict[str, str]) -> tuple[dict[str, str], dict[str, Any]]:
    """(what was typed, to show again; the payload for the service). Empty bands count as 0."""
    typed = {field: str(data.get(field, "")) for field in (*EVENT_FIELDS, *BAND_INPUTS.values())}
    payload: dict[str, Any] = {field: typed[field].strip() for field in EVENT_FIELDS}
    payload["status"] = payload["status"] or EventStatus.held.value
    payload["participants_by_grade"] = {
        band: typed[name].strip() or "0" for band, name in BAND_INPUTS.items()
    }
    planned = str(data.get("planned_event_id", "")).strip()
    if planned:
        typed["planned_event_id"] = planned
        payload["planned_event_id"] = int(planned) if planned.isascii() and planned.isdigit() else planned
    return typed, payload


def final_form(report: dict[str, Any] | None) -> dict[str, str]:
    if report is None:
        return dict.fromkeys(FINAL_FIELDS, "")
    return {
        "narrative": report["narrative"],
        "results": report["results"],
        "spent": format_cents(report["spent_cents"]),
    }


def read_final(data: dict[str, str]) -> dict[str, str]:
    return {field: str(data.get(field, "")) for field in FINAL_FIELDS}
