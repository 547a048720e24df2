"""The coordinator's pages: the planned events ahead, the accepted events with their consented photos
(and the routes serving those photos), and the schools no funded event reached this school year.

Each test seeds a municipality no other test seeds (Krāslavas, Ludzas, Preiļu, Valkas), so its
pages hold exactly the seeded rows; where a test needs a merged municipality (Varakļāni into
Madona, seeded by the dashboard tests too), it looks only at its own schools.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from grants.core.auth import Role
from grants.core.time import riga_today
from grants.reporting.queries import coordinator as queries
from tests.factories import reporting_rows as data
from tests.factories.accounts import login, make_user
from tests.factories.coordinator import coordinator_browser, photo, pumpurs_school, set_event
from tests.html import attrs_of, definitions, parse, text, texts_of

pytestmark = pytest.mark.integration


def row_ids(html: str, selector: str) -> list[int]:
    return [int(node["id"].removeprefix("event-")) for node in parse(html).select(selector)]


def row_names(html: str, selector: str) -> list[str]:
    """The rows' ids as the page has them: "event-<report id>" or "planned-<planned event id>"."""
    return [node["id"] for node in parse(html).select(selector)]


async def test_schedule_lists_planned_events_from_today_by_date(make_client):
    today = riga_today()
    k1 = await data.school("LV-047", "Krāslavas pamatskola")
    k2 = await data.school("LV-047", "Indras pamatskola")
    away = await data.school("LV-058", "Ludzas vidusskola")
    call = await data.call("LV-047")
    running = await data.project(call, planned=[k1], title="Krāslavas piedzīvojumi")
    closed = await data.project(call, status="closed", title="Pabeigtais projekts")
    declined = await data.project(call, status="declined", title="Atteiktais projekts")
    later = await data.event(
        running.award, k1, status="planned", held_on=today + timedelta(days=5), title="Nometne"
    )
    first = await data.event(
        running.award, k2, status="planned", held_on=today, title="Darbnīca šodien", kind="camp"
    )
    # Planned in the application: one not reported yet (shown), one reported as planned (shown once,
    # as its report), one reported held (shown nowhere here), one of the finished project (left out).
    plan = await data.planned_event(running, k2, today + timedelta(days=3), title="Plānā, bez ziņojuma")
    reported = await data.planned_event(running, k1, today + timedelta(days=4))
    as_report = await data.event(
        running.award, k1, status="planned", held_on=today + timedelta(days=4), planned_event=reported
    )
    held_plan = await data.planned_event(running, k1, today + timedelta(days=6))
    await data.event(running.award, k1, held_on=today - timedelta(days=2), planned_event=held_plan)
    await data.planned_event(closed, k1, today + timedelta(days=3))
    # Left out: yesterday's, another municipality's school, a finished and a declined project's, a held one.
    await data.event(running.award, k1, status="planned", held_on=today - timedelta(days=1))
    await data.event(running.award, away, status="planned", held_on=today + timedelta(days=2))
    await data.event(closed.award, k1, status="planned", held_on=today + timedelta(days=2))
    await data.event(declined.award, k1, status="planned", held_on=today + timedelta(days=2))
    await data.event(running.award, k1, held_on=today - timedelta(days=3))

    browser, _email = await coordinator_browser(make_client, "LV-047")
    page = await browser.get("/municipality/LV-047/schedule")

    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"
    assert row_names(page.text, "#schedule tbody tr") == [
        f"event-{first}",
        f"planned-{plan}",
        f"event-{as_report}",
        f"event-{later}",
    ]
    assert texts_of(page.text, f"#planned-{plan} th") == ["Plānā, bez ziņojuma"]
    cells = [text(td) for td in parse(page.text).select(f"#event-{first} td, #event-{first} th")]
    assert cells[1:] == [
        "Indras pamatskola",
        f"Krāslavas piedzīvojumi {running.organisation['name']}",
        "Camp",
        "Darbnīca šodien",
    ]


async def test_schedule_pages_through_more_than_a_page(make_client):
    today = riga_today()
    school = await data.school("LV-101", "Valkas pamatskola")
    project = await data.project(await data.call("LV-101"))
    ids = [
        await data.event(project.award, school, status="planned", held_on=today + timedelta(days=n))
        for n in range(queries.PER_PAGE + 1)
    ]
    browser, _email = await coordinator_browser(make_client, "LV-101")

    first = await browser.get("/municipality/LV-101/schedule")
    second = await browser.get("/municipality/LV-101/schedule?page=2")
    beyond = await browser.get("/municipality/LV-101/schedule?page=99")

    assert row_ids(first.text, "#schedule tbody tr") == ids[: queries.PER_PAGE]
    assert row_ids(second.text, "#schedule tbody tr") == ids[queries.PER_PAGE :]
    assert row_ids(beyond.text, "#schedule tbody tr") == ids[queries.PER_PAGE :]  # the last page
    assert attrs_of(first.text, "a[rel=next]", "href") == ["/municipality/LV-101/schedule?page=2"]
    assert attrs_of(second.text, "a[rel=prev]", "href") == ["/municipality/LV-101/schedule"]


async def test_schedule_of_a_municipality_takes_in_the_one_merged_into_it():
    today = riga_today()
    varaklani = await data.school("LV-102", "Varakļānu koordinatoru skola")
    madona = await data.school("LV-059", "Madonas koordinatoru skola")
    project = await data.project(await data.call("LV-059"), status="in_progress")
    old = await data.event(project.award, varaklani, status="planned", held_on=today + timedelta(days=1))
    new = await data.event(project.award, madona, status="planned", held_on=today + timedelta(days=2))
    mine = {varaklani, madona}

    found = await queries.schedule(["LV-059", "LV-102"], today)

    assert [row["id"] for row in found.rows if row["school"] in mine] == [old, new]
    former = await queries.schedule(["LV-102"], today)
    assert [row["id"] for row in former.rows if row["school"] in mine] == [old]


async def test_accepted_events_show_counts_description_and_consented_photos_only(make_client):
    here = await data.school("LV-058", "Ludzas pilsētas ģimnāzija")
    away = await data.school("LV-073", "Preiļu ģimnāzija")
    project = await data.project(await data.call("LV-058"), title="Ludzas jaunieši")
    shown = await data.event(
        project.award, here, (2, 10, 5, 0), held_on=date(2026, 5, 14), title="Saliedēšanās diena"
    )
    await set_event(shown, description="Spēles un <b>sarunas</b> par mācībām.", participants_at_risk=4)
    older = await data.event(
        project.award, here, (0, 3, 0, 0), held_on=date(2026, 4, 2), title="Pirmā tikšanās"
    )
    pending = await data.event(
        project.award, here, held_on=date(2026, 5, 20), review="pending", title="Gaida"
    )
    returned = await data.event(
        project.award, here, held_on=date(2026, 5, 21), review="returned", title="Atgriezts"
    )
    elsewhere = await data.event(project.award, away, held_on=date(2026, 5, 22), title="Citur")
    consented = await photo(shown, consent=True)
    private = await photo(shown, consent=False)
    of_pending = await photo(pending, consent=True)
    of_elsewhere = await photo(elsewhere, consent=True)

    browser, _email = await coordinator_browser(make_client, "LV-058")
    page = await browser.get("/municipality/LV-058/events")

    assert page.status_code == 200
    assert row_ids(page.text, "article[id^=event-]") == [shown, older]  # newest first
    card = parse(page.text).select_one(f"#event-{shown}")
    # The grade bands scroll sideways inside the card on a phone: a region named by the caption and
    # the event's title (each event's region has a name of its own).
    region = card.select_one("div.table-scroll[role=region][tabindex='0']")
    caption, title, ref = region["aria-labelledby"].split()
    assert [text(card.select_one(f"#{part}")) for part in (caption, title, ref)] == [
        "Participants per grade band",
        "Saliedēšanās diena",
        f"event no. {shown}",
    ]
    assert region.select("table caption")[0]["id"] == caption
    assert definitions(card)["Participants"] == "17"
    assert definitions(card)["Of them at risk of early school leaving"] == "4"
    assert {td["data-band"]: text(td) for td in card.select("td[data-band]")} == {
        "1-4": "2",
        "5-9": "10",
        "10-12": "5",
        "vocational": "0",
    }
    assert text(card.select_one("p.description")) == "Spēles un <b>sarunas</b> par mācībām."
    assert "<b>sarunas</b>" not in page.text  # escaped
    assert attrs_of(card, "ul.photos img", "src") == [
        f"/municipality/LV-058/photos/{consented['id']}/thumbnail"
    ]
    assert attrs_of(card, "ul.photos a", "href") == [f"/municipality/LV-058/photos/{consented['id']}"]
    assert "Gaida" not in texts_of(page.text, "h2") and "Atgriezts" not in texts_of(page.text, "h2")

    thumbnail = await browser.get(f"/municipality/LV-058/photos/{consented['id']}/thumbnail")
    assert thumbnail.status_code == 200
    assert thumbnail.content == consented["thumbnail"]
    full = await browser.get(f"/municipality/LV-058/photos/{consented['id']}")
    assert full.status_code == 200
    assert full.content == consented["image"]
    assert full.headers["content-disposition"].startswith("attachment;")
    assert full.headers["x-content-type-options"] == "nosniff"
    assert full.headers["cache-control"] == "private, no-store"
    for refused in (private, of_pending, of_elsewhere):
        for suffix in ("", "/thumbnail"):
            missing = await browser.get(f"/municipality/LV-058/photos/{refused['id']}{suffix}")
            assert missing.status_code == 404
            assert missing.content not in (refused["image"], refused["thumbnail"])
    assert returned not in row_ids(page.text, "article[id^=event-]")

    # The other municipality's coordinator does not get this municipality's photo through their own page.
    other, _email = await coordinator_browser(make_client, "LV-073")
    assert (await other.get(f"/municipality/LV-073/photos/{consented['id']}")).status_code == 404
    assert (await other.get(f"/municipality/LV-058/photos/{consented['id']}")).status_code == 403


async def test_staff_see_the_coordinator_pages_and_other_roles_do_not(make_client):
    staff = make_client()
    await login(staff, await make_user(Role.staff))
    for path in ("schedule", "events", "coverage", "follow"):
        assert (await staff.get(f"/municipality/LV-058/{path}")).status_code == 200
    applicant = make_client()
    await login(applicant, await make_user(Role.applicant))
    assert (await applicant.get("/municipality/LV-058/events")).status_code == 403
    anonymous = await make_client().get("/municipality/LV-058/events")
    assert anonymous.status_code == 302
    assert anonymous.headers["location"] == "/login?next=%2Fmunicipality%2FLV-058%2Fevents"
    assert (await staff.get("/municipality/LV-999/events")).status_code == 404


@pytest.mark.unit
def test_school_year_runs_from_1_september_to_31_august():
    assert queries.school_year(date(2026, 8, 31)) == (date(2025, 9, 1), date(2026, 8, 31))
    assert queries.school_year(date(2026, 9, 1)) == (date(2026, 9, 1), date(2027, 8, 31))
    assert queries.school_year(date(2027, 1, 1)) == (date(2026, 9, 1), date(2027, 8, 31))


async def test_coverage_counts_an_event_of_31_august_for_the_year_ending_then():
    edge = await pumpurs_school("LV-073", "Malta 31. augusts")
    idle = await pumpurs_school("LV-073", "Bez pasākumiem")
    waiting = await pumpurs_school("LV-073", "Tikai neapstiprināts")
    last_year = await pumpurs_school("LV-073", "Pagājušais gads")
    left = await pumpurs_school("LV-073", "Izstājusies", until=date(2026, 8, 31))
    joined = await pumpurs_school("LV-073", "Pievienojusies", since=date(2026, 9, 2))
    outside = await data.school("LV-073", "Nav PuMPuRS skola")
    project = await data.project(await data.call("LV-073"))
    await data.event(project.award, edge, held_on=date(2026, 8, 31))
    await data.event(project.award, waiting, held_on=date(2026, 5, 1), review="pending")
    await data.event(project.award, last_year, held_on=date(2025, 8, 31))
    await data.event(project.award, outside, held_on=date(2026, 5, 1), review="returned")
    mine = {edge, idle, waiting, last_year, left, joined, outside}

    async def uncovered(today: date) -> set[str]:
        rows = await queries.uncovered_schools(["LV-073"], today)
        return {row["registration_number"] for row in rows} & mine

    assert await uncovered(date(2026, 8, 31)) == {idle, waiting, last_year, left}
    # 1 September starts a new school year: the event of 31 August no longer covers the school,
    # and the school that left PuMPuRS on 31 August is no longer listed.
    assert await uncovered(date(2026, 9, 1)) == {idle, waiting, last_year, edge}
    assert await uncovered(date(2026, 9, 2)) == {idle, waiting, last_year, edge, joined}


async def test_coverage_page_lists_the_uncovered_schools_of_today(make_client):
    school = await pumpurs_school("LV-015", "Balvu sākumskola")
    covered = await pumpurs_school("LV-015", "Balvu ģimnāzija")
    project = await data.project(await data.call("LV-015"))
    await data.event(project.award, covered, held_on=riga_today())
    browser, _email = await coordinator_browser(make_client, "LV-015")

    page = await browser.get("/municipality/LV-015/coverage")

    assert page.status_code == 200
    assert [text(a) for a in parse(page.text).select("#uncovered a")] == ["Balvu sākumskola"]
    assert attrs_of(page.text, "#uncovered a", "href") == [f"/registry/schools/{school}"]
