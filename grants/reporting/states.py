"""Reporting's states and how they read: event and review states, the staff's review decisions,
project states for the public, grade bands and months."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from grants.awards import states as awards_labels
from grants.awards.tables import AwardStatus
from grants.core.i18n import _, get_language
from grants.reporting.tables import EventStatus, ReviewStatus

# Which way an event report may move when it is edited: planned → held | cancelled, never back.
EVENT_MOVES = {
    EventStatus.planned.value: {s.value for s in EventStatus},
    EventStatus.held.value: {EventStatus.held.value},
    EventStatus.cancelled.value: {EventStatus.cancelled.value},
}

# The staff's review of a report (event or final): accept it or return it with a comment.
ACCEPT = "accept"
RETURN = "return"
# A decision word → the report's review state; "approve" is the word the final report's API and
# form were published with, taken as ACCEPT.
DECISIONS = {ACCEPT: ReviewStatus.accepted, "approve": ReviewStatus.accepted, RETURN: ReviewStatus.returned}


def award_statuses() -> dict[str, str]:
    """A funded project's state for the public (a declined award is never shown as a project)."""
    labels = awards_labels.award_statuses()
    del labels[AwardStatus.declined]
    return {**labels, AwardStatus.awarded: _("Awarded")}


def band_labels() -> dict[str, str]:
    return {
        "1-4": _("Grades 1–4"),
        "5-9": _("Grades 5–9"),
        "10-12": _("Grades 10–12"),
        "vocational": _("Vocational, courses 1–4"),
    }


def school_rules() -> dict[str, str]:
    """The school rule's verdict on an event (rules.SchoolBasis), as the staff's review page says it."""
    return {
        "planned": _("Planned school: the application planned an event there"),
        "pumpurs": _("PuMPuRS school of the municipality on that date"),
        "other": _("Other school: it counts only once the staff approve it"),
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


def month_label(year: int, month: int) -> str:
    """ "maijs 2026", "May 2026"."""
    return format_date(date(year, month, 1), "LLLL y", locale=get_language())
