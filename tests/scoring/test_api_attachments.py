"""Reviewers download the files of the application they review: their assignment only, after
declaring no conflict of interest; in a blind review under the neutral name the page shows."""

from __future__ import annotations

import pytest

from grants.accounts.queries import load_principal, user_id_by_email
from grants.applications.service import attachments, drafts, submission
from grants.calls import service as calls
from grants.core.auth import Role
from grants.scoring import service as scoring
from tests.factories.accounts import login, make_user, registered
from tests.factories.applications import complete_application
from tests.factories.calls import call_payload
from tests.factories.files import pdf_bytes
from tests.factories.registry import make_school
from tests.factories.scoring import principal_of
from tests.factories.storage import chunks
from tests.html import text_of

pytestmark = pytest.mark.integration

SECRET = "Biedriba Zelta Zirgs vestule"


async def reviewed_application(blind: bool = False) -> dict:
    """A submitted, eligible application with one file, assigned to a reviewer who has not declared yet."""
    staff = await principal_of(await make_user(Role.staff))
    call_id = await calls.create_call(call_payload(blind_review=blind, reviewers_per_application=1), staff)
    await calls.publish(call_id, staff)
    user_id, _org = await registered()
    applicant = await load_principal(user_id)
    created = await drafts.create_draft(call_id, applicant, "Projekts")
    await drafts.update_application(created["id"], applicant, complete_application(await make_school()))
    content = pdf_bytes(SECRET)
    file = await attachments.add_attachment(
        created["id"], applicant, "Zelta Zirgs vēstule.pdf", chunks(content)
    )
    await submission.submit(created["id"], applicant)
    await scoring.check_eligibility(created["id"], staff, {"A1": True}, "")
    reviewer_email = await make_user(Role.reviewer)
    reviewer_id = await user_id_by_email(reviewer_email)
    assignment = await scoring.assign(call_id, created["id"], reviewer_id, staff)
    return {
        "application_id": created["id"],
        "assignment": assignment,
        "file": file["id"],
        "content": content,
        "reviewer": reviewer_email,
        "call_id": call_id,
        "staff": staff,
    }


async def test_the_reviewer_downloads_the_file_linked_from_the_review_page(client):
    world = await reviewed_application()
    await scoring.declare_conflict(world["assignment"], await principal_of(world["reviewer"]), False, "")
    await login(client, world["reviewer"])
    url = f"/api/reviews/{world['assignment']}/attachments/{world['file']}"
    page = await client.get(f"/admin/reviews/{world['assignment']}")
    assert text_of(page.text, f'li > a[href="{url}"][download]') == "Zelta Zirgs vēstule.pdf"
    response = await client.get(url)
    assert (response.status_code, response.content) == (200, world["content"])
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "Zelta%20Zirgs%20v%C4%93stule.pdf" in response.headers["content-disposition"]


async def test_before_declaring_no_conflict_the_file_is_404(client):
    world = await reviewed_application()
    await login(client, world["reviewer"])
    response = await client.get(f"/api/reviews/{world['assignment']}/attachments/{world['file']}")
    assert response.status_code == 404
    assert SECRET not in response.text


async def test_a_reviewer_with_a_conflict_gets_404(client):
    world = await reviewed_application()
    await scoring.declare_conflict(
        world["assignment"], await principal_of(world["reviewer"]), True, "Mana māsa"
    )
    await login(client, world["reviewer"])
    response = await client.get(f"/api/reviews/{world['assignment']}/attachments/{world['file']}")
    assert response.status_code == 404
    assert SECRET not in response.text


async def test_a_reviewer_of_another_assignment_gets_404(client, make_client):
    world = await reviewed_application()
    other = await reviewed_application()
    for each in (world, other):
        await scoring.declare_conflict(each["assignment"], await principal_of(each["reviewer"]), False, "")
    stranger = make_client()
    await login(stranger, other["reviewer"])
    # Someone else's assignment, and their own assignment with a file of another application.
    for url in (
        f"/api/reviews/{world['assignment']}/attachments/{world['file']}",
        f"/api/reviews/{other['assignment']}/attachments/{world['file']}",
    ):
        response = await stranger.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.text
    own = await stranger.get(f"/api/reviews/{other['assignment']}/attachments/{other['file']}")
    assert own.status_code == 200


@pytest.mark.parametrize("role", ["applicant", "staff"])
async def test_only_reviewers_use_the_route(client, role):
    world = await reviewed_application()
    await scoring.declare_conflict(world["assignment"], await principal_of(world["reviewer"]), False, "")
    email = await make_user(Role.staff) if role == "staff" else await make_user(Role.applicant)
    await login(client, email)
    response = await client.get(f"/api/reviews/{world['assignment']}/attachments/{world['file']}")
    assert response.status_code == 403
    assert SECRET not in response.text


async def test_a_blind_review_serves_the_file_under_a_neutral_name(client):
    world = await reviewed_application(blind=True)
    await scoring.declare_conflict(world["assignment"], await principal_of(world["reviewer"]), False, "")
    await login(client, world["reviewer"])
    url = f"/api/reviews/{world['assignment']}/attachments/{world['file']}"
    page = await client.get(f"/admin/reviews/{world['assignment']}")
    assert text_of(page.text, f'li > a[href="{url}"][download]') == "Attachment 1"
    assert "Zelta Zirgs" not in page.text
    response = await client.get(url)
    assert response.status_code == 200
    assert "Zelta" not in response.headers["content-disposition"]
    assert "Attachment%201.pdf" in response.headers["content-disposition"]
    # The content is the applicant's own: a blind review hides names, not what the file says.
    assert response.content == world["content"]
