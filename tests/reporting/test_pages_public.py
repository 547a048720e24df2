"""Public results: per call, every funded project filtered by municipality and year, page by page.
Declined awards and applications that were not awarded never appear."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from grants.core.auth import Role
from grants.core.money import display_cents
from grants.reporting.queries.results import PER_PAGE
from tests.factories import reporting_rows as data
from tests.factories.accounts import login, make_user
from tests.html import attr_of, attrs_of, notice, selected_option, table_rows, text_of, texts_of

pytestmark = pytest.mark.integration


def project_ids(html: str) -> list[int]:
    """The award id of each project row of a results page, in order."""
    return [int(row.removeprefix("project-")) for row in attrs_of(html, 'tr[id^="project-"]', "id")]


async def test_call_results_show_projects_organisations_amounts_and_schools(client):
    school = await data.school("LV-089", "Saulkrastu vidusskola")
    call = await data.call("LV-089", title="Saulkrastu jauniešu konkurss")
    funded = await data.project(call, amount_cents=412_345, planned=[school], title="Jūras darbnīcas")
    await data.event(funded.award, school, (0, 14, 2, 0))
    declined = await data.project(call, status="declined", title="Atteiktā nometne", planned=[school])
    rejected_org = await data.organisation("Biedrība “Nefinansētie”", "LV-089")
    await data.unawarded(call, rejected_org, "Nefinansētā nometne", planned=school)
    page = await client.get(f"/results/calls/{call}")
    assert page.status_code == 200
    html = page.text
    assert project_ids(html) == [funded.award]
    assert table_rows(html, f"tr#project-{funded.award}") == [
        [
            f"Jūras darbnīcas {funded.reference}",
            funded.organisation["name"],
            display_cents(412_345, "en"),  # €4,123.45
            "Saulkrastu vidusskola (Saulkrastu novads; 1 event held)",
        ]
    ]
    for leak in ("Atteiktā nometne", declined.organisation["name"], "Nefinansētā nometne", "Nefinansētie"):
        assert leak not in html
    listing = (await client.get("/results")).text
    call_row = listing.split(f'<tr id="call-{call}">')[1].split("</tr>")[0]
    assert re.findall(r'<td class="number">([^<]+)</td>', call_row) == ["1", display_cents(412_345, "en")]


async def test_calls_without_results_are_not_public(client):
    undecided = await data.call("LV-089", status="in_review", title="Vēl vērtējamais konkurss")
    await data.unawarded(undecided, await data.organisation(), "Noraidītais projekts")
    assert (await client.get(f"/results/calls/{undecided}")).status_code == 404
    assert "Vēl vērtējamais konkurss" not in (await client.get("/results")).text
    assert "Noraidītais projekts" not in (await client.get("/results/projects")).text
    decided_empty = await data.call("LV-089", status="decided", title="Konkurss bez projektiem")
    page = await client.get(f"/results/calls/{decided_empty}")
    assert page.status_code == 200
    assert "No project was funded in this call." in texts_of(page.text, "p")


async def test_funded_projects_filter_by_municipality_and_year_in_riga_time(client):
    school = await data.school("LV-054", "Limbažu vidusskola")
    home = await data.call("LV-054", title="Limbažu konkurss")
    away = await data.call("LV-097", title="Talsu konkurss")
    # 22:30 UTC on 31 December is already 00:30 on 1 January in Riga.
    new_year = await data.project(home, decided_at=datetime(2025, 12, 31, 22, 30, tzinfo=UTC))
    old_year = await data.project(home, decided_at=datetime(2025, 12, 31, 21, 30, tzinfo=UTC))
    reaching = await data.project(away, planned=[school], decided_at=datetime(2026, 2, 1, tzinfo=UTC))
    elsewhere = await data.project(away, decided_at=datetime(2026, 2, 1, tzinfo=UTC))
    declined = await data.project(home, status="declined", decided_at=datetime(2026, 2, 2, tzinfo=UTC))
    html = (await client.get("/results/projects", params={"municipality": "LV-054"})).text
    assert project_ids(html) == [reaching.award, new_year.award, old_year.award]
    assert notice(html) == "3 funded projects"
    in_2026 = (await client.get("/results/projects", params={"municipality": "LV-054", "year": 2026})).text
    assert project_ids(in_2026) == [reaching.award, new_year.award]
    in_2025 = (await client.get("/results/projects", params={"municipality": "LV-054", "year": 2025})).text
    assert project_ids(in_2025) == [old_year.award]
    assert text_of(in_2026, 'select[name="year"] option[value="2025"]') == "2025"
    assert selected_option(in_2026, "year") == "2026"
    talsi = (await client.get("/results/projects", params={"municipality": "LV-097"})).text
    assert project_ids(talsi) == [elsewhere.award, reaching.award]  # same moment: the later award first
    assert declined.title not in html + talsi
    assert (await client.get(f"/results/projects/{declined.award}")).status_code == 404


async def test_funded_projects_are_paginated(client):
    call = await data.call("LV-099", title="Tukuma konkurss")
    made = [
        await data.project(call, decided_at=datetime(2026, 1, 1 + n, 12, tzinfo=UTC))
        for n in range(PER_PAGE + 2)
    ]
    newest_first = [p.award for p in reversed(made)]
    first = (await client.get("/results/projects", params={"municipality": "LV-099"})).text
    assert project_ids(first) == newest_first[:PER_PAGE]
    assert text_of(first, 'li[aria-current="page"]') == "Page 1 of 2"
    assert attr_of(first, 'a[rel="next"]', "href") == "/results/projects?municipality=LV-099&page=2"
    second = (await client.get("/results/projects", params={"municipality": "LV-099", "page": 2})).text
    assert project_ids(second) == newest_first[PER_PAGE:]
    assert attr_of(second, 'a[rel="prev"]', "href") == "/results/projects?municipality=LV-099"
    beyond = (await client.get("/results/projects", params={"municipality": "LV-099", "page": 9})).text
    assert project_ids(beyond) == newest_first[PER_PAGE:]


async def test_public_pages_are_cacheable_for_anonymous_visitors_only(client, make_client):
    call = await data.call("LV-089", title="Kešojamais konkurss")
    await data.project(call)
    visitor = make_client()
    first = await visitor.get(f"/results/calls/{call}")  # sets the visitor's CSRF cookie: never cached
    assert (first.headers["cache-control"], visitor.cookies.get("grants_csrf") is not None) == (
        "no-store",
        True,
    )
    anonymous = await visitor.get(f"/results/calls/{call}")
    assert anonymous.headers["cache-control"] == "public, max-age=300"
    assert anonymous.headers["vary"] == "Cookie, Accept-Language"
    signed_in = make_client()
    await login(signed_in, await make_user(Role.staff))
    private = await signed_in.get(f"/results/calls/{call}")
    assert private.headers["cache-control"] == "no-store"


async def test_results_are_in_the_public_navigation(client):
    html = (await client.get("/")).text
    assert text_of(html, 'li > a[href="/results"]') == "Results"
