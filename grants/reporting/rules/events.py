"""What makes an event report valid: its school, its counts, its day (see the package's docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from grants.applications.tables import EventKind
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _, get_language
from grants.core.time import format_day, riga_today
from grants.reporting.rules.common import (
    COMMENT_LIMIT,
    COUNT_LIMIT,
    LARGE_EVENT,
    LIMITS,
    MAX_EVENTS_PER_AWARD,
    MAX_PARTICIPANTS,
)
from grants.reporting.tables import GRADE_BANDS, EventStatus, ReviewStatus

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
    "participants_at_risk",
    "school_reason",
    "confirm_large",
)


class SchoolBasis(StrEnum):
    """Why an event's school counts for the project."""

    planned = "planned"  # one of the schools the application planned events in
    pumpurs = "pumpurs"  # a PuMPuRS school of the call's municipality on the day
    other = "other"  # neither: the grantee gives a reason, staff approve it


@dataclass(frozen=True)
class SchoolFacts:
    """What the school rule needs to know, looked up by the caller."""

    school_id: int
    municipality_code: str  # where the school is registered
    pumpurs_since: date | None
    pumpurs_until: date | None
    planned_school_ids: frozenset[int]  # the schools of the application's planned events
    call_codes: frozenset[str]  # the call's municipality and every one merged into it


def in_pumpurs(since: date | None, until: date | None, day: date) -> bool:
    """The school takes part in PuMPuRS on `day` (both ends inclusive)."""
    return since is not None and since <= day and (until is None or until >= day)


def school_basis(facts: SchoolFacts, day: date) -> SchoolBasis:
    """Planned school first; else a PuMPuRS school of the call's municipality on the day; else other."""
    if facts.school_id in facts.planned_school_ids:
        return SchoolBasis.planned
    if facts.municipality_code in facts.call_codes and in_pumpurs(
        facts.pumpurs_since, facts.pumpurs_until, day
    ):
        return SchoolBasis.pumpurs
    return SchoolBasis.other


def event_day(clean: dict[str, Any], today: date) -> date:
    """The day the school rule is judged on: held, else planned, else today."""
    return clean.get("held_on") or clean.get("planned_on") or today


def check_event_room(count: int) -> None:
    """Refuse one report more than MAX_EVENTS_PER_AWARD (`count`: the award's reports so far)."""
    if count >= MAX_EVENTS_PER_AWARD:
        raise Conflict(_("An award can have at most {n} event reports.").format(n=MAX_EVENTS_PER_AWARD))


def _count(value: Any) -> int | None:
    """A whole, non-negative count within bounds, from an int or its digits; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 <= value <= COUNT_LIMIT:
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


def clean_event(
    values: dict[str, Any],
    award: dict[str, Any],
    school: SchoolFacts | None,
    confirmed_count: int | None = None,
) -> dict[str, Any]:
    """The report's columns from the merged values, or ValidationFailed with every problem.
    `school`: the facts of the school `values` name, None when the register has none;
    `confirmed_count`: a count of participants the grantee confirmed before (the stored report's)."""
    errors: dict[str, str] = {}
    status = values.get("status") or EventStatus.held.value
    if status not in {s.value for s in EventStatus}:
        errors["status"] = _("The status is planned, held or cancelled.")
    if school is None:
        errors["school"] = _("Choose a school from the register.")
    kind = values.get("kind")
    if kind not in {k.value for k in EventKind}:
        errors["kind"] = _("Choose the kind of event.")
    clean: dict[str, Any] = {
        "school": school.school_id if school else None,
        "kind": kind,
        "title": _text(values, "title", errors, _("Name the event.")),
        "status": status,
        "held_on": None,
        "participants": 0,
        **dict.fromkeys(BAND_FIELDS.values(), 0),
        "participants_at_risk": 0,
        "description": str(values.get("description") or "").strip(),
        "cancel_reason": "",
        "school_reason": "",
    }
    try:
        clean["planned_on"] = _day(values.get("planned_on"))
    except ValueError:
        errors["planned_on"] = _("Enter a date as YYYY-MM-DD.")
    else:
        if status == EventStatus.planned and not _in_project(clean["planned_on"], award):
            errors["planned_on"] = _("Plan the event within the project period, {start} to {end}.").format(
                start=_shown(award["start_date"]), end=_shown(award["end_date"])
            )
    if len(clean["description"]) > LIMITS["description"]:
        errors["description"] = _("At most {n} characters.").format(n=LIMITS["description"])
    if status == EventStatus.held:
        _held(values, award, clean, errors)
        _counts(values, clean, errors, confirmed_count)
    elif status == EventStatus.cancelled:
        clean["cancel_reason"] = _text(values, "cancel_reason", errors, _("Say why the event was cancelled."))
    if school is not None and status != EventStatus.cancelled and "held_on" not in errors:
        if school_basis(school, event_day(clean, riga_today())) == SchoolBasis.other:
            clean["school_reason"] = _text(
                values,
                "school_reason",
                errors,
                _(
                    "This school is neither planned in the application nor a PuMPuRS school of the "
                    "call's municipality on the day: say why the event is held there."
                ),
            )
    if errors:
        raise ValidationFailed(errors)
    return clean


def _shown(day: date) -> str:
    """A day in a message as the site shows days, in the language of the request."""
    return format_day(day, get_language())


def _held(
    values: dict[str, Any], award: dict[str, Any], clean: dict[str, Any], errors: dict[str, str]
) -> None:
    """The day of a held event (within the project period, not in the future) and its description."""
    try:
        held_on = _day(values.get("held_on"))
    except ValueError:
        held_on, errors["held_on"] = None, _("Enter a date as YYYY-MM-DD.")
    else:
        start, end = award["start_date"], award["end_date"]
        if held_on is None:
            errors["held_on"] = _("Give the day the event was held.")
        elif held_on > riga_today():
            errors["held_on"] = _("The day the event was held cannot be in the future.")
        elif start is not None and held_on < start:
            errors["held_on"] = _("The event cannot be held before the project starts ({day}).").format(
                day=_shown(start)
            )
        elif end is not None and held_on > end:
            errors["held_on"] = _("The event cannot be held after the project ends ({day}).").format(
                day=_shown(end)
            )
    clean["held_on"] = held_on
    if not clean["description"] and "description" not in errors:
        errors["description"] = _("Describe the event.")


def _counts(
    values: dict[str, Any], clean: dict[str, Any], errors: dict[str, str], confirmed_count: int | None
) -> None:
    """The counts of a held event: bands adding up to the total, at most MAX_PARTICIPANTS (the error
    names the event), above LARGE_EVENT confirmed, the pupils at risk some of the participants."""
    total = _count(values.get("participants"))
    if total is None:
        errors["participants"] = _("Enter the number of participants, 0 or more.")
    elif total > MAX_PARTICIPANTS:
        errors["participants"] = _(
            "“{title}”: {n} participants is more than one event can have (at most {max})."
        ).format(title=clean["title"], n=total, max=MAX_PARTICIPANTS)
    elif total > LARGE_EVENT and total != confirmed_count and values.get("confirm_large") is not True:
        errors["confirm_large"] = _(
            "“{title}”: {n} participants is more than {large}. Check the count and confirm it."
        ).format(title=clean["title"], n=total, large=LARGE_EVENT)
    bands = _bands(values.get("participants_by_grade"), errors)
    band_errors = [key for key in errors if key.startswith("participants_by_grade")]
    if total is not None and not band_errors and sum(bands.values()) != total:
        errors["participants_by_grade"] = _(
            "The participants by grade band add up to {sum}, not to the total of {total}."
        ).format(sum=sum(bands.values()), total=total)
    at_risk = _count(values.get("participants_at_risk", 0))
    if at_risk is None:
        errors["participants_at_risk"] = _("Enter a whole number, 0 or more.")
    elif total is not None and at_risk > total:
        errors["participants_at_risk"] = _(
            "The participants at risk ({n}) are some of the participants: at most {total}."
        ).format(n=at_risk, total=total)
    clean["participants"] = total or 0
    clean["participants_at_risk"] = at_risk or 0
    clean |= {BAND_FIELDS[band]: count for band, count in bands.items()}


def event_flags(event: dict[str, Any]) -> list[str]:
    """What the staff should look at twice in a held report: a large count, a school approved apart."""
    flags = []
    if event["status"] == EventStatus.held and event["participants"] > LARGE_EVENT:
        flags.append(
            _("More than {large} participants ({n}): the grantee confirmed the count.").format(
                large=LARGE_EVENT, n=event["participants"]
            )
        )
    if (
        event["status"] == EventStatus.held
        and event["participants"]
        and (event["participants_at_risk"] == event["participants"])
    ):
        flags.append(_("Every participant is reported at risk of early school leaving."))
    return flags


def school_approval(basis: SchoolBasis, verdict: ReviewStatus, approve: bool, reason: str | None) -> str:
    """The staff's reason for approving the event's school, checked with the review: accepting an
    event at an "other" school needs the approval and its reason; elsewhere nothing is approved ("")."""
    reason = (reason or "").strip()
    if basis != SchoolBasis.other or verdict != ReviewStatus.accepted:
        return ""
    errors: dict[str, str] = {}
    if not approve:
        errors["approve_school"] = _(
            "The school is neither planned nor a PuMPuRS school of the call's municipality on the day: "
            "approve it to accept the event."
        )
    if len(reason) > COMMENT_LIMIT:
        errors["school_approval_reason"] = _("At most {n} characters.").format(n=COMMENT_LIMIT)
    elif not reason:
        errors["school_approval_reason"] = _("Say why the event counts at this school.")
    if errors:
        raise ValidationFailed(errors)
    return reason
