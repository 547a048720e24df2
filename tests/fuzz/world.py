"""Seeded data for the fuzz run: one of everything the API's id paths name, owned by the fuzzing users."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from grants.accounts.service import user_id_by_email
from grants.core.auth import Role
from tests.helpers import (
    bearer,
    complete_application,
    make_school,
    make_user,
    published_call,
    register_applicant,
    staff_headers,
)
from tests.samples import pdf_bytes


@dataclass
class World:
    applicant: dict[str, str]
    reviewer: dict[str, str]
    staff: dict[str, str]
    # Path parameter name -> ids that exist and that the role may use.
    ids: dict[str, list[int]] = field(default_factory=dict)


async def seed(client: httpx.AsyncClient) -> World:
    staff = await staff_headers(client)
    # Room for the drafts the fuzzer starts, beyond the three seeded here.
    call = await published_call(client, applications_per_organisation=20)
    document = await client.post(
        f"/api/calls/{call['id']}/documents",
        params={"title": "Nolikums"},
        files={"file": ("nolikums.pdf", pdf_bytes(), "application/pdf")},
        headers=staff,
    )
    assert document.status_code == 201, document.text
    school = await make_school()
    email, _org = await register_applicant(client)
    applicant = await bearer(client, email)

    async def new_application(title: str) -> int:
        created = await client.post(
            f"/api/calls/{call['id']}/applications", json={"title": title}, headers=applicant
        )
        assert created.status_code == 201, created.text
        app_id = created.json()["id"]
        filled = await client.patch(
            f"/api/applications/{app_id}", json=complete_application(school), headers=applicant
        )
        assert filled.status_code == 200, filled.text
        return app_id

    draft = await new_application("Melnraksts")
    uploaded = await client.post(
        f"/api/applications/{draft}/attachments",
        files={"file": ("plans.pdf", pdf_bytes(), "application/pdf")},
        headers=applicant,
    )
    assert uploaded.status_code == 201, uploaded.text

    # A second application, submitted and then asked a question, so the answer path exists.
    asked = await new_application("Precizējams")
    submitted = await client.post(f"/api/applications/{asked}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    question = await client.post(
        f"/api/applications/{asked}/clarifications",
        json={"question": "Kur notiks nometne?", "due_at": "2030-01-01T12:00:00+02:00"},
        headers=staff,
    )
    assert question.status_code == 201, question.text

    # A third, eligible, assigned to the fuzzing reviewer.
    reviewed = await new_application("Vērtējams")
    assert (await client.post(f"/api/applications/{reviewed}/submit", headers=applicant)).status_code == 200
    eligible = await client.post(
        f"/api/applications/{reviewed}/eligibility", json={"checks": {"A1": True}}, headers=staff
    )
    assert eligible.status_code == 200, eligible.text
    reviewer_email = await make_user(Role.reviewer)
    reviewer = await bearer(client, reviewer_email)
    assigned = await client.post(
        f"/api/calls/{call['id']}/assignments",
        json={"application_id": reviewed, "reviewer_id": await user_id_by_email(reviewer_email)},
        headers=staff,
    )
    assert assigned.status_code == 201, assigned.text

    return World(
        applicant=applicant,
        reviewer=reviewer,
        staff=staff,
        ids={
            "call_id": [call["id"]],
            "document_id": [document.json()["id"]],
            "application_id": [draft, asked],
            "attachment_id": [uploaded.json()["id"]],
            "clarification_id": [question.json()["id"]],
            "assignment_id": [assigned.json()["created"][0]],
        },
    )
