"""Projects linked to schools and municipalities: a school's page lists the projects and events
that reached it, a project's page the schools and municipalities it reaches (planned and held),
and a school of a merged municipality counts under today's municipality."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.factories import reporting_rows as data
from tests.html import caption_rows, text_of, texts_of

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def vecumnieki(database) -> dict:
    """A school registered under Vecumnieku novads (LV-105, in Bauskas novads since 2021), reached by
    one project that planned and held events there and one that only held one; a declined award
    and an application that was not awarded also named it."""
    school = await data.school("LV-105", "Vecumnieku vidusskola")
    other = await data.school("LV-016", "Misas pamatskola")
    call = await data.call("LV-016", title="Bauskas jauniešu iniciatīvas")
    planner = await data.project(call, planned=[school, other], title="Lasītāju klubs")
    visitor = await data.project(call, planned=[other], title="Ceļojošais teātris")
    declined = await data.project(call, planned=[school], status="declined", title="Atteiktā ekskursija")
    await data.unawarded(call, await data.organisation(), "Neatbalstītā nometne", planned=school)
    held = [
        (planner, (0, 12, 3, 0), date(2026, 4, 20), "Lasīšanas maratons"),
        (planner, (4, 4, 0, 0), date(2026, 5, 5), "Grāmatu darbnīca"),
        (visitor, (0, 0, 18, 2), date(2026, 5, 12), "Teātra izrāde"),
    ]
    for project, bands, day, title in held:
        await data.event(project.award, school, bands, held_on=day, title=title)
    await data.event(planner.award, school, (0, 50, 0, 0), review="returned", title="Atgrieztais pārskats")
    await data.event(planner.award, school, status="cancelled", title="Atceltā spēle")
    await data.event(visitor.award, other, (1, 1, 1, 1), title="Misas darbnīca")
    return {
        "school": school,
        "other": other,
        "planner": planner,
        "visitor": visitor,
        "declined": declined,
        "held": held,
    }


async def test_school_page_lists_the_projects_and_events_that_reached_it(client, vecumnieki):
    v = vecumnieki
    page = await client.get(f"/registry/schools/{v['school']}")
    assert page.status_code == 200
    html = page.text
    assert caption_rows(html, "Projects that reached the school") == [
        # newest award first (same moment: the later one), then events planned and held here
        [f"Ceļojošais teātris {v['visitor'].reference}", v["visitor"].organisation["name"], "0", "1"],
        [f"Lasītāju klubs {v['planner'].reference}", v["planner"].organisation["name"], "1", "2"],
    ]
    assert caption_rows(html, "Events held at the school") == [
        ["Apr 20, 2026", "Lasīšanas maratons Workshop", v["planner"].reference, "15"],
        ["May 5, 2026", "Grāmatu darbnīca Workshop", v["planner"].reference, "8"],
        ["May 12, 2026", "Teātra izrāde Workshop", v["visitor"].reference, "20"],
    ]
    bands = dict(re.findall(r'data-band="([^"]+)">(\d+)<', html))
    assert bands == {"1-4": "4", "5-9": "16", "10-12": "21", "vocational": "2"}
    for leak in (
        "Atteiktā ekskursija",
        "Neatbalstītā nometne",
        "Atgrieztais pārskats",
        "Atceltā spēle",
        "Misas darbnīca",
    ):
        assert leak not in html


async def test_school_of_a_merged_municipality_resolves_to_its_successor(client, vecumnieki):
    html = (await client.get(f"/registry/schools/{vecumnieki['school']}")).text
    assert text_of(html, 'p > a[href="/registry/LV-016"]') == "Bauskas novads"
    assert (
        "Registered under Vecumnieku novads, which is now part of Bauskas novads; it counts under Bauskas novads."
        in texts_of(html, "p")
    )
    registry = (await client.get("/registry/LV-016")).text
    assert text_of(registry, f'a[href="/registry/schools/{vecumnieki["school"]}"]') == "Vecumnieku vidusskola"


async def test_project_page_shows_the_schools_and_municipalities_it_reaches(client, vecumnieki):
    v = vecumnieki
    page = await client.get(f"/results/projects/{v['planner'].award}")
    assert page.status_code == 200
    html = page.text
    assert caption_rows(html, "Schools the project reaches") == [
        ["Misas pamatskola", "Bauskas novads", "1", "0", "0"],
        ["Vecumnieku vidusskola", "Bauskas novads", "1", "2", "23"],
    ]
    assert text_of(html, 'dd > a[href="/registry/LV-016"]') == "Bauskas novads"
    visitor = (await client.get(f"/results/projects/{v['visitor'].award}")).text
    # Planned only in Misa, but reported an event in Vecumnieki: both count as reached.
    assert caption_rows(visitor, "Schools the project reaches") == [
        ["Misas pamatskola", "Bauskas novads", "1", "1", "4"],
        ["Vecumnieku vidusskola", "Bauskas novads", "0", "1", "20"],
    ]


async def test_unknown_school_and_declined_project_are_not_found(client, vecumnieki):
    assert (await client.get("/registry/schools/0000000000")).status_code == 404
    assert (await client.get(f"/results/projects/{vecumnieki['declined'].award}")).status_code == 404
    assert (await client.get("/results/projects/2147483648")).status_code == 400
