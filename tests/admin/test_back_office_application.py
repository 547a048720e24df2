"""The staff's view of one application (/admin/applications/{id}): every section for an application
that went through the whole cycle, the empty sections of a fresh one, and who may open it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.accounts.queries import load_principal, user_id_by_email
from grants.applications.tables import Application
from grants.core.auth import Role
from grants.core.time import format_day, now
from grants.scoring import service as scoring
from grants.scoring.tables import Assignment
from tests.factories.accounts import bearer, login, make_user, register_applicant, staff_headers
from tests.factories.applications import complete_application
from tests.factories.awards import sign, today
from tests.factories.calls import published_call
from tests.factories.files import pdf_bytes
from tests.factories.registry import make_school
from tests.factories.reporting import report
from tests.html import attrs_of, parse, text_of, texts_of

pytestmark = pytest.mark.integration

REVIEWER = "Ilze Vērtētāja"


async def _ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


async def whole_cycle(client) -> dict:
    """An application taken through the API from draft to an approved final report: a file, a
    clarification asked and answered, found eligible, scored by one reviewer (K1 8, K2 6), awarded,
    the agreement signed, the advance paid, an event reported and the final report approved."""
    school = await make_school("LV-016", "Misas pamatskola")
    call = await published_call(client, reviewers_per_application=1, score_threshold="20")
    staff = await staff_headers(client)
    email, _ = await register_applicant(client)
    applicant = await bearer(client, email)
    draft = await _ok(
        await client.post(
            f"/api/calls/{call['id']}/applications", json={"title": "Projekts"}, headers=applicant
        ),
        201,
    )
    app_id = draft["id"]
    body = complete_application(school, title="Piedzīvojumu nometne")
    await _ok(await client.patch(f"/api/applications/{app_id}", json=body, headers=applicant))
    await _ok(
        await client.post(
            f"/api/applications/{app_id}/attachments",
            files={"file": ("tāme.pdf", pdf_bytes("Tāme"), "application/pdf")},
            headers=applicant,
        ),
        201,
    )
    await _ok(await client.post(f"/api/applications/{app_id}/submit", headers=applicant))
    due = (now() + timedelta(days=5)).isoformat()
    asked = await _ok(
        await client.post(
            f"/api/applications/{app_id}/clarifications",
            json={"question": "Kura skola piedalās?", "due_at": due},
            headers=staff,
        ),
        201,
    )
    await _ok(
        await client.post(
            f"/api/applications/{app_id}/clarifications/{asked['id']}/answer",
            json={"answer": "Misas pamatskola."},
            headers=applicant,
        )
    )
    await _ok(
        await client.post(
            f"/api/applications/{app_id}/eligibility",
            json={"checks": {"A1": True}, "note": "Viss kārtībā."},
            headers=staff,
        )
    )
    reviewer_email = await make_user(Role.reviewer, name=REVIEWER)
    reviewer_id = await user_id_by_email(reviewer_email)
    await _ok(
        await client.post(
            f"/api/calls/{call['id']}/assignments",
            json={"application_id": app_id, "reviewer_id": reviewer_id},
            headers=staff,
        ),
        201,
    )
    reviewer = await load_principal(reviewer_id)
    assignment = await Assignment.select(Assignment.id).where(Assignment.application == app_id).first()
    await scoring.declare_conflict(assignment["id"], reviewer, False, "")
    await scoring.save_scores(
        assignment["id"], reviewer, {"K1": 8, "K2": 6}, {"K2": "Dārgs autobuss."}, "Labs.", True
    )
    await _ok(await client.post(f"/api/calls/{call['id']}/close", headers=staff))
    awarded = await _ok(
        await client.post(f"/api/calls/{call['id']}/awards", json={"application_id": app_id}, headers=staff),
        201,
    )
    award = {"award_id": awarded["id"], "staff": staff, "applicant": applicant, "school": school}
    signed = await sign(client, award, number="L-2026-77")
    assert signed.status_code == 201, signed.text
    await Application.update(
        {
            Application.start_date: today() - timedelta(days=60),
            Application.end_date: today() + timedelta(days=30),
        }
    ).where(Application.id == app_id)
    awards = await _ok(await client.get("/api/awards", headers=staff))
    advance = next(a for a in awards if a["id"] == awarded["id"])["payments"][0]
    await _ok(
        await client.post(
            f"/api/payments/{advance['id']}/paid",
            json={"paid_on": today().isoformat(), "note": "TRX-1"},
            headers=staff,
        )
    )
    event = await report(client, award, title="Radošā darbnīca")
    final = {"narrative": "Notika.", "results": "Sasniegts.", "spent": "4600.00"}
    await _ok(
        await client.post(f"/api/awards/{awarded['id']}/final-report", json=final, headers=applicant), 201
    )
    await _ok(
        await client.post(
            f"/api/awards/{awarded['id']}/final-report/review", json={"decision": "approve"}, headers=staff
        )
    )
    return {
        "app": app_id,
        "call": call["id"],
        "award": awarded["id"],
        "event": event["id"],
        "reviewer": reviewer_email,
    }


async def test_view_shows_every_section_of_an_application_that_went_through_the_whole_cycle(
    client, make_client
):
    seen = await whole_cycle(client)
    browser = make_client()
    await login(browser, await make_user(Role.staff))
    response = await browser.get(f"/admin/applications/{seen['app']}")
    assert response.status_code == 200
    html = response.text
    row = await Application.select(Application.reference).where(Application.id == seen["app"]).first()
    assert text_of(html, "h1") == f"{row['reference']} · Piedzīvojumu nometne"
    assert text_of(html, "#status").startswith("Status: Awarded")
    # content: the project, its planned events with their school, its budget
    assert texts_of(html, "#s-project table tbody tr td:first-child")[0] == "Misas pamatskola"
    assert text_of(html, "#s-project tfoot td") == "€4,600.00"
    # files
    assert texts_of(html, "#s-files a") == ["tāme.pdf"]
    assert attrs_of(html, "#s-files a", "href")[0].startswith("/api/attachments/")
    # eligibility
    assert texts_of(html, "#s-eligibility li") == ["A1 Iesniedzējs ir biedrība vai nodibinājums: met"]
    assert text_of(html, "#s-eligibility p.pre") == "Viss kārtībā."
    # clarifications
    assert text_of(html, "#s-clarifications .clarification p.pre") == "Kura skola piedalās?"
    assert text_of(html, "#s-clarifications blockquote") == "Misas pamatskola."
    assert attrs_of(html, 'a[href$="/clarification"]', "href") == []  # awarded: no new request
    # reviews and scores: per reviewer and criterion, the total 2×8 + 6
    assert texts_of(html, "#reviews tbody tr th, #reviews tbody tr td.number") == [
        f"{REVIEWER} ({seen['reviewer']})",
        "8",
        "6",
        "22.00",
    ]
    assert texts_of(html, "#s-reviews .review-comments li") == ["K2: Dārgs autobuss.", "Overall: Labs."]
    # decision: the ranking's score and the result
    assert texts_of(html, "#ranking dd")[0] == "22.00 (1 review, spread 0.00)"
    assert text_of(html, "#decision") == "Decision: Awarded"
    # award: amount, state, agreement, payments
    facts = dict(zip(texts_of(html, "#award dt"), texts_of(html, "#award dd"), strict=True))
    assert facts["Amount"] == "€4,600.00"
    assert facts["Status"] == "Final report submitted"
    assert facts["Agreement"].startswith("No. L-2026-77, signed ")
    assert [texts_of(tr, "td") for tr in parse(html).select("#payments tbody tr")] == [
        ["Advance", "€4,140.00", format_day(today(), "en"), format_day(today(), "en")],
        ["Final payment", "€460.00", format_day(today(), "en"), "not paid yet"],
    ]
    # reports
    assert texts_of(html, "#event-reports a") == ["Radošā darbnīca"]
    assert attrs_of(html, "#event-reports a", "href") == [f"/admin/reports/events/{seen['event']}"]
    assert attrs_of(html, "#final-report a", "href") == [f"/admin/reports/final/{seen['award']}"]
    # history, in words, oldest first, with what people typed
    day = format_day(today(), "en")
    assert texts_of(html, "#history tbody td:nth-child(3)") == [
        "Draft created",
        "File attached: tāme.pdf",
        "Submitted",
        "Clarification requested Kura skola piedalās?",
        "Clarification answered: the application is submitted again",
        "Eligibility checked: eligible Viss kārtībā.",
        "Sent to review",
        f"Reviewer assigned: {REVIEWER}",
        "A reviewer declared no conflict of interest",
        "Review submitted",
        "Awarded €4,600.00",
        "Award decided: €4,600.00",
        f"Agreement L-2026-77 signed on {day}",
        f"Payment falls due: Advance, €4,140.00 on {day}",
        f"Payment made: €4,140.00 on {day} TRX-1",
        "Project started",
        "Final report submitted",
        f"Payment falls due: Final payment, €460.00 on {day}",
        "Final report approved: final payment €460.00",
    ]
    assert texts_of(html, "#history tbody td:nth-child(2)")[:4] == ["Anna Bērziņa"] * 3 + ["Test Person"]


async def test_view_of_a_fresh_submission_says_each_section_is_empty(client, make_client):
    school = await make_school()
    call = await published_call(client)
    email, _ = await register_applicant(client)
    applicant = await bearer(client, email)
    draft = await _ok(
        await client.post(
            f"/api/calls/{call['id']}/applications", json={"title": "Projekts"}, headers=applicant
        ),
        201,
    )
    await _ok(
        await client.patch(
            f"/api/applications/{draft['id']}", json=complete_application(school), headers=applicant
        )
    )
    await _ok(await client.post(f"/api/applications/{draft['id']}/submit", headers=applicant))
    browser = make_client()
    await login(browser, await make_user(Role.staff))
    html = (await browser.get(f"/admin/applications/{draft['id']}")).text
    assert [
        text_of(html, f"#s-{key} p.muted")
        for key in ("files", "eligibility", "clarifications", "reviews", "award", "reports")
    ] == [
        "No files are attached.",
        "The eligibility has not been checked yet.",
        "No clarification has been requested.",
        "No reviewer has been assigned yet.",
        "No award has been made to this application.",
        "No reports yet.",
    ]
    assert attrs_of(html, 'a[href$="/clarification"]', "href") == [
        f"/admin/applications/{draft['id']}/clarification"
    ]
    assert texts_of(html, "#history tbody td:nth-child(3)") == ["Draft created", "Submitted"]


async def test_view_is_for_staff_only_and_a_draft_is_not_shown(client, make_client):
    school = await make_school()
    call = await published_call(client)
    email, _ = await register_applicant(client)
    applicant = await bearer(client, email)
    draft = await _ok(
        await client.post(
            f"/api/calls/{call['id']}/applications", json={"title": "Slepens melnraksts"}, headers=applicant
        ),
        201,
    )
    staff = make_client()
    await login(staff, await make_user(Role.staff))
    assert (await staff.get(f"/admin/applications/{draft['id']}")).status_code == 404
    await _ok(
        await client.patch(
            f"/api/applications/{draft['id']}", json=complete_application(school), headers=applicant
        )
    )
    await _ok(await client.post(f"/api/applications/{draft['id']}/submit", headers=applicant))
    for role in (Role.applicant, Role.reviewer, Role.coordinator):
        other = make_client()
        await login(other, await make_user(role, "LV-016" if role == Role.coordinator else None))
        response = await other.get(f"/admin/applications/{draft['id']}")
        assert (role.value, response.status_code) == (role.value, 403)
        assert "Slepens" not in response.text
    owner = make_client()
    await login(owner, email)
    assert (await owner.get(f"/admin/applications/{draft['id']}")).status_code == 403
    assert (await staff.get("/admin/applications/2147483647")).status_code == 404
    assert (await staff.get("/admin/applications/2147483648")).status_code == 400
