"""Staff review pages (/admin/…): eligibility, assignment, reopening, the ranking."""

from __future__ import annotations

import re

import pytest

from grants.accounts.queries import load_principal
from grants.applications.service import drafts, submission
from grants.applications.tables import Application
from grants.calls import service as calls
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.core.tables import AuditEntry
from grants.scoring import service
from grants.scoring.tables import Assignment, EligibilityCheck
from tests.factories.accounts import (
    bearer,
    login,
    make_user,
    post_form,
    register_applicant,
    registered,
)
from tests.factories.applications import complete_application, eligible_applications
from tests.factories.calls import call_payload
from tests.factories.registry import make_school
from tests.factories.scoring import api_ranking, new_reviewer, principal_of, score, scored_call
from tests.html import attrs_of, texts_of

pytestmark = pytest.mark.integration


async def staff_login(client):
    email = await make_user(Role.staff)
    await login(client, email)
    return await principal_of(email)


async def submitted_applications(count: int) -> tuple[int, list[int]]:
    """A published call with `count` submitted applications that nobody has checked yet."""
    school = await make_school()
    staff = await principal_of(await make_user(Role.staff))
    call_id = await calls.create_call(call_payload(), staff)
    await calls.publish(call_id, staff)
    ids = []
    for _ in range(count):
        user_id, _org = await registered()
        applicant = await load_principal(user_id)
        created = await drafts.create_draft(call_id, applicant, "Projekts")
        await drafts.update_application(created["id"], applicant, complete_application(school))
        await submission.submit(created["id"], applicant)
        ids.append(created["id"])
    return call_id, ids


def row_ids(html: str) -> list[str]:
    """The ids of the ranking's rows: one per application, and the budget line ("reach")."""
    return [row for row in attrs_of(html, "tr[id]", "id") if re.fullmatch(r"app-\d+|reach", row)]


async def test_eligibility_page_round_trip_eligible_and_ineligible(client):
    call_id, apps = await submitted_applications(2)
    await staff_login(client)
    call_page = (await client.get(f"/admin/calls/{call_id}")).text
    assert re.findall(r'href="(/admin/applications/\d+/eligibility)"', call_page) == [
        f"/admin/applications/{a}/eligibility" for a in apps
    ]
    form = await client.get(f"/admin/applications/{apps[0]}/eligibility")
    assert form.status_code == 200
    assert re.findall(r"<legend>(.*?)</legend>", form.text) == ["A1 Iesniedzējs ir biedrība vai nodibinājums"]
    saved = await post_form(
        client, f"/admin/applications/{apps[0]}/eligibility", {"checks.A1": "yes", "note": ""}
    )
    assert saved.status_code == 302
    assert saved.headers["location"] == f"/admin/calls/{call_id}?checked={apps[0]}#app-{apps[0]}"
    refused = await post_form(
        client,
        f"/admin/applications/{apps[1]}/eligibility",
        {"checks.A1": "no", "note": "Iesniedzējs ir komersants."},
    )
    assert refused.status_code == 302
    rows = await Application.select(Application.id, Application.status, Application.reference).where(
        Application.id.is_in(apps)
    )
    status = {r["id"]: r["status"] for r in rows}
    reference = {r["id"]: r["reference"] for r in rows}
    assert (status[apps[0]], status[apps[1]]) == ("eligible", "ineligible")
    checks = (
        await EligibilityCheck.select(EligibilityCheck.checks, EligibilityCheck.note)
        .where(EligibilityCheck.application == apps[1])
        .output(load_json=True)
    )
    assert checks == [{"checks": {"A1": False}, "note": "Iesniedzējs ir komersants."}]
    back = await client.get(refused.headers["location"])
    assert re.findall(r'<div class="notice" role="status"><p>(.*?)</p>', back.text) == [
        f"Eligibility check saved: {reference[apps[1]]} is not eligible."
    ]
    assert re.findall(r'<p class="eligibility-result"><strong>(.*?)</strong>', back.text) == [
        "Eligible",
        "Not eligible",
    ]
    assert re.findall(r'<p class="pre">(.*?)</p>', back.text) == ["Iesniedzējs ir komersants."]
    # The check can be changed until review starts: the form shows the saved answers.
    again = (await client.get(f"/admin/applications/{apps[1]}/eligibility")).text
    assert re.findall(r'name="checks.A1" value="(yes|no)" checked', again) == ["no"]
    assert re.findall(r'<textarea id="f-note"[^>]*>(.*?)</textarea>', again) == ["Iesniedzējs ir komersants."]


async def test_eligibility_page_needs_every_answer(client):
    call_id, apps = await submitted_applications(1)
    await staff_login(client)
    response = await post_form(
        client, f"/admin/applications/{apps[0]}/eligibility", {"note": "Vēl jāpārbauda."}
    )
    assert response.status_code == 422
    assert re.findall(r'<p class="error" id="f-checks.A1-error">(.*?)</p>', response.text) == [
        "Answer yes or no."
    ]
    assert re.findall(r'<textarea id="f-note"[^>]*>(.*?)</textarea>', response.text) == ["Vēl jāpārbauda."]
    row = await Application.select(Application.status).where(Application.id == apps[0]).first()
    assert row["status"] == "submitted"
    assert await EligibilityCheck.count().where(EligibilityCheck.application == apps[0]) == 0


async def test_auto_assign_from_the_page_uses_the_ticked_panel(client):
    call_id, apps = await eligible_applications(2)
    staff = await staff_login(client)
    (r1, _), (r2, _), (r3, _) = [await new_reviewer() for _ in range(3)]
    page = (await client.get(f"/admin/calls/{call_id}")).text
    assert {f"reviewer.{r}" for r in (r1, r2, r3)} <= set(re.findall(r'name="(reviewer\.\d+)"', page))
    refused = await post_form(
        client,
        f"/admin/calls/{call_id}/auto-assign",
        {f"reviewer.{r1}": "on", f"reviewer.{staff.user_id}": "on"},
    )
    assert refused.status_code == 422
    assert re.findall(r'<p class="error" id="f-reviewer_ids-error">(.*?)</p>', refused.text) == [
        "Every member of the panel must be a reviewer."
    ]
    assert await Assignment.count().where(Assignment.call == call_id) == 0
    response = await post_form(
        client, f"/admin/calls/{call_id}/auto-assign", {f"reviewer.{r1}": "on", f"reviewer.{r2}": "on"}
    )
    assert response.status_code == 302
    assert response.headers["location"] == f"/admin/calls/{call_id}?done=auto&count=4#assignments"
    rows = await Assignment.select(Assignment.application, Assignment.reviewer).where(
        Assignment.call == call_id
    )
    assert sorted((r["application"], r["reviewer"]) for r in rows) == sorted(
        (a, r) for a in apps for r in (r1, r2)
    )
    back = await client.get(response.headers["location"])
    assert re.findall(r'<div class="notice" role="status"><p>(.*?)</p>', back.text) == [
        "Automatic assignment done: 4 new assignments."
    ]


async def test_manual_assignment_from_the_page(client):
    call_id, apps = await eligible_applications(1)
    await staff_login(client)
    reviewer_id, _ = await new_reviewer()
    missing = await post_form(client, f"/admin/calls/{call_id}/assign", {"application_id": str(apps[0])})
    assert missing.status_code == 422
    assert re.findall(r'<p class="error" id="f-reviewer_id-error">(.*?)</p>', missing.text) == [
        "Choose a reviewer."
    ]
    # Not ids, though str.isdigit says digits: refused on their fields, never a 500.
    for odd in ("²", "١", "9" * 5000, "99999999999999999999", "0"):
        refused = await post_form(
            client, f"/admin/calls/{call_id}/assign", {"application_id": odd, "reviewer_id": odd}
        )
        assert refused.status_code == 422, odd
        assert re.findall(r'<p class="error" id="f-(\w+)-error">', refused.text) == [
            "application_id",
            "reviewer_id",
        ]
    form = {"application_id": str(apps[0]), "reviewer_id": str(reviewer_id)}
    response = await post_form(client, f"/admin/calls/{call_id}/assign", form)
    assert response.status_code == 302
    rows = await Assignment.select(Assignment.application, Assignment.reviewer, Assignment.status).where(
        Assignment.call == call_id
    )
    assert rows == [{"application": apps[0], "reviewer": reviewer_id, "status": "pending"}]
    again = await post_form(client, f"/admin/calls/{call_id}/assign", form)
    assert again.status_code == 409
    assert re.findall(r'<div class="error-summary" role="alert"><p>(.*?)</p>', again.text) == [
        "This reviewer already has the application."
    ]
    # A ticked "reviewer.<not an id>" is no reviewer: the panel is empty, as if none were ticked.
    odd_panel = await post_form(client, f"/admin/calls/{call_id}/auto-assign", {"reviewer.²": "on"})
    empty_panel = await post_form(client, f"/admin/calls/{call_id}/auto-assign", {})
    assert (odd_panel.status_code, odd_panel.text) == (empty_panel.status_code, empty_panel.text)


async def test_call_page_shows_a_declared_conflict_with_its_reason(client):
    call_id, apps = await eligible_applications(1)
    other_call, other_apps = await eligible_applications(1)
    staff = await staff_login(client)
    declared = {}
    for call, app, reason in (
        (call_id, apps[0], "Esmu biedrības valdes loceklis."),
        (other_call, other_apps[0], "Cita konkursa iemesls."),
    ):
        reviewer_id, reviewer = await new_reviewer()
        declared[call] = await service.assign(call, app, reviewer_id, staff)
        await service.declare_conflict(declared[call], reviewer, True, reason)
    page = (await client.get(f"/admin/calls/{call_id}")).text
    assert re.findall(r'<li id="assignment-(\d+)" data-status="(\w+)">', page) == [
        (str(declared[call_id]), "coi_declared")
    ]
    assert re.findall(r'<blockquote class="pre conflict-reason">(.*?)</blockquote>', page) == [
        "Esmu biedrības valdes loceklis."
    ]


async def test_reopen_needs_a_reason_and_reopens(client):
    call_id, apps = await eligible_applications(1)
    staff = await staff_login(client)
    [assignment] = await score(call_id, apps[0], staff, [{"K1": 7, "K2": 7}])
    page = (await client.get(f"/admin/calls/{call_id}")).text
    assert re.findall(r'action="/admin/assignments/(\d+)/reopen"', page) == [str(assignment)]
    refused = await post_form(client, f"/admin/assignments/{assignment}/reopen", {"reason": "  "})
    assert refused.status_code == 422
    assert re.findall(rf'<p class="error" id="f-reason.{assignment}-error">(.*?)</p>', refused.text) == [
        "Give the reason for reopening the review."
    ]
    still = await Assignment.select(Assignment.status).where(Assignment.id == assignment).first()
    assert still["status"] == "submitted"
    reason = "K2 punkti ievadīti kļūdaini."
    response = await post_form(client, f"/admin/assignments/{assignment}/reopen", {"reason": reason})
    assert response.status_code == 302
    assert response.headers["location"] == f"/admin/calls/{call_id}?done=reopened#app-{apps[0]}"
    row = (
        await Assignment.select(Assignment.status, Assignment.submitted_at)
        .where(Assignment.id == assignment)
        .first()
    )
    assert row == {"status": "pending", "submitted_at": None}
    audit = (
        await AuditEntry.select(AuditEntry.data)
        .where((AuditEntry.action == "review_reopened") & (AuditEntry.entity_id == str(assignment)))
        .output(load_json=True)
    )
    assert audit == [{"data": {"reason": reason}}]
    twice = await post_form(client, f"/admin/assignments/{assignment}/reopen", {"reason": reason})
    assert twice.status_code == 409
    page = (await client.get(f"/admin/calls/{call_id}")).text
    assert re.findall(r'action="/admin/assignments/(\d+)/reopen"', page) == []


async def test_ranking_page_follows_the_api_and_draws_the_budget_line(client):
    call_id, apps, _ = await scored_call()
    await staff_login(client)
    expected = [f"app-{r['application_id']}" for r in await api_ranking(client, call_id, None)]
    assert expected == [f"app-{apps[i]}" for i in (1, 2, 3, 0)]
    page = (await client.get(f"/admin/calls/{call_id}/ranking")).text
    # Passed in rank order: apps[1] 4600, apps[3] 9200 = the budget; apps[0] would exceed it.
    assert row_ids(page) == [*expected[:3], "reach", expected[3]]
    assert re.findall(r'<tr class="reach" id="reach">\s*<td colspan="11"><strong>(.*?)</strong>', page) == [
        "Budget and quota reach up to here (2 projects, €9,200.00 of €9,200.00)"
    ]
    assert (
        "Order: score descending; ties go to the earlier submission. The score is the mean of the reviewers' totals (weight × points over the quality criteria). An application passes with at least 15.00 points and every criterion at or above its minimum. The maximum total is 30.00."
        in texts_of(page, "p")
    )
    assert re.findall(r'<li id="(app-\d+)">', page) == [f"app-{apps[4]}"]
    # The quota binds first when it is smaller: one project.
    await Call.update({Call.quota: 1, Call.budget_cents: 10_000_000}).where(Call.id == call_id)
    page = (await client.get(f"/admin/calls/{call_id}/ranking")).text
    assert row_ids(page) == [expected[0], "reach", *expected[1:]]
    assert re.findall(r'<tr class="reach" id="reach">\s*<td colspan="11"><strong>(.*?)</strong>', page) == [
        "Budget and quota reach up to here (1 project, €4,600.00 of €100,000.00)"
    ]


async def test_ranking_page_marks_a_high_spread(client):
    call_id, apps = await eligible_applications(2, score_threshold="15")
    staff = await staff_login(client)
    # Maximum total 2 × 10 + 10 = 30, so a spread of 6 or more is high.
    await score(call_id, apps[0], staff, [{"K1": 10, "K2": 10}, {"K1": 2, "K2": 6}])  # 30 and 10: 10
    await score(call_id, apps[1], staff, [{"K1": 8, "K2": 8}, {"K1": 7, "K2": 8}])  # 24 and 22: 1
    page = (await client.get(f"/admin/calls/{call_id}/ranking")).text
    assert re.findall(r'<tr id="app-(\d+)" class="high-spread">', page) == [str(apps[0])]
    assert re.findall(r'<strong class="tag warning">(.*?)</strong>', page) == ["High spread"]
    assert re.findall(r'<td class="number">([\d.,—]+) <strong class="tag warning">', page) == ["10.00"]


async def test_non_staff_get_403_on_pages_and_exports(client, make_client):
    call_id, apps = await eligible_applications(1)
    title = (await Call.select(Call.title).where(Call.id == call_id).first())["title"]
    reviewer_email = await make_user(Role.reviewer)
    applicant_email, _ = await register_applicant(client)
    pages = [
        "/admin/calls",
        f"/admin/calls/{call_id}",
        f"/admin/calls/{call_id}/ranking",
        f"/admin/applications/{apps[0]}/eligibility",
    ]
    posts = [
        f"/admin/calls/{call_id}/auto-assign",
        f"/admin/calls/{call_id}/assign",
        f"/admin/applications/{apps[0]}/eligibility",
    ]
    exports = [f"/api/calls/{call_id}/export.csv", f"/api/calls/{call_id}/export.xlsx"]
    for email in (reviewer_email, applicant_email):
        browser = make_client()
        await login(browser, email)
        for url in pages:
            response = await browser.get(url)
            assert (response.status_code, title in response.text) == (403, False), url
        for url in posts:
            response = await post_form(browser, url, {"checks.A1": "yes", "application_id": str(apps[0])})
            assert response.status_code == 403, url
        token = await bearer(browser, email)
        for url in exports:
            response = await browser.get(url, headers=token)
            assert (response.status_code, response.json()["detail"], title in response.text) == (
                403,
                "You do not have access to this page.",
                False,
            )
    assert await Assignment.count().where(Assignment.call == call_id) == 0
    anonymous = make_client()
    assert (await anonymous.get("/admin/calls")).headers["location"] == "/login?next=%2Fadmin%2Fcalls"
    assert (await anonymous.get(exports[0])).status_code == 401


async def test_call_list_counts_applications_by_status(client):
    call_id, apps, staff = await scored_call()
    draft_id = await calls.create_call(call_payload(title="Melnraksta konkurss"), staff)
    await staff_login(client)
    page = (await client.get("/admin/calls")).text
    row = re.search(rf'<tr id="call-{call_id}">(.*?)</tr>', page, re.S).group(1)
    assert dict(re.findall(r'<li data-status="(\w+)">[^<]*<strong>(\d+)</strong>', row)) == {
        "in_review": "4",
        "ineligible": "1",
    }
    assert re.findall(r'href="(/admin/calls/\d+)"', row) == [f"/admin/calls/{call_id}"]
    draft = re.search(rf'<tr id="call-{draft_id}">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>(Draft)</td>", draft) == ["Draft"]
    assert re.findall(r'<span class="muted">(.*?)</span>', draft) == ["No applications"]
