"""Stored XSS after the award: event reports, review comments, the final report and payment notes
come back as text on the grantee's, the staff's, the coordinator's and the public pages, and raw
in the open data (JSON, CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import pytest

from grants.core.auth import Role
from tests.factories.accounts import make_user, unique_email
from tests.factories.registry import make_school
from tests.security.web import assert_escaped, browser, payload
from tests.security.world_reporting import held_event, sign_agreement

pytestmark = pytest.mark.integration


@dataclass
class Scene:
    ids: dict[str, int | str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
async def scene(app) -> Scene:
    from grants.accounts.queries import load_principal, user_id_by_email
    from grants.accounts.service.sessions import start_session
    from grants.awards.service import payments
    from grants.awards.tables import Payment
    from grants.core.time import now
    from grants.reporting.service import events as service
    from grants.reporting.service import final
    from grants.reporting.service.review import Report, review
    from tests.factories.accounts import registered
    from tests.security.world import decided_call

    scene = Scene()
    staff_email = await make_user(Role.staff)
    staff = await load_principal(await user_id_by_email(staff_email))
    coordinator = await make_user(Role.coordinator, "LV-016")
    email = unique_email("xss-grantee")
    user_id, _org = await registered(email, payload("PERSON"), name=payload("ORG"))
    grantee = await load_principal(user_id)
    school = await make_school("LV-016", payload("SCHOOL"))
    call_id, won = await decided_call(
        staff, "LV-016", [(grantee, school, payload("PROJECT")), (grantee, school, payload("FINISHED"))]
    )
    (first, award), (_second, finished) = won
    await sign_agreement(award, staff, "XSS-1", "agreement")
    await sign_agreement(finished, staff, "XSS-2", "agreement")
    grantee = await load_principal(user_id)
    event = await service.create_event(
        award, grantee, held_event(school, payload("EVTITLE"), payload("EVDESC"))
    )
    await review(Report.event, event["id"], staff, "accept", "")  # only accepted events are public
    returned = await service.create_event(award, grantee, held_event(school, payload("EVTWO"), "Fine"))
    elsewhere = await make_school(
        "LV-022", "Cita skola"
    )  # neither planned nor PuMPuRS: a reason, an approval
    other = await service.create_event(
        award, grantee, held_event(elsewhere, "Citur", "Fine") | {"school_reason": payload("SCHOOLWHY")}
    )
    await review(
        Report.event,
        other["id"],
        staff,
        "accept",
        "",
        approve_school=True,
        school_approval_reason=payload("APPROVED"),
    )
    await review(Report.event, returned["id"], staff, "return", payload("EVCOMMENT"))
    advance = await Payment.select(Payment.id).where(Payment.award == award).first()
    await payments.mark_paid(advance["id"], staff, (now().date()).isoformat(), payload("PAYNOTE"))
    await final.submit(
        finished,
        grantee,
        {"narrative": payload("NARRATIVE"), "results": payload("RESULTS"), "spent": "10.00"},
    )
    await review(Report.final, finished, staff, "return", payload("FINALCOMMENT"))
    scene.ids = {
        "call": call_id,
        "award": award,
        "finished": finished,
        "event": event["id"],
        "other": other["id"],
        "school": school,
        "application": first,
    }
    for role, who in (("staff", staff_email), ("grantee", email), ("coordinator", coordinator)):
        scene.sessions[role] = await start_session(await user_id_by_email(who))
    return scene


PROJECT = ["PROJECT", "ORG"]
PAGES = [
    ("grantee", "/my/awards", ["PROJECT"]),
    ("grantee", "/my/awards/{award}", ["PROJECT", "EVTITLE", "EVTWO", "EVCOMMENT"]),
    ("grantee", "/my/events/{event}", ["EVTITLE", "EVDESC", "SCHOOL"]),
    ("grantee", "/my/events/{other}", ["SCHOOLWHY", "APPROVED"]),
    ("grantee", "/my/awards/{finished}", ["FINISHED", "NARRATIVE", "RESULTS", "FINALCOMMENT"]),
    ("staff", "/admin/awards", PROJECT),
    ("staff", "/admin/payments", ["PAYNOTE"]),
    ("staff", "/admin/reports?call={call}&review=all", ["EVTITLE"]),
    ("staff", "/admin/reports/events/{event}", ["EVTITLE", "EVDESC"]),
    ("staff", "/admin/reports/events/{other}", ["SCHOOLWHY", "APPROVED"]),
    ("staff", "/admin/reports/final/{finished}", ["NARRATIVE", "RESULTS"]),
    ("coordinator", "/municipality/LV-016", PROJECT),
    ("anon", "/results/calls/{call}", PROJECT),
    ("anon", "/results/projects", PROJECT),
    ("anon", "/results/projects/{award}", [*PROJECT, "EVTITLE", "SCHOOL"]),
    ("anon", "/registry/schools/{school}", ["SCHOOL", "EVTITLE", "PROJECT"]),
]


@pytest.mark.parametrize(("who", "url", "tags"), PAGES, ids=[f"{who} {url}" for who, url, _ in PAGES])
async def test_report_payloads_come_back_escaped_on_pages(app, scene, who, url, tags):
    async with browser(app, scene.sessions.get(who)) as client:
        response = await client.get(url.format(**scene.ids))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert_escaped(response.text, tags)


async def test_open_data_carries_the_raw_text_as_data(app, scene):
    async with browser(app) as client:
        package = await client.get("/api/open-data/360giving.json")
        table = await client.get("/api/open-data/360giving.csv")
    assert package.headers["content-type"] == "application/json"
    titles = {grant["title"] for grant in package.json()["grants"]}
    assert f"{payload('PROJECT')} title" in titles
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert f"{payload('PROJECT')} title" in {row["Title"] for row in rows}


async def test_coordinator_api_carries_the_raw_text_as_json(app, scene):
    async with browser(app, scene.sessions["coordinator"]) as client:
        response = await client.get("/api/municipalities/LV-016/activities")
    assert response.headers["content-type"] == "application/json"
    assert f"{payload('PROJECT')} title" in {project["title"] for project in response.json()["projects"]}
