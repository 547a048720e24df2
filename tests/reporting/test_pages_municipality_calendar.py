"""The coordinator's secret calendar link: made on the page and shown once, replaced (which revokes the
old one) only after a confirmation; the feed parsed with the icalendar library holds exactly the
municipality's events, the cancelled one marked so, and nothing of another municipality."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from icalendar import Calendar
from piccolo.apps.user.tables import BaseUser

from grants.accounts.tables import UserRole
from grants.reporting.exports.calendar import event_uid, planned_uid
from grants.reporting.tables import CalendarFeed
from tests.factories import reporting_rows as data
from tests.factories.accounts import post_form
from tests.factories.coordinator import coordinator_browser
from tests.html import attr_of, form_actions, input_value, parse

pytestmark = pytest.mark.integration

FEED = re.compile(r"/calendar/([A-Za-z0-9_-]+)\.ics")


async def make_link(browser, code: str) -> str:
    """The calendar address the page shows once, as a path."""
    page = await post_form(browser, f"/municipality/{code}/calendar", {})
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "private, no-store"
    found = FEED.search(attr_of(page.text, "#feed-url", "value") or "")
    assert found is not None, page.text
    # The button that copies it is shown by static/js/copy.js (no inline script: the CSP forbids it).
    assert attr_of(page.text, "button[data-copy]", "data-copy") == "feed-url"
    assert [script["src"] for script in parse(page.text).select("script")] == [
        "/static/js/copy.js",
        "/static/js/drafts.js",
    ]
    return found.group(0)


def parsed(body: bytes) -> dict[str, dict]:
    """The feed's events by UID: their start, summary, location, description and status."""
    calendar = Calendar.from_ical(body)
    return {
        str(event["UID"]): {
            "start": event.decoded("DTSTART"),
            "summary": str(event["SUMMARY"]),
            "location": str(event["LOCATION"]),
            "description": str(event["DESCRIPTION"]),
            "status": str(event.get("STATUS", "")),
        }
        for event in calendar.walk("VEVENT")
    }


async def test_feed_holds_exactly_the_municipality_events(client, make_client):
    here = await data.school("LV-007", "Alūksnes novada vidusskola")
    there = await data.school("LV-111", "Augšdaugavas pamatskola")
    call = await data.call("LV-007")
    project = await data.project(call, title="Alūksnes jauniešu iniciatīva", status="in_progress")
    finished = await data.project(call, title="Pabeigtais", status="closed")
    declined = await data.project(call, title="Atteiktais", status="declined")
    planned = await data.event(
        project.award, here, status="planned", held_on=date(2027, 2, 3), title="Ziemas nometne"
    )
    held = await data.event(project.award, here, held_on=date(2026, 10, 9), title="Rudens darbnīca")
    cancelled = await data.event(
        project.award, here, status="cancelled", held_on=date(2026, 11, 2), title="Atcelta"
    )
    old = await data.event(finished.award, here, held_on=date(2026, 5, 5), title="Pavasaris")
    # Planned in the application: one not reported yet (in the feed as planned), one reported (in it
    # once, as its report); one of the finished project and one of another municipality's school (not).
    plan = await data.planned_event(project, here, date(2027, 3, 4), title="Pavasara darbnīca")
    reported = await data.planned_event(project, here, date(2027, 4, 5))
    as_report = await data.event(
        project.award, here, status="planned", held_on=date(2027, 4, 5), planned_event=reported
    )
    await data.planned_event(finished, here, date(2027, 3, 4))
    await data.planned_event(project, there, date(2027, 3, 4))
    # Not in the feed: another municipality's school, a declined project's, a held event not accepted.
    await data.event(project.award, there, held_on=date(2026, 10, 10), title="Citur")
    await data.event(declined.award, here, status="planned", held_on=date(2027, 1, 1), title="Nav")
    await data.event(project.award, here, held_on=date(2026, 10, 11), review="pending", title="Gaida")

    browser, _email = await coordinator_browser(make_client, "LV-007")
    link = await make_link(browser, "LV-007")
    response = await client.get(link)  # no session: the token is the credential

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    events = parsed(response.content)
    assert set(events) == {event_uid(i) for i in (planned, held, cancelled, old, as_report)} | {
        planned_uid(plan)
    }
    assert events[planned_uid(plan)] == {
        "start": date(2027, 3, 4),
        "summary": "Pavasara darbnīca",
        "location": "Alūksnes novada vidusskola",
        "description": f"Alūksnes jauniešu iniciatīva — {project.organisation['name']} ({project.reference})",
        "status": "TENTATIVE",
    }
    assert events[event_uid(planned)] == {
        "start": date(2027, 2, 3),
        "summary": "Ziemas nometne",
        "location": "Alūksnes novada vidusskola",
        "description": f"Alūksnes jauniešu iniciatīva — {project.organisation['name']} ({project.reference})",
        "status": "TENTATIVE",
    }
    assert events[event_uid(held)]["start"] == date(2026, 10, 9)
    assert events[event_uid(cancelled)]["status"] == "CANCELLED"
    assert {e["status"] for uid, e in events.items() if uid != event_uid(cancelled)} == {
        "TENTATIVE",
        "CONFIRMED",
    }
    again = parsed((await client.get(link)).content)
    assert set(again) == set(events)  # the UIDs stay the same from fetch to fetch


async def test_only_the_token_hash_is_kept_and_a_new_link_needs_confirmation_and_revokes_the_old(
    client, make_client
):
    browser, email = await coordinator_browser(make_client, "LV-033")
    old = await make_link(browser, "LV-033")
    token = FEED.search(old).group(1)
    stored = await CalendarFeed.select(CalendarFeed.token_hash).where(
        CalendarFeed.user == (await BaseUser.select(BaseUser.id).where(BaseUser.email == email).first())["id"]
    )
    assert stored == [{"token_hash": hashlib.sha256(token.encode()).hexdigest()}]

    follow = await browser.get("/municipality/LV-033/follow")
    assert token not in follow.text  # shown once only
    assert attr_of(follow.text, "a[href$='/calendar/new']", "href") == "/municipality/LV-033/calendar/new"

    unconfirmed = await post_form(browser, "/municipality/LV-033/calendar", {})
    assert FEED.search(unconfirmed.text) is None
    assert "/municipality/LV-033/calendar" in form_actions(unconfirmed.text)
    assert (await client.get(old)).status_code == 200  # nothing replaced yet

    confirm = await browser.get("/municipality/LV-033/calendar/new")
    assert input_value(confirm.text, "replace") == "yes"
    replaced = await post_form(browser, "/municipality/LV-033/calendar", {"replace": "yes"})
    new = FEED.search(replaced.text).group(0)
    assert new != old
    assert (await client.get(old)).status_code == 404
    assert (await client.get(new)).status_code == 200


async def test_unknown_or_malformed_tokens_and_a_former_coordinator_get_404(client, make_client):
    browser, email = await coordinator_browser(make_client, "LV-056")
    link = await make_link(browser, "LV-056")
    assert (await client.get(link.removesuffix(".ics"))).status_code == 404
    assert (await client.get("/calendar/" + "x" * 43 + ".ics")).status_code == 404
    assert (await client.get("/calendar/" + "x" * 5000 + ".ics")).status_code == 404
    # The coordinator's role moves to another municipality: the old link stops working.
    user = (await BaseUser.select(BaseUser.id).where(BaseUser.email == email).first())["id"]
    moved = await data.municipality_id("LV-106")
    await UserRole.update({UserRole.municipality: moved}).where(UserRole.user == user)
    assert (await client.get(link)).status_code == 404


async def test_another_coordinator_cannot_make_a_link_of_the_municipality(make_client):
    browser, _email = await coordinator_browser(make_client, "LV-056")
    refused = await post_form(browser, "/municipality/LV-007/calendar", {})
    assert refused.status_code == 403
    assert FEED.search(refused.text) is None
