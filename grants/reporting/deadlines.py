"""When reports are due, and when a reminder goes out: the programme's days, in one place."""

from __future__ import annotations

from datetime import date, timedelta

from grants.core.time import now, to_riga

EVENT_REPORT_DAYS = 30  # a held event is expected to be reported within this many days
FINAL_REPORT_DAYS = 30  # the final report is due this many days after the project's end date
FINAL_REMINDER_DAYS = 14  # the reminder goes out this many days before the final report is due
EVENT_REMINDER_DAYS = 14  # a planned event unreported this many days after its date is reminded of


def riga_today() -> date:
    """Today on the clocks of Riga: the day that counts for "not in the future" and for due dates."""
    return to_riga(now()).date()


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
