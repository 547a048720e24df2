"""Staff review pages (/staff/…) and the ranking exports: eligibility, assignment, reopening, ranking."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import openpyxl
import pytest

from grants.accounts.service import load_principal, register, user_id_by_email
from grants.applications import service as applications
from grants.applications.tables import Application
from grants.calls import service as calls
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.core.tables import AuditEntry
from grants.core.time import to_riga
from grants.scoring import service
from grants.scoring.tables import Assignment, EligibilityCheck
from tests.factories.accounts import (
    PASSWORD,
    bearer,
    login,
    make_user,
    organisation,
    post_form,
    register_applicant,
    unique_email,
)
from tests.factories.applications import complete_application, eligible_applications
from tests.factories.calls import call_payload
from tests.factories.registry import make_school
from tests.html import texts_of

pytestmark = pytest.mark.integration

FORMULA = '=HYPERLINK("http://example.com","x")'


async def principal_of(email: str):
    return await load_principal(await user_id_by_email(email))


async def staff_login(client):
    email = await make_user(Role.staff)
    await login(client, email)
    return await principal_of(email)


async def new_reviewer():
    email = await make_user(Role.reviewer)
    principal = await principal_of(email)
    return principal.user_id, principal


async def submitted_applications(count: int) -> tuple[int, list[int]]:
    """A published call with `count` submitted applications that nobody has checked yet."""
    school = await make_school()
    staff = await principal_of(await make_user(Role.staff))
    call_id = await calls.create_call(call_payload(), staff)
    await calls.publish(call_id, staff)
    ids = []
    for _ in range(count):
        user_id, _org = await register(unique_email("ngo"), PASSWORD, "Anna Bērziņa", organisation())
        applicant = await load_principal(user_id)
        created = await applications.create_draft(call_id, applicant, "Projekts")
        await applications.update_application(created["id"], applicant, complete_application(school))
        await applications.submit(created["id"], applicant)
        ids.append(created["id"])
    return call_id, ids


async def score(call_id: int, application_id: int, staff, sheets: list[dict[str, int]]) -> list[int]:
    """Each sheet is one new reviewer's submitted {criterion: points}; returns the assignments."""
    done = []
    for sheet in sheets:
        reviewer_id, reviewer = await new_reviewer()
        assignment = await service.assign(call_id, application_id, reviewer_id, staff)
        await service.declare_conflict(assignment, reviewer, False, "")
        await service.save_scores(assignment, reviewer, sheet, {}, "", True)
        done.append(assignment)
    return done


async def scored_call() -> tuple[int, list[int], object]:
    """Five applications (threshold 15; K1 weighs 2, K2 has a minimum of 3), budget for two projects.

    apps[1] 20 passed · apps[2] 20 failed (K2 below its minimum, submitted later) ·
    apps[3] 16 passed · apps[0] 15 passed · apps[4] not eligible, so not ranked.
    """
    call_id, apps = await eligible_applications(5, score_threshold="15")
    staff = await principal_of(await make_user(Role.staff))
    await score(call_id, apps[0], staff, [{"K1": 5, "K2": 5}])
    await score(call_id, apps[1], staff, [{"K1": 8, "K2": 4}])
    await score(call_id, apps[2], staff, [{"K1": 9, "K2": 2}])
    await score(call_id, apps[3], staff, [{"K1": 6, "K2": 4}])
    await service.check_eligibility(apps[4], staff, {"A1": False}, "Komersants")
    await Call.update({Call.budget_cents: 920_000}).where(Call.id == call_id)
    return call_id, apps, staff


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr (?:class="reach" )?id="(app-\d+|reach)"', html)


async def api_ranking(client, call_id: int, headers) -> list[dict]:
    response = await client.get(f"/api/calls/{call_id}/ranking", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_eligibility_page_round_trip_eligible_and_ineligible(client):
    call_id, apps = await submitted_applications(2)
    await staff_login(client)
    call_page = (await client.get(f"/staff/calls/{call_id}")).text
    assert re.findall(r'href="(/staff/applications/\d+/eligibility)"', call_page) == [
        f"/staff/applications/{a}/eligibility" for a in apps
    ]
    form = await client.get(f"/staff/applications/{apps[0]}/eligibility")
    assert form.status_code == 200
    assert re.findall(r"<legend>(.*?)</legend>", form.text) == ["A1 Iesniedzējs ir biedrība vai nodibinājums"]
    saved = await post_form(
        client, f"/staff/applications/{apps[0]}/eligibility", {"checks.A1": "yes", "note": ""}
    )
    assert saved.status_code == 302
    assert saved.headers["location"] == f"/staff/calls/{call_id}?checked={apps[0]}#app-{apps[0]}"
    refused = await post_form(
        client,
        f"/staff/applications/{apps[1]}/eligibility",
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
    again = (await client.get(f"/staff/applications/{apps[1]}/eligibility")).text
    assert re.findall(r'name="checks.A1" value="(yes|no)" checked', again) == ["no"]
    assert re.findall(r'<textarea id="f-note"[^>]*>(.*?)</textarea>', again) == ["Iesniedzējs ir komersants."]


async def test_eligibility_page_needs_every_answer(client):
    call_id, apps = await submitted_applications(1)
    await staff_login(client)
    response = await post_form(
        client, f"/staff/applications/{apps[0]}/eligibility", {"note": "Vēl jāpārbauda."}
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
    page = (await client.get(f"/staff/calls/{call_id}")).text
    assert {f"reviewer.{r}" for r in (r1, r2, r3)} <= set(re.findall(r'name="(reviewer\.\d+)"', page))
    refused = await post_form(
        client,
        f"/staff/calls/{call_id}/auto-assign",
        {f"reviewer.{r1}": "on", f"reviewer.{staff.user_id}": "on"},
    )
    assert refused.status_code == 422
    assert re.findall(r'<p class="error" id="f-reviewer_ids-error">(.*?)</p>', refused.text) == [
        "Every member of the panel must be a reviewer."
    ]
    assert await Assignment.count().where(Assignment.call == call_id) == 0
    response = await post_form(
        client, f"/staff/calls/{call_id}/auto-assign", {f"reviewer.{r1}": "on", f"reviewer.{r2}": "on"}
    )
    assert response.status_code == 302
    assert response.headers["location"] == f"/staff/calls/{call_id}?done=auto&count=4#assignments"
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
    missing = await post_form(client, f"/staff/calls/{call_id}/assign", {"application_id": str(apps[0])})
    assert missing.status_code == 422
    assert re.findall(r'<p class="error" id="f-reviewer_id-error">(.*?)</p>', missing.text) == [
        "Choose a reviewer."
    ]
    form = {"application_id": str(apps[0]), "reviewer_id": str(reviewer_id)}
    response = await post_form(client, f"/staff/calls/{call_id}/assign", form)
    assert response.status_code == 302
    rows = await Assignment.select(Assignment.application, Assignment.reviewer, Assignment.status).where(
        Assignment.call == call_id
    )
    assert rows == [{"application": apps[0], "reviewer": reviewer_id, "status": "pending"}]
    again = await post_form(client, f"/staff/calls/{call_id}/assign", form)
    assert again.status_code == 409
    assert re.findall(r'<div class="error-summary" role="alert"><p>(.*?)</p>', again.text) == [
        "This reviewer already has the application."
    ]


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
    page = (await client.get(f"/staff/calls/{call_id}")).text
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
    page = (await client.get(f"/staff/calls/{call_id}")).text
    assert re.findall(r'action="/staff/assignments/(\d+)/reopen"', page) == [str(assignment)]
    refused = await post_form(client, f"/staff/assignments/{assignment}/reopen", {"reason": "  "})
    assert refused.status_code == 422
    assert re.findall(rf'<p class="error" id="f-reason.{assignment}-error">(.*?)</p>', refused.text) == [
        "Give the reason for reopening the review."
    ]
    still = await Assignment.select(Assignment.status).where(Assignment.id == assignment).first()
    assert still["status"] == "submitted"
    reason = "K2 punkti ievadīti kļūdaini."
    response = await post_form(client, f"/staff/assignments/{assignment}/reopen", {"reason": reason})
    assert response.status_code == 302
    assert response.headers["location"] == f"/staff/calls/{call_id}?done=reopened#app-{apps[0]}"
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
    twice = await post_form(client, f"/staff/assignments/{assignment}/reopen", {"reason": reason})
    assert twice.status_code == 409
    page = (await client.get(f"/staff/calls/{call_id}")).text
    assert re.findall(r'action="/staff/assignments/(\d+)/reopen"', page) == []


async def test_ranking_page_follows_the_api_and_draws_the_budget_line(client):
    call_id, apps, _ = await scored_call()
    await staff_login(client)
    expected = [f"app-{r['application_id']}" for r in await api_ranking(client, call_id, None)]
    assert expected == [f"app-{apps[i]}" for i in (1, 2, 3, 0)]
    page = (await client.get(f"/staff/calls/{call_id}/ranking")).text
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
    page = (await client.get(f"/staff/calls/{call_id}/ranking")).text
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
    page = (await client.get(f"/staff/calls/{call_id}/ranking")).text
    assert re.findall(r'<tr id="app-(\d+)" class="high-spread">', page) == [str(apps[0])]
    assert re.findall(r'<strong class="tag warning">(.*?)</strong>', page) == ["High spread"]
    assert re.findall(r'<td class="number">([\d.,—]+) <strong class="tag warning">', page) == ["10.00"]


async def exported(client, extension: str):
    """The scored call with a formula for a title: its API ranking, its export and the reference
    of the application that is not eligible (exported last, without a rank)."""
    call_id, apps, _ = await scored_call()
    await Application.update({Application.title: FORMULA}).where(Application.id == apps[1])
    headers = await bearer(client, await make_user(Role.staff))
    ranking = await api_ranking(client, call_id, headers)
    response = await client.get(f"/api/calls/{call_id}/export.{extension}", headers=headers)
    assert response.status_code == 200
    last = await Application.select(Application.reference).where(Application.id == apps[4]).first()
    return call_id, apps, ranking, response, last["reference"]


async def test_csv_export_follows_the_ranking(client):
    call_id, apps, ranking, response, ineligible = await exported(client, "csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"BAU-call-{call_id}-ranking.csv\"; filename*=UTF-8''BAU-call-{call_id}-ranking.csv"
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["Reference"], r["Score"], r["Rank"]) for r in rows] == [
        *[(r["reference"], r["score"], str(r["rank"])) for r in ranking],
        (ineligible, "", ""),
    ]
    assert [(r["K1"], r["K2"], r["Passed"]) for r in rows[:4]] == [
        (r["criteria"]["K1"], r["criteria"]["K2"], "Yes" if r["passed"] else "No") for r in ranking
    ]
    first, last = rows[0], rows[-1]
    assert (first["Title"], first["Organisation"], first["Requested amount"]) == (
        "'" + FORMULA,
        "Biedrība “Tests”",
        "4600.00",
    )
    assert (last["Status"], last["Passed"]) == ("Not eligible", "")
    submitted = await Application.select(Application.submitted_at).where(Application.id == apps[1]).first()
    moment = datetime.fromisoformat(first["Submitted at"])
    assert moment.utcoffset() == to_riga(submitted["submitted_at"]).utcoffset()
    assert moment == to_riga(submitted["submitted_at"]).replace(microsecond=0)


async def test_xlsx_export_follows_the_ranking(client):
    call_id, _apps, ranking, response, ineligible = await exported(client, "xlsx")
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="BAU-call-{call_id}-ranking.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    column = {cell.value: i for i, cell in enumerate(sheet[1])}
    rows = list(sheet.iter_rows(min_row=2))
    assert [
        (r[column["Reference"]].value, f"{r[column['Score']].value:.2f}", r[column["Rank"]].value)
        for r in rows[:4]
    ] == [(r["reference"], r["score"], r["rank"]) for r in ranking]
    assert [tuple(r[column[c]].value for c in ("Reference", "Score", "Rank")) for r in rows[4:]] == [
        (ineligible, None, None)
    ]
    amount = rows[0][column["Requested amount"]]
    assert (amount.value, amount.number_format) == (4600, "0.00")
    title = rows[0][column["Title"]]
    assert (title.value, title.data_type) == (FORMULA, "s")


async def test_non_staff_get_403_on_pages_and_exports(client, make_client):
    call_id, apps = await eligible_applications(1)
    title = (await Call.select(Call.title).where(Call.id == call_id).first())["title"]
    reviewer_email = await make_user(Role.reviewer)
    applicant_email, _ = await register_applicant(client)
    pages = [
        "/staff/calls",
        f"/staff/calls/{call_id}",
        f"/staff/calls/{call_id}/ranking",
        f"/staff/applications/{apps[0]}/eligibility",
    ]
    posts = [
        f"/staff/calls/{call_id}/auto-assign",
        f"/staff/calls/{call_id}/assign",
        f"/staff/applications/{apps[0]}/eligibility",
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
    assert (await anonymous.get("/staff/calls")).headers["location"] == "/login?next=%2Fstaff%2Fcalls"
    assert (await anonymous.get(exports[0])).status_code == 401


async def test_call_list_counts_applications_by_status(client):
    call_id, apps, staff = await scored_call()
    draft_id = await calls.create_call(call_payload(title="Melnraksta konkurss"), staff)
    await staff_login(client)
    page = (await client.get("/staff/calls")).text
    row = re.search(rf'<tr id="call-{call_id}">(.*?)</tr>', page, re.S).group(1)
    assert dict(re.findall(r'<li data-status="(\w+)">[^<]*<strong>(\d+)</strong>', row)) == {
        "in_review": "4",
        "ineligible": "1",
    }
    assert re.findall(r'href="(/staff/calls/\d+)"', row) == [f"/staff/calls/{call_id}"]
    draft = re.search(rf'<tr id="call-{draft_id}">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>(Draft)</td>", draft) == ["Draft"]
    assert re.findall(r'<span class="muted">(.*?)</span>', draft) == ["No applications"]
