"""The coordinators' weekly digest: switched on and off on the page; the worker's job mails each
subscriber once in a Riga week the events accepted in the week before and those planned in this
one, in the reader's language, and nothing when there is nothing to tell."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.tables import AccountProfile
from grants.core.mail import deliver_pending
from grants.core.time import format_day, riga_local
from grants.reporting.notify import digest_week, send_weekly_digests
from grants.reporting.tables import WeeklyDigest
from grants.settings import get_settings
from grants.worker import jobs
from tests.core.conftest import outbox  # noqa: F401 - a fixture, used by name
from tests.factories import reporting_rows as data
from tests.factories.accounts import post_form
from tests.factories.coordinator import coordinator_browser, set_event
from tests.factories.mail import outbox_for, smtp_settings
from tests.html import text_of

pytestmark = pytest.mark.integration

MONDAY = riga_local(date(2026, 12, 14), 7)  # the week of 14–20 December 2026


async def user_id(email: str) -> int:
    return (await BaseUser.select(BaseUser.id).where(BaseUser.email == email).first())["id"]


async def subscriber(make_client, code: str, language: str = "en") -> str:
    """A coordinator who switched the digest on through the page, reading `language`."""
    browser, email = await coordinator_browser(make_client, code)
    switched = await post_form(browser, f"/municipality/{code}/digest", {"digest": "on"})
    assert switched.status_code == 303
    await AccountProfile.insert(AccountProfile(user=await user_id(email), language=language))
    return email


async def accepted_at(award: int, school: str, moment: datetime, title: str, held_on: date) -> int:
    event = await data.event(award, school, held_on=held_on, title=title)
    await set_event(event, reviewed_at=moment)
    return event


def test_digest_week_is_the_riga_week_monday_to_sunday():
    assert digest_week(MONDAY) == (date(2026, 12, 14), date(2026, 12, 20))
    # Sunday 23:30 in Riga is still that week, though it is Sunday 21:30 UTC.
    assert digest_week(riga_local(date(2026, 12, 20), 23, 30)) == (date(2026, 12, 14), date(2026, 12, 20))
    assert digest_week(riga_local(date(2026, 12, 21), 0, 0)) == (date(2026, 12, 21), date(2026, 12, 27))


async def test_the_switch_on_the_page_turns_the_digest_on_and_off(make_client):
    browser, email = await coordinator_browser(make_client, "LV-106")
    page = await browser.get("/municipality/LV-106/follow")
    assert text_of(page.text, "#digest-state") == "You do not receive the weekly e-mail."

    on = await post_form(browser, "/municipality/LV-106/digest", {"digest": "on"})
    assert on.headers["location"] == "/municipality/LV-106/follow?done=on"
    assert text_of((await browser.get(on.headers["location"])).text, "#digest-state") == (
        "You receive the weekly e-mail."
    )
    assert await WeeklyDigest.count().where(WeeklyDigest.user == await user_id(email)) == 1
    await post_form(browser, "/municipality/LV-106/digest", {"digest": "on"})  # twice: still one row
    assert await WeeklyDigest.count().where(WeeklyDigest.user == await user_id(email)) == 1

    await post_form(browser, "/municipality/LV-106/digest", {"digest": "off"})
    assert await WeeklyDigest.count().where(WeeklyDigest.user == await user_id(email)) == 0


async def test_digest_tells_the_past_week_accepted_and_this_week_planned_events_once(make_client):
    here = await data.school("LV-112", "Dienvidkurzemes vidusskola")
    away = await data.school("LV-026", "Dobeles sākumskola")
    project = await data.project(await data.call("LV-112"), title="Jūrmalas vējš")
    week_before = riga_local(date(2026, 12, 7))
    told = await accepted_at(project.award, here, week_before, "Pieņemts pirmdien", date(2026, 12, 4))
    await accepted_at(
        project.award, here, week_before - timedelta(minutes=1), "Pieņemts agrāk", date(2026, 12, 3)
    )
    await accepted_at(
        project.award, here, riga_local(date(2026, 12, 14)), "Pieņemts šonedēļ", date(2026, 12, 5)
    )
    await accepted_at(project.award, away, week_before - timedelta(days=2), "Citā novadā", date(2026, 12, 4))
    pending = await data.event(
        project.award, here, held_on=date(2026, 12, 8), review="pending", title="Gaida"
    )
    await set_event(pending, reviewed_at=week_before + timedelta(days=1))
    await data.event(
        project.award, here, status="planned", held_on=date(2026, 12, 20), title="Svētdienas nometne"
    )
    await data.event(project.award, here, status="planned", held_on=date(2026, 12, 21), title="Nākamnedēļ")
    await data.event(
        project.award, here, status="planned", held_on=date(2026, 12, 13), title="Pagājusī svētdiena"
    )
    email = await subscriber(make_client, "LV-112")
    quiet = await subscriber(make_client, "LV-026")  # its school's event was accepted before the window

    await send_weekly_digests(MONDAY)
    await send_weekly_digests(MONDAY + timedelta(hours=3))  # the same week: nothing more
    await send_weekly_digests(MONDAY + timedelta(days=3))

    mails = await outbox_for(email)
    assert len(mails) == 1
    assert mails[0]["subject"] == "The week in the schools of Dienvidkurzemes novads"
    assert mails[0]["dedupe_key"] == f"weekly-digest:{await user_id(email)}:2026-12-14"
    body = mails[0]["body_text"]
    listed = [line for line in body.splitlines() if line.startswith("- ")]
    organisation = project.organisation["name"]
    assert listed == [
        f"- Dec 4, 2026, Dienvidkurzemes vidusskola: Pieņemts pirmdien (Jūrmalas vējš, {organisation}; 15 participants)",
        f"- Dec 20, 2026, Dienvidkurzemes vidusskola: Svētdienas nometne (Jūrmalas vējš, {organisation})",
    ]
    assert f"{get_settings().base_url}/municipality/LV-112" in body
    stored = await WeeklyDigest.select(WeeklyDigest.last_sent_at).where(
        WeeklyDigest.user == await user_id(email)
    )
    assert stored[0]["last_sent_at"] is not None
    assert await outbox_for(quiet) == []  # nothing to tell: no mail

    # The next week has news again: one more digest.
    await set_event(told, reviewed_at=riga_local(date(2026, 12, 16)))
    await send_weekly_digests(MONDAY + timedelta(days=7))
    assert len(await outbox_for(email)) == 2


async def test_nothing_to_tell_sends_nothing_and_leaves_the_week_open(make_client):
    school = await data.school("LV-050", "Kuldīgas centra vidusskola")
    project = await data.project(await data.call("LV-050"))
    email = await subscriber(make_client, "LV-050")

    await send_weekly_digests(MONDAY)
    assert await outbox_for(email) == []
    assert await WeeklyDigest.select(WeeklyDigest.last_sent_at).where(
        WeeklyDigest.user == await user_id(email)
    ) == [{"last_sent_at": None}]

    # Planned later in the same week: the digest goes then, once.
    await data.event(project.award, school, status="planned", held_on=date(2026, 12, 18), title="Piektdiena")
    await send_weekly_digests(MONDAY + timedelta(days=2))
    await send_weekly_digests(MONDAY + timedelta(days=2, hours=1))
    assert [m["dedupe_key"] for m in await outbox_for(email)] == [
        f"weekly-digest:{await user_id(email)}:2026-12-14"
    ]


async def test_two_workers_at_once_send_one_digest(make_client):
    school = await data.school("LV-052", "Ķekavas vidusskola")
    project = await data.project(await data.call("LV-052"))
    await data.event(project.award, school, status="planned", held_on=date(2026, 12, 15), title="Otrdiena")
    email = await subscriber(make_client, "LV-052")

    await asyncio.gather(send_weekly_digests(MONDAY), send_weekly_digests(MONDAY))

    assert len(await outbox_for(email)) == 1


async def test_digest_in_latvian_reaches_the_smtp_server(make_client, outbox, smtp):  # noqa: F811
    school = await data.school("LV-068", "Olaines vidusskola")
    project = await data.project(await data.call("LV-068"), title="Olaines projekts")
    await data.event(
        project.award, school, status="planned", held_on=date(2026, 12, 17), title="Ceturtdienas darbnīca"
    )
    email = await subscriber(make_client, "LV-068", language="lv")
    await send_weekly_digests(MONDAY)

    await deliver_pending(smtp_settings(smtp.port))

    [message] = smtp.to(email)
    body = message.get_body(("plain",)).get_content()
    assert "Ceturtdienas darbnīca" in body
    assert f"{format_day(date(2026, 12, 17), 'lv')}, Olaines vidusskola: Ceturtdienas darbnīca" in body
    assert "Olaines novads" in message["Subject"]


async def test_a_subscriber_who_is_no_longer_a_coordinator_gets_nothing(make_client):
    school = await data.school("LV-062", "Mārupes pamatskola")
    project = await data.project(await data.call("LV-062"))
    await data.event(project.award, school, status="planned", held_on=date(2026, 12, 16))
    email = await subscriber(make_client, "LV-062")
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.email == email)

    await send_weekly_digests(MONDAY)

    assert await outbox_for(email) == []


def test_the_worker_runs_the_digest_daily():
    [job] = [job for job in jobs(get_settings()) if job.name == "weekly_digest"]
    assert (job.hour, job.run) == (get_settings().reminder_hour, send_weekly_digests)


async def test_only_coordinators_switch_the_digest(make_client):
    from grants.core.auth import Role
    from tests.factories.accounts import login, make_user

    staff = make_client()
    await login(staff, await make_user(Role.staff))
    refused = await post_form(staff, "/municipality/LV-106/digest", {"digest": "on"})
    assert refused.status_code == 403
    assert text_of((await staff.get("/municipality/LV-106/follow")).text, "#digest-state") is None


async def test_digest_tells_an_event_planned_in_the_application_and_not_reported_yet(make_client):
    from grants.applications.tables import PlannedEvent

    here = await data.school("LV-077", "Rēzeknes novada pamatskola")
    project = await data.project(await data.call("LV-077"), title="Ezeru stāsti", planned=[here])
    await PlannedEvent.update(
        {PlannedEvent.planned_date: date(2026, 12, 17), PlannedEvent.title: "Ziemas darbnīca"}
    ).where(PlannedEvent.application == project.application)
    email = await subscriber(make_client, "LV-077")

    await send_weekly_digests(MONDAY)

    (mail,) = await outbox_for(email)
    listed = [line for line in mail["body_text"].splitlines() if line.startswith("- ")]
    organisation = project.organisation["name"]
    assert listed == [
        f"- Dec 17, 2026, Rēzeknes novada pamatskola: Ziemas darbnīca (Ezeru stāsti, {organisation})"
    ]
