"""The review forms name what each error is about in their summary, and report every error at once:
the criterion a score belongs to, the yes/no question left unanswered (in its own words)."""

from __future__ import annotations

import pytest

from grants.accounts.queries import load_principal
from grants.applications.service import drafts, submission
from grants.calls import service as calls
from grants.core.auth import Role
from grants.scoring.tables import EligibilityCheck
from tests.factories.accounts import login, make_user, post_form, registered
from tests.factories.applications import complete_application, eligible_applications
from tests.factories.calls import call_payload
from tests.factories.registry import make_school
from tests.factories.scoring import assign, assignment_row, open_assignment, principal_of, reviewer
from tests.html import error_summary, field_error, textarea_value

pytestmark = pytest.mark.integration

QUESTIONS = ["Iesniedzējs ir biedrība vai nodibinājums", "Projekts notiek PuMPuRS skolās"]
TOO_LONG = "x" * 20_001


async def _submitted_with_two_questions() -> int:
    """One submitted application of a call with two eligibility criteria (yes/no questions)."""
    school = await make_school()
    staff = await principal_of(await make_user(Role.staff))
    criteria = call_payload()["criteria"] + [{"code": "A2", "title": QUESTIONS[1], "kind": "eligibility"}]
    call_id = await calls.create_call(call_payload(criteria=criteria), staff)
    await calls.publish(call_id, staff)
    user_id, _org = await registered()
    applicant = await load_principal(user_id)
    created = await drafts.create_draft(call_id, applicant, "Projekts")
    await drafts.update_application(created["id"], applicant, complete_application(school))
    await submission.submit(created["id"], applicant)
    return created["id"]


async def test_eligibility_names_each_unanswered_question_and_the_long_note_at_once(client):
    application_id = await _submitted_with_two_questions()
    await login(client, await make_user(Role.staff))
    url = f"/admin/applications/{application_id}/eligibility"
    response = await post_form(client, url, {"checks.A2": "yes", "note": TOO_LONG})
    assert response.status_code == 422
    assert error_summary(response.text) == [
        "“Iesniedzējs ir biedrība vai nodibinājums”: answer yes or no.",
        "Note: at most 20000 characters.",
    ]
    both = await post_form(client, url, {"note": "Vēl jāpārbauda."})
    assert error_summary(both.text) == [f"“{question}”: answer yes or no." for question in QUESTIONS]
    assert field_error(both.text, "checks.A1") == "Answer yes or no."  # short next to its own question
    assert await EligibilityCheck.count().where(EligibilityCheck.application == application_id) == 0


async def test_declaration_names_its_question_and_reports_a_long_reason_with_it(client, make_client):
    call_id, apps = await eligible_applications(1)
    reviewer_id, mine = await reviewer(make_client)
    assignment = await assign(client, call_id, apps[0], reviewer_id)
    response = await post_form(mine, f"/admin/reviews/{assignment}/conflict", {"reason": TOO_LONG})
    assert response.status_code == 422
    assert error_summary(response.text) == [
        "“Do you have a conflict of interest with this application?”: answer yes or no.",
        "The reason for the conflict of interest: at most 20000 characters.",
    ]
    assert field_error(response.text, "conflict") == "Answer yes or no."
    assert (await assignment_row(assignment))["conflict"] is None


async def test_scoring_summary_names_each_criterion_in_latvian(client, make_client):
    call_id, apps = await eligible_applications(1)
    email = await make_user(Role.reviewer)
    latvian = make_client(language=None)
    await login(latvian, email)
    assignment = await assign(client, call_id, apps[0], (await principal_of(email)).user_id)
    await open_assignment(latvian, assignment)
    form = {"scores.K1": "11", "scores.K2": "daudz", "comments.K2": "Tāme pietiekama", "action": "save"}
    response = await post_form(latvian, f"/admin/reviews/{assignment}", form)
    assert response.status_code == 422
    assert error_summary(response.text) == [
        "Kritērijs «Projekta atbilstība mērķim»: piešķiriet no 0 līdz 10 punktiem.",
        "Kritērijs «Budžeta pamatotība»: ievadiet veselu skaitli no 0 līdz 10.",
    ]
    assert field_error(response.text, "scores.K1") == "Piešķiriet no 0 līdz 10 punktiem."
    assert textarea_value(response.text, "comments.K2") == "Tāme pietiekama"
