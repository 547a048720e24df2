"""Pure rules of reporting: when reports are due, and what makes an event report valid.

Due days and reminders: the programme's days, in one place. An event report: counts are whole
numbers from 0, the grade bands add up to the total, at most MAX_PARTICIPANTS and, above
LARGE_EVENT, confirmed by the grantee; the pupils at risk are some of them; a held event has a day
within the project period and not in the future (Riga time); a planned one is planned within the
period. The school is one of the register's, and one the programme counts (`school_basis`): planned
in the application, or taking part in PuMPuRS on the day in the call's municipality (merged
predecessors included); any other needs the grantee's reason and the staff's approval. The caller
looks the facts up and passes them in: these rules read no database.
"""

from grants.reporting.rules.common import (
    COMMENT_LIMIT,
    COSTS_BOUND,
    COUNT_LIMIT,
    EVENT_REMINDER_DAYS,
    EVENT_REPORT_DAYS,
    FINAL_REMINDER_DAYS,
    FINAL_REPORT_DAYS,
    LARGE_EVENT,
    LIMITS,
    MAX_EVENTS_PER_AWARD,
    MAX_PARTICIPANTS,
    TEXT_LIMIT,
    event_report_due,
    final_report_due,
    review_verdict,
)
from grants.reporting.rules.events import (
    BAND_FIELDS,
    FIELDS,
    SchoolBasis,
    SchoolFacts,
    check_event_room,
    clean_event,
    event_day,
    event_flags,
    in_pumpurs,
    school_approval,
    school_basis,
)
from grants.reporting.rules.final import clean_final, final_warnings

__all__ = [
    "BAND_FIELDS",
    "COMMENT_LIMIT",
    "COSTS_BOUND",
    "COUNT_LIMIT",
    "EVENT_REMINDER_DAYS",
    "EVENT_REPORT_DAYS",
    "FIELDS",
    "FINAL_REMINDER_DAYS",
    "FINAL_REPORT_DAYS",
    "LARGE_EVENT",
    "LIMITS",
    "MAX_EVENTS_PER_AWARD",
    "MAX_PARTICIPANTS",
    "SchoolBasis",
    "SchoolFacts",
    "TEXT_LIMIT",
    "check_event_room",
    "clean_event",
    "clean_final",
    "event_day",
    "event_flags",
    "event_report_due",
    "final_report_due",
    "final_warnings",
    "in_pumpurs",
    "review_verdict",
    "school_approval",
    "school_basis",
]
