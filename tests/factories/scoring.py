"""Scoring: reviewers (logged in, assigned, declared free of conflict), a call ranked by their scores,
the ranking and saved scores through the API."""

from __future__ import annotations

from grants.accounts.queries import load_principal, user_id_by_email
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.scoring import service
from grants.scoring.tables import Assignment
from tests.factories.accounts import login, make_user, post_form, staff_headers
from tests.factories.applications import eligible_applications


async def principal_of(email: str):
    return await load_principal(await user_id_by_email(email))


async def new_reviewer():
    email = await make_user(Role.reviewer)
    principal = await principal_of(email)
    return principal.user_id, principal


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


async def api_ranking(client, call_id: int, headers) -> list[dict]:
    response = await client.get(f"/api/calls/{call_id}/ranking", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def reviewer(make_client, name: str = "Test Person"):
    """A reviewer logged in to the site (the panel's login is the same): (user id, client)."""
    email = await make_user(Role.reviewer, name=name)
    client = make_client()
    await login(client, email)
    return await user_id_by_email(email), client


async def assign(client, call_id: int, application_id: int, reviewer_id: int) -> int:
    staff = await staff_headers(client)
    response = await client.post(
        f"/api/calls/{call_id}/assignments",
        json={"application_id": application_id, "reviewer_id": reviewer_id},
        headers=staff,
    )
    assert response.status_code == 201, response.text
    return response.json()["created"][0]


async def reference_of(application_id: int) -> str:
    from grants.applications.tables import Application

    row = await Application.select(Application.reference).where(Application.id == application_id).first()
    return row["reference"]


async def assignment_row(assignment_id: int) -> dict:
    return await Assignment.select().where(Assignment.id == assignment_id).first()


async def open_assignment(client, assignment_id: int) -> None:
    response = await post_form(client, f"/admin/reviews/{assignment_id}/conflict", {"conflict": "no"})
    assert response.status_code == 302, response.text
    assert response.headers["location"] == f"/admin/reviews/{assignment_id}?done=opened"


async def saved_scores(client, assignment_id: int) -> dict:
    return (await client.get(f"/api/reviews/{assignment_id}")).json()["scores"]


async def named_application(org_name: str, **call_overrides) -> tuple[int, int]:
    """One eligible application from an organisation with this name, with a named file."""
    from grants.accounts.queries import load_principal
    from grants.applications.service import attachments, drafts, submission
    from grants.calls import service as calls
    from grants.scoring import service as scoring
    from tests.factories.accounts import registered
    from tests.factories.applications import complete_application
    from tests.factories.calls import call_payload
    from tests.factories.files import pdf_bytes
    from tests.factories.registry import make_school

    school = await make_school()
    staff = await load_principal(await user_id_by_email(await make_user(Role.staff)))
    call_id = await calls.create_call(call_payload(**call_overrides), staff)
    await calls.publish(call_id, staff)
    user_id, _org = await registered(name=org_name)
    applicant = await load_principal(user_id)
    created = await drafts.create_draft(call_id, applicant, "Projekts")
    await drafts.update_application(
        created["id"], applicant, complete_application(school, partners="Zaļā Ozola draugu kopa")
    )

    async def chunks():
        yield pdf_bytes()

    await attachments.add_attachment(created["id"], applicant, "Zalais-Ozols-statuti.pdf", chunks())
    await submission.submit(created["id"], applicant)
    await scoring.check_eligibility(created["id"], staff, {"A1": True}, "")
    return call_id, created["id"]


async def set_review_deadline(call_id: int, moment) -> None:
    """The call's review deadline (None: no deadline), as the call's set-up page would set it."""
    await Call.update({Call.review_closes_at: moment}).where(Call.id == call_id)
