"""Stored XSS: script, attribute-breaking, javascript: link and template payloads written through
every text field come back as text on public, portal, review and staff pages, and raw (the
client's job to escape) as application/json from the API and the admin panel's API."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from grants.core.auth import Role
from tests.factories.accounts import PASSWORD, bearer, confirm, make_user, unique_email, unique_org_number
from tests.factories.calls import call_payload
from tests.factories.registry import make_school
from tests.security.web import DANGEROUS_URL, assert_escaped, browser, payload

pytestmark = pytest.mark.integration

LINKS = (
    "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c]( javascript:alert(1)) "
    "<javascript:alert(1)> [d](data:text/html;base64,PHNjcmlwdD4=) [e](vbscript:x) ![f](javascript:alert(1))"
)


@dataclass
class Stage:
    call_id: int = 0
    application_id: int = 0
    assignments: list[int] = field(default_factory=list)
    org_number: str = ""
    sessions: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
async def stage(app) -> Stage:
    """Everything written through the API as its users would, each field carrying its payload."""
    from grants.accounts.queries import user_id_by_email
    from grants.accounts.service.sessions import start_session

    stage = Stage(org_number=unique_org_number())
    async with browser(app) as http:
        staff = await make_user(Role.staff, name=payload("STAFFNAME"))
        staff_h = await bearer(http, staff)
        school = await make_school("LV-016")
        created = await http.post(
            "/api/calls",
            json=call_payload(
                title=payload("CALLTITLE"),
                description=f"{payload('CALLDESC')}\n\n{LINKS}",
                reviewers_per_application=2,
            ),
            headers=staff_h,
        )
        stage.call_id = created.json()["id"]
        await http.post(f"/api/calls/{stage.call_id}/publish", headers=staff_h)

        applicant = unique_email("xss")
        registered = await http.post(
            "/api/auth/register",
            json={
                "email": applicant,
                "password": PASSWORD,
                "name": payload("USERNAME"),
                "organisation": {
                    "name": payload("ORGNAME"),
                    "registration_number": stage.org_number,
                    "legal_form": "association",
                    "municipality_code": "LV-016",
                },
            },
        )
        assert registered.status_code == 201, registered.text
        await confirm(http, applicant)
        mine = await bearer(http, applicant)
        draft = await http.post(
            f"/api/calls/{stage.call_id}/applications", json={"title": payload("APPTITLE")}, headers=mine
        )
        stage.application_id = app_id = draft.json()["id"]
        patch = {
            "summary": payload("SUMMARY"),
            "objectives": payload("OBJECTIVES"),
            "target_group": payload("TARGET"),
            "partners": payload("PARTNERS"),
            "start_date": "2027-03-01",
            "end_date": "2027-05-31",
            "budget_lines": [
                {
                    "category": "services",
                    "description": payload("BUDGET"),
                    "quantity": 1,
                    "unit_cost": "4600.00",
                }
            ],
            "planned_events": [
                {
                    "school": school,
                    "kind": "camp",
                    "title": payload("EVENT"),
                    "planned_date": "2027-04-10",
                    "expected_participants": 20,
                }
            ],
        }
        assert (await http.patch(f"/api/applications/{app_id}", json=patch, headers=mine)).status_code == 200
        assert (await http.post(f"/api/applications/{app_id}/submit", headers=mine)).status_code == 200
        asked = await http.post(
            f"/api/applications/{app_id}/clarifications",
            json={"question": payload("QUESTION"), "due_at": "2099-01-01T12:00:00+02:00"},
            headers=staff_h,
        )
        answered = await http.post(
            f"/api/applications/{app_id}/clarifications/{asked.json()['id']}/answer",
            json={"answer": payload("ANSWER")},
            headers=mine,
        )
        assert answered.status_code == 200, answered.text
        checked = await http.post(
            f"/api/applications/{app_id}/eligibility",
            json={"checks": {"A1": True}, "note": ""},
            headers=staff_h,
        )
        assert checked.status_code == 200, checked.text
        reviewers = [await make_user(Role.reviewer, name=payload(f"REVIEWER{n}NAME")) for n in (1, 2)]
        for n, reviewer in enumerate(reviewers, start=1):
            reviewer_id = await user_id_by_email(reviewer)
            made = await http.post(
                f"/api/calls/{stage.call_id}/assignments",
                json={"application_id": app_id, "reviewer_id": reviewer_id},
                headers=staff_h,
            )
            assignment = made.json()["created"][0]
            stage.assignments.append(assignment)
            theirs = await bearer(http, reviewer)
            await http.post(
                f"/api/reviews/{assignment}/conflict", json={"conflict": False, "reason": ""}, headers=theirs
            )
            scored = await http.put(
                f"/api/reviews/{assignment}",
                json={
                    "scores": {"K1": 5, "K2": 5},
                    "comments": {"K1": payload(f"CRITERION{n}")},
                    "comment": payload(f"COMMENT{n}"),
                    "submit": True,
                },
                headers=theirs,
            )
            assert scored.status_code == 200, scored.text
        for key, email in (("staff", staff), ("applicant", applicant), ("reviewer", reviewers[0])):
            stage.emails[key] = email
            stage.sessions[key] = await start_session(await user_id_by_email(email))
    return stage


APPLICATION = ["APPTITLE", "SUMMARY", "OBJECTIVES", "TARGET", "BUDGET", "EVENT"]
PAGES = [
    ("anon", "/calls", ["CALLTITLE"]),
    ("anon", "/calls/{call}", ["CALLTITLE", "CALLDESC"]),
    ("applicant", "/my/", ["APPTITLE", "CALLTITLE"]),
    ("applicant", "/account", ["USERNAME", "ORGNAME"]),
    ("applicant", "/my/applications/{app}/review", [*APPLICATION, "PARTNERS", "QUESTION", "ANSWER"]),
    ("applicant", "/my/applications/{app}/project", ["APPTITLE", "SUMMARY", "PARTNERS"]),
    ("applicant", "/my/applications/{app}/budget", ["BUDGET"]),
    ("applicant", "/my/applications/{app}/events", ["EVENT"]),
    ("reviewer", "/admin/reviews/", ["CALLTITLE"]),
    (
        "reviewer",
        "/admin/reviews/{asg}",
        [*APPLICATION, "PARTNERS", "ORGNAME", "COMMENT1", "CRITERION1", "COMMENT2"],
    ),
    ("staff", "/admin/calls", ["CALLTITLE"]),
    ("staff", "/admin/calls/{call}", ["APPTITLE", "ORGNAME", "REVIEWER1NAME"]),
    ("staff", "/admin/calls/{call}/ranking", ["APPTITLE"]),
    ("staff", "/admin/applications/{app}/eligibility", [*APPLICATION, "ORGNAME"]),
]


@pytest.mark.parametrize(("who", "url", "tags"), PAGES, ids=[f"{who} {url}" for who, url, _ in PAGES])
async def test_stored_payloads_come_back_escaped_on_pages(app, stage, who, url, tags):
    async with browser(app, stage.sessions.get(who)) as client:
        response = await client.get(
            url.format(call=stage.call_id, app=stage.application_id, asg=stage.assignments[0])
        )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert_escaped(response.text, tags)


async def test_markdown_links_with_script_schemes_stay_text(app, stage):
    async with browser(app) as client:
        page = (await client.get(f"/calls/{stage.call_id}")).text
    assert DANGEROUS_URL.search(page) is None
    assert "[a](javascript:alert(1))" in page  # shown as the text it is


@pytest.mark.parametrize(
    "url",
    [
        '/login?next="><script>alert(1)</script>',
        "/calls?municipality=<script>alert(1)</script>",
        "/registry/<script>alert(1)</script>",
        "/lang/en?next=javascript:alert(1)",
    ],
)
async def test_reflected_input_is_escaped_or_refused(app, url):
    async with browser(app) as client:
        response = await client.get(url)
    assert "<script>alert(1)</script>" not in response.text
    assert not response.headers.get("location", "").lower().startswith("javascript:")


async def test_api_returns_the_raw_text_as_json(app, stage):
    from grants.accounts.queries import user_id_by_email
    from grants.accounts.service.sessions import issue_token

    token, _ = await issue_token(await user_id_by_email(stage.emails["applicant"]))
    async with browser(app) as client:
        response = await client.get(
            f"/api/applications/{stage.application_id}", headers={"Authorization": f"Bearer {token}"}
        )
        call = await client.get(f"/api/calls/{stage.call_id}")
    assert response.headers["content-type"] == "application/json"
    assert response.json()["title"] == payload("APPTITLE")
    assert response.json()["budget_lines"][0]["description"] == payload("BUDGET")
    assert call.headers["content-type"] == "application/json"
    assert call.json()["title"] == payload("CALLTITLE")


async def test_admin_panel_api_returns_the_raw_text_as_json(app, stage):
    async with browser(app, stage.sessions["staff"]) as client:
        organisation = await client.get(
            f"/admin/data/api/tables/organisation/?registration_number={stage.org_number}"
        )
        call = await client.get(f"/admin/data/api/tables/grant_call/?id={stage.call_id}")
        user = await client.get(f"/admin/data/api/tables/piccolo_user/?username={stage.emails['applicant']}")
    for response in (organisation, call, user):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        assert "text/html" not in response.headers["content-type"]
    assert [row["name"] for row in organisation.json()["rows"]] == [payload("ORGNAME")]
    assert [row["title"] for row in call.json()["rows"]] == [payload("CALLTITLE")]
    row = user.json()["rows"][0]
    assert f"{row['first_name']} {row['last_name']}" == payload("USERNAME")
