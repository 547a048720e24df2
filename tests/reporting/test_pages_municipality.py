"""The municipality dashboard and its API: who may see it, and numbers equal to sums made here.

Fixture rows come from tests/factories/reporting_rows.py. Each test works in a municipality no other test
seeds, so the totals are exactly the seeded data's; the expected values are summed in Python
from the seeding lists below, never read back through the code under test.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from grants.core.auth import Role
from grants.core.money import display_cents, format_cents
from grants.reporting.pages.municipality_charts import Series, bar_chart
from tests.factories import reporting_rows as data
from tests.factories.accounts import (
    applicant_headers,
    bearer,
    login,
    make_user,
    register_applicant,
    staff_headers,
)
from tests.html import caption_rows, parse, text, text_of, texts_of

pytestmark = pytest.mark.integration

BANDS = ("1-4", "5-9", "10-12", "vocational")


def band_sum(events: list[tuple]) -> dict[str, int]:
    return {band: sum(e[2][i] for e in events) for i, band in enumerate(BANDS)}


@pytest.fixture(scope="module")
async def jekabpils(database) -> dict:
    """Jēkabpils novads (LV-042) with Viesītes novads (LV-107) merged into it, and a neighbour;
    seeded once for the module's tests, which only read it."""
    a = await data.school("LV-042", "Jēkabpils Valsts ģimnāzija")
    b = await data.school("LV-042", "Aknīstes vidusskola")
    v = await data.school("LV-107", "Viesītes vidusskola")
    x = await data.school("LV-091", "Siguldas pamatskola")
    call_here = await data.call("LV-042", title="Jēkabpils jauniešu iniciatīvas 2026")
    call_former = await data.call("LV-107", status="archived", title="Viesītes konkurss 2020")
    call_away = await data.call("LV-091", title="Siguldas konkurss")
    p1 = await data.project(call_here, amount_cents=460_000, planned=[a, b], title="Piedzīvojumu nometne")
    p2 = await data.project(call_here, amount_cents=300_050, planned=[v], title="Mentoru programma")
    p3 = await data.project(
        call_former, amount_cents=400_000, planned=[x], status="closed", title="Agrais projekts"
    )
    p4 = await data.project(call_away, amount_cents=250_000, planned=[x], title="Ceļojošā darbnīca")
    p5 = await data.project(call_away, amount_cents=460_000, planned=[x], title="Tikai Siguldā")
    declined = await data.project(
        call_here, amount_cents=460_000, planned=[a], status="declined", title="Atteiktais projekts"
    )
    payments = [  # (project, cents, paid on)
        (p1, 414_000, date(2026, 4, 2)),
        (p1, 46_000, None),
        (p2, 270_045, date(2026, 4, 10)),
        (p3, 400_000, date(2020, 6, 1)),
        (p5, 414_000, date(2026, 4, 3)),
    ]
    for project, cents, paid_on in payments:
        await data.payment(project.award, cents, paid_on=paid_on, kind="advance" if paid_on else "final")
    counted = [  # (project, school, bands, held on)
        (p1, a, (3, 12, 0, 0), date(2026, 5, 14)),
        (p1, a, (0, 8, 9, 0), date(2026, 6, 2)),
        (p2, v, (0, 0, 7, 5), date(2026, 6, 20)),
        (p4, a, (1, 1, 1, 1), date(2026, 5, 30)),
    ]
    ids = []
    for project, school, bands, held in counted:
        ids.append(await data.event(project.award, school, bands, held_on=held))
    # Data the dashboard must leave out: another municipality's school, a cancelled, a returned
    # and a merely planned event in its schools.
    await data.event(p5.award, x, (0, 30, 0, 0), held_on=date(2026, 5, 1))
    await data.event(p1.award, b, status="cancelled", held_on=date(2026, 5, 20))
    await data.event(p1.award, b, (0, 40, 0, 0), review="returned", held_on=date(2026, 5, 21))
    await data.event(p1.award, b, status="planned", held_on=date(2026, 9, 1))
    return {
        "schools": {"a": a, "b": b, "v": v, "x": x},
        "calls": {"here": call_here, "former": call_former},
        "projects": [p1, p2, p3, p4],  # p5 and the declined one are someone else's or nobody's
        "left_out": [p5, declined],
        "payments": payments,
        "events": [(*e, i) for e, i in zip(counted, ids, strict=True)],
    }


def expected(seeded: dict) -> dict:
    projects, events = seeded["projects"], seeded["events"]
    paid = {p.award: sum(c for q, c, on in seeded["payments"] if q is p and on) for p in projects}
    return {
        "projects": len(projects),
        "events": len(events),
        "participants": sum(sum(e[2]) for e in events),
        "participants_by_grade": band_sum(events),
        "awarded": format_cents(sum(p.amount_cents for p in projects)),
        "paid": format_cents(sum(paid.values())),
        "paid_per_project": {p.award: format_cents(paid[p.award]) for p in projects},
    }


async def test_activities_api_totals_equal_the_seeded_sums(client, jekabpils):
    seeded = jekabpils
    want = expected(seeded)
    response = await client.get("/api/municipalities/LV-042/activities", headers=await staff_headers(client))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["municipality"] == {"code": "LV-042", "name": "Jēkabpils novads"}
    assert body["includes"] == ["LV-042", "LV-107"]
    assert body["totals"] == {k: want[k] for k in body["totals"]}
    assert sorted(body["totals"]) == sorted(
        ["projects", "events", "participants", "participants_by_grade", "awarded", "paid"]
    )
    assert {p["award_id"]: p["paid"] for p in body["projects"]} == want["paid_per_project"]
    assert {p["award_id"]: p["amount"] for p in body["projects"]} == {
        p.award: format_cents(p.amount_cents) for p in seeded["projects"]
    }
    s = seeded["schools"]
    schools = {p["award_id"]: [x["registration_number"] for x in p["schools"]] for p in body["projects"]}
    p1, p2, p3, p4 = (p.award for p in seeded["projects"])
    assert {k: sorted(v) for k, v in schools.items()} == {
        p1: sorted([s["a"], s["b"]]),
        p2: [s["v"]],
        p3: [],  # its call was Viesītes', its school is in Sigulda
        p4: [s["a"]],  # held an event here, though planned elsewhere
    }
    viesite = next(x for p in body["projects"] for x in p["schools"] if x["registration_number"] == s["v"])
    assert (
        viesite["registered_code"],
        viesite["municipality_code"],
        viesite["planned"],
        viesite["held"],
    ) == (
        "LV-107",
        "LV-042",
        1,
        1,
    )
    assert [(e["id"], e["school"], e["held_on"], e["participants_by_grade"]) for e in body["events"]] == [
        (i, school, held.isoformat(), dict(zip(BANDS, bands, strict=True)))
        for _, school, bands, held, i in sorted(seeded["events"], key=lambda e: (e[3], e[4]))
    ]
    leaked = {p.title for p in seeded["left_out"]} & {p["title"] for p in body["projects"]}
    assert leaked == set()


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
    assert "<script" not in html
    assert "Viesītes konkurss 2020" in texts_of(html, "th")  # the merged municipality's call
    assert "Siguldas konkurss" not in html and "Tikai Siguldā" not in html


async def test_dashboard_export_lists_the_counted_events(client, make_client, jekabpils):
    seeded = jekabpils
    coordinator = make_client()
    await login(coordinator, await make_user(Role.coordinator, "LV-042"))
    response = await coordinator.get("/municipality/LV-042/export.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(int(r["id"]) for r in rows) == sorted(e[4] for e in seeded["events"])
    assert {r["municipality"] for r in rows} == {"LV-042"}
    assert sum(int(r["participants"]) for r in rows) == expected(seeded)["participants"]
    assert (
        sum(int(r["participants_10_12"]) for r in rows) == expected(seeded)["participants_by_grade"]["10-12"]
    )


async def test_a_school_of_varaklani_counts_under_madona(client):
    madona = await data.school("LV-059", "Madonas pilsētas vidusskola")
    varaklani = await data.school("LV-102", "Varakļānu vidusskola")
    call = await data.call("LV-059")
    project = await data.project(call, planned=[varaklani], amount_cents=460_000)
    await data.payment(project.award, 414_000, paid_on=date(2025, 9, 1))
    held = [(varaklani, (2, 9, 4, 0)), (varaklani, (0, 0, 6, 3)), (madona, (5, 0, 0, 0))]
    for school, bands in held:
        await data.event(project.award, school, bands, held_on=date(2025, 10, 7))
    body = (
        await client.get("/api/municipalities/LV-059/activities", headers=await staff_headers(client))
    ).json()
    assert body["includes"] == ["LV-059", "LV-102"]
    assert body["totals"] == {
        "projects": 1,
        "events": 3,
        "participants": sum(sum(b) for _, b in held),
        "participants_by_grade": {band: sum(b[i] for _, b in held) for i, band in enumerate(BANDS)},
        "awarded": "4600.00",
        "paid": "4140.00",
    }
    assert [e["school"] for e in body["events"]].count(varaklani) == 2
    (only,) = body["projects"]
    assert [
        (s["registration_number"], s["registered_code"], s["municipality_code"]) for s in only["schools"]
    ] == [
        (madona, "LV-059", "LV-059"),
        (varaklani, "LV-102", "LV-059"),
    ]
    # The former municipality's own figures hold its schools only.
    former = (
        await client.get("/api/municipalities/LV-102/activities", headers=await staff_headers(client))
    ).json()
    assert (former["includes"], former["totals"]["events"]) == (["LV-102"], 2)


async def test_events_reported_through_the_api_count_until_staff_return_them(client):
    """The event-report API (grants/reporting/service.py) writes what the dashboard reads."""
    email, ids = await register_applicant(client, municipality_code="LV-033")
    school = await data.school("LV-033", "Gulbenes 2. vidusskola")
    call = await data.call("LV-033")
    org = {"id": ids["organisation_id"], "name": "Biedrība “Tests”"}
    project = await data.project(call, org, planned=[school], status="agreement_signed")
    grantee, staff = await bearer(client, email), await staff_headers(client)
    reported = await client.post(
        f"/api/awards/{project.award}/events",
        json={
            "school": school,
            "kind": "camp",
            "title": "Vasaras nometne",
            "held_on": "2026-07-08",
            "participants": 26,
            "participants_by_grade": {"1-4": 0, "5-9": 20, "10-12": 6, "vocational": 0},
            "description": "Trīs dienas pie Gulbenes ezera.",
        },
        headers=grantee,
    )
    assert reported.status_code == 201, reported.text

    async def totals() -> dict:
        response = await client.get("/api/municipalities/LV-033/activities", headers=staff)
        return response.json()["totals"]

    assert await totals() == {
        "projects": 1,
        "events": 1,
        "participants": 26,
        "participants_by_grade": {"1-4": 0, "5-9": 20, "10-12": 6, "vocational": 0},
        "awarded": "4600.00",
        "paid": "0.00",
    }
    returned = await client.post(
        f"/api/events/{reported.json()['id']}/review",
        json={"decision": "return", "comment": "Pievienojiet fotogrāfijas."},
        headers=staff,
    )
    assert returned.status_code == 200, returned.text
    after = await totals()
    assert (after["events"], after["participants"], after["projects"]) == (0, 0, 1)


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


async def test_coordinator_sees_the_former_municipality_merged_into_theirs(client, jekabpils):
    headers = await bearer(client, await make_user(Role.coordinator, "LV-042"))
    former = await client.get("/api/municipalities/LV-107/activities", headers=headers)
    assert former.status_code == 200
    assert former.json()["includes"] == ["LV-107"]


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
    widths = [float(w) for w in re.findall(r'<rect x="220" y="\d+" width="([\d.]+)"', svg)]
    assert widths == [310.0, 155.0]  # 640 − 220 − 110 for the biggest value, half of it for half
    assert str(bar_chart("c", "Empty", [], [Series("Events", [])])) == ""
    with pytest.raises(ValueError):
        bar_chart("c", "Bad", ["A"], [Series("Events", [1, 2])])
