"""The municipality dashboard page and its CSV: who may see it, and numbers equal to sums made here.

Fixture rows come from tests/factories/reporting_rows.py. Each test works in a municipality no other test
seeds, so the totals are exactly the seeded data's; the expected values are summed in Python
from the seeding lists below, never read back through the code under test.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from grants.core.auth import Role
from grants.core.money import display_cents
from grants.reporting.pages.municipality_charts import Series, bar_chart
from grants.reporting.tables import EventReport
from tests.factories.accounts import (
    applicant_headers,
    bearer,
    login,
    make_user,
    staff_headers,
)
from tests.factories.reporting_rows import expected
from tests.html import caption_rows, parse, text, text_of, texts_of

pytestmark = pytest.mark.integration


async def test_dashboard_page_shows_the_same_numbers_with_charts_and_tables(client, make_client, jekabpils):
    seeded = jekabpils
    want = expected(seeded)
    coordinator = make_client()
    await login(coordinator, await make_user(Role.coordinator, "LV-042"))
    page = await coordinator.get("/municipality/LV-042")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"
    html = page.text
    totals = dict(re.findall(r'<dd data-total="(\w+)">([^<]*)</dd>', html))
    assert totals == {
        "projects": str(want["projects"]),
        "awarded": display_cents(sum(p.amount_cents for p in seeded["projects"]), "en"),
        "paid": display_cents(int(want["paid"].replace(".", "")), "en"),
        "events": str(want["events"]),
        "participants": str(want["participants"]),
    }
    bands = {cell["data-band"]: text(cell) for cell in parse(html).select("td.number[data-band]")}
    assert bands == {k: str(v) for k, v in want["participants_by_grade"].items()}
    # Per month: May (3 + 12 + 4 participants in two events) and June (17 and 12).
    months = caption_rows(html, "Events held per month")
    assert months == [["May 2026", "2", "19"], ["June 2026", "2", "29"]]
    for chart, title in (
        ("months", "Events held per month"),
        ("bands", "Participants reached per grade band"),
        ("schools", "Participants reached per school"),
        ("money", "Money awarded and paid per call"),
    ):
        assert parse(html).select_one(f'[role="img"][aria-labelledby="chart-{chart}-title"]') is not None
        assert text_of(html, f"title#chart-{chart}-title") == title
        assert title in texts_of(html, "caption") or chart == "schools"
    assert "Events held per school" in texts_of(html, "caption")
    assert [script["src"] for script in parse(html).select("script")] == [
        "/static/js/drafts.js"
    ]  # not the charts
    assert "Viesītes konkurss 2020" in texts_of(html, "th")  # the merged municipality's call
    assert "Siguldas konkurss" not in html and "Tikai Siguldā" not in html


async def test_dashboard_export_lists_the_counted_events(client, make_client, jekabpils):
    seeded = jekabpils
    coordinator = make_client()
    await login(coordinator, await make_user(Role.coordinator, "LV-042"))
    some = seeded["events"][0][4]
    await EventReport.update({EventReport.participants_at_risk: 3}).where(EventReport.id == some)
    response = await coordinator.get("/municipality/LV-042/export.csv")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    # The columns of issue 1 keep their order; the pupils at risk come last.
    assert lines[0] == (
        "id,reference,organisation,call_id,school,school_name,municipality,kind,title,status,review,"
        "planned_on,held_on,participants,participants_1_4,participants_5_9,participants_10_12,"
        "participants_vocational,participants_at_risk"
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {int(r["id"]): r["participants_at_risk"] for r in rows if r["participants_at_risk"] != "0"} == {
        some: "3"
    }
    assert sorted(int(r["id"]) for r in rows) == sorted(e[4] for e in seeded["events"])
    assert {r["municipality"] for r in rows} == {"LV-042"}
    assert sum(int(r["participants"]) for r in rows) == expected(seeded)["participants"]
    assert (
        sum(int(r["participants_10_12"]) for r in rows) == expected(seeded)["participants_by_grade"]["10-12"]
    )


async def test_coordinator_of_another_municipality_gets_403(client, make_client, jekabpils):
    seeded = jekabpils
    email = await make_user(Role.coordinator, "LV-016")
    api = await client.get("/api/municipalities/LV-042/activities", headers=await bearer(client, email))
    assert api.status_code == 403
    assert api.json()["detail"] == "You do not have access to this page."
    browser = make_client()
    await login(browser, email)
    for url in ("/municipality/LV-042", "/municipality/LV-042/export.csv", "/municipality/LV-107"):
        page = await browser.get(url)
        assert page.status_code == 403
        for project in seeded["projects"]:
            assert project.title not in page.text
    assert (await browser.get("/municipality/LV-016")).status_code == 200


async def test_other_roles_and_anonymous_visitors_are_refused(client, make_client, jekabpils):
    for headers in (await applicant_headers(client), await bearer(client, await make_user(Role.reviewer))):
        assert (await client.get("/api/municipalities/LV-042/activities", headers=headers)).status_code == 403
    assert (await client.get("/api/municipalities/LV-042/activities")).status_code == 401
    anonymous = await make_client().get("/municipality/LV-042")
    assert anonymous.status_code == 302
    assert anonymous.headers["location"] == "/login?next=%2Fmunicipality%2FLV-042"
    missing = await client.get("/api/municipalities/LV-999/activities", headers=await staff_headers(client))
    assert missing.status_code == 404


def test_bar_chart_scales_bars_and_escapes_labels():
    svg = str(bar_chart("c", "Title <b>", ["<script>", "B"], [Series("Events", [10, 5])], width=640))
    assert svg.startswith(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="c-title"'
    )
    assert '<title id="c-title">Title &lt;b&gt;</title>' in svg
    assert "&lt;script&gt;" in svg and "<script>" not in svg
    widths = [float(w) for w in re.findall(r'<rect x="0" y="\d+" width="([\d.]+)"', svg)]
    assert widths == [540.0, 270.0]  # 640 − 100 (the value's room) for the biggest value, half for half
    assert str(bar_chart("c", "Empty", [], [Series("Events", [])])) == ""
    with pytest.raises(ValueError):
        bar_chart("c", "Bad", ["A"], [Series("Events", [1, 2])])
