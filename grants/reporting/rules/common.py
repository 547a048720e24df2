"""Reporting's days and limits: when reports are due and reminded of, and how long texts may be."""

from __future__ import annotations

from datetime import date, timedelta

from grants.applications.rules import MAX_EVENTS
from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.reporting.states import DECISIONS
from grants.reporting.tables import ReviewStatus

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


LIMITS = {"title": 300, "description": 5000, "cancel_reason": 2000, "school_reason": 2000}
COMMENT_LIMIT = 2000  # a review's comment, and the staff's reason for approving a school
TEXT_LIMIT = 20_000  # each text of the final report
MAX_PARTICIPANTS = 1_000  # one event in one school: more is refused
LARGE_EVENT = 200  # more participants than this: the grantee confirms the count
# A count typed beyond this is not read as a number at all (it would not fit the column either).
COUNT_LIMIT = 1_000_000_000
# Reports of one award, whatever their state: as many as the application may plan events
# (applications.rules.MAX_EVENTS, 200), so every planned event can be reported; for the longest
# project (18 months, about 78 weeks) that is more than two events a week. Checked under the award's lock.
MAX_EVENTS_PER_AWARD = MAX_EVENTS
COSTS_BOUND = 10  # a final report's costs above this many times the award are a typing error


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
