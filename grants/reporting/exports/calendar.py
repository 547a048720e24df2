"""A municipality's events as an iCalendar feed (RFC 5545), for a coordinator's calendar program.

Each event is an all-day VEVENT: its UID is made of the report's id (or, for an event planned in the
application and not reported yet, of the planned event's id) and the site's host, so it stays the
same across fetches and a calendar updates the event in place; DTSTART is the day it
was held (or is planned for); SUMMARY its title, LOCATION the school, DESCRIPTION the project.
A cancelled event stays in the feed with STATUS:CANCELLED, so calendars remove it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from grants.reporting.tables import EventStatus
from grants.settings import get_settings

PRODID = "-//PuMPuRS Grants//Municipality events//LV"


def _host() -> str:
    return urlsplit(get_settings().base_url).hostname or "grants"


def event_uid(event_id: int) -> str:
    return f"event-report-{event_id}@{_host()}"


def planned_uid(planned_event_id: int) -> str:
    """An event planned in the application, before any report refers to it."""
    return f"planned-event-{planned_event_id}@{_host()}"


def calendar_bytes(name: str, events: list[dict[str, Any]], stamp: datetime) -> bytes:
    """The feed of these events (rows of queries.coordinator.feed_events)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for row in events:
        held = row["status"] == EventStatus.held
        day = row["held_on"] if held else row["planned_on"]
        event = Event()
        event.add("uid", planned_uid(row["id"]) if row["source"] == "plan" else event_uid(row["id"]))
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", row["title"])
        event.add("location", row["school_name"])
        event.add("description", f"{row['project']} — {row['organisation']} ({row['reference']})")
        if row["status"] == EventStatus.cancelled:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED" if held else "TENTATIVE")
        calendar.add_component(event)
    return calendar.to_ical()
