"""The report pages' forms: typed text in, the services' data out, labels for what they show.

Inputs carry the service's field names (`participants_by_grade.5-9` …), so an
error of the service lands next to the input that caused it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.applications import forms as application_forms
from grants.awards import states as award_labels
from grants.calls.tables import PaymentMethod
from grants.core.auth import Principal
from grants.core.inputs import refuse_long_texts
from grants.core.money import format_cents
from grants.core.time import riga_today
from grants.reporting import rules, states
from grants.reporting.queries.final import against_plan, submittable
from grants.reporting.rules import clean_final
from grants.reporting.schemas.reports import EventIn
from grants.reporting.service import events as service
from grants.reporting.tables import GRADE_BANDS, EventStatus

EVENT_FIELDS = (
    "status",
    "school",
    "kind",
    "title",
    "planned_on",
    "held_on",
    "participants",
    "participants_at_risk",
    "description",
    "cancel_reason",
    "school_reason",
)
BAND_INPUTS = {band: f"participants_by_grade.{band}" for band in GRADE_BANDS}
FINAL_FIELDS = ("narrative", "results", "spent")


def labels() -> dict[str, Any]:
    """The labels the report pages show: kinds, states, award facts and grade bands."""
    return {
        "kinds": dict(application_forms.event_kinds()),
        "event_statuses": states.event_statuses(),
        "reviews": states.reviews(),
        "award_statuses": award_labels.award_statuses(),
        "award_status": award_labels.status_label,
        "payment_kinds": award_labels.payment_kinds(),
        "bands": states.band_labels(),
        "band_order": GRADE_BANDS,
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
            form["participants"] = form["participants_at_risk"] = ""
        else:
            form["participants"] = str(event["participants"])
            form["participants_at_risk"] = str(event["participants_at_risk"])
            form |= {BAND_INPUTS[b]: str(n) for b, n in event["participants_by_grade"].items()}
    return form


def read_event(data: dict[str, str]) -> tuple[dict[str, str], dict[str, Any]]:
    """(what was typed, to show again; the payload for the service). Empty bands and an empty count
    at risk are 0; the checkbox `confirm_large` confirms a count above rules.LARGE_EVENT."""
    typed = {field: str(data.get(field, "")) for field in (*EVENT_FIELDS, *BAND_INPUTS.values())}
    payload: dict[str, Any] = {field: typed[field].strip() for field in EVENT_FIELDS}
    payload["status"] = payload["status"] or EventStatus.held.value
    payload["participants_at_risk"] = payload["participants_at_risk"] or "0"
    if str(data.get("confirm_large", "")).strip():
        typed["confirm_large"] = "1"
        payload["confirm_large"] = True
    payload["participants_by_grade"] = {
        band: typed[name].strip() or "0" for band, name in BAND_INPUTS.items()
    }
    planned = str(data.get("planned_event_id", "")).strip()
    if planned:
        typed["planned_event_id"] = planned
        payload["planned_event_id"] = int(planned) if planned.isascii() and planned.isdigit() else planned
    return typed, payload


async def create_event(award_id: int, me: Principal, payload: dict[str, Any]) -> dict[str, Any]:
    """An event report from a page, its texts no longer than the API takes them (EventIn)."""
    refuse_long_texts(payload, EventIn)
    return await service.create_event(award_id, me, payload)


async def update_event(event_id: int, me: Principal, payload: dict[str, Any]) -> dict[str, Any]:
    refuse_long_texts(payload, EventIn)
    return await service.update_event(event_id, me, payload)


def final_form(report: dict[str, Any] | None) -> dict[str, str]:
    """The final report's inputs: a stored report's (an amount in Latvian writing, "4 512,40"), or empty.
    A draft saved with no costs yet shows none rather than 0,00."""
    if report is None:
        return dict.fromkeys(FINAL_FIELDS, "")
    no_costs = report["draft"] and not report["spent_cents"]
    return {
        "narrative": report["narrative"],
        "results": report["results"],
        "spent": "" if no_costs else format_cents(report["spent_cents"]).replace(".", ","),
    }


def read_final(data: dict[str, str], award: dict[str, Any]) -> dict[str, str]:
    """What was typed; the costs only where the call's payment method asks for them (a lump-sum
    form has no such input, and its stored amount stays as it is)."""
    fields = FINAL_FIELDS if award["payment_method"] == PaymentMethod.costs else FINAL_FIELDS[:2]
    return {field: str(data.get(field, "")) for field in fields}


async def final_warnings(award: dict[str, Any], values: dict[str, str]) -> list[str]:
    """The report as it would be submitted is checked first (ValidationFailed with every problem);
    then what the grantee is warned of before submitting (rules.final_warnings). No warnings when the
    report cannot be submitted now: the service says why (409), without a confirmation first."""
    if not await submittable(award):
        return []
    clean_final(values, award)
    plan = await against_plan(award)
    return rules.final_warnings(plan["unreported_titles"], award["end_date"], riga_today())
