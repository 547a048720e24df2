"""Seeded data for the fuzz run: one of everything the API's id paths name, owned by the fuzzing users.

The fuzzing applicant is a grantee (an award with its agreement signed, an event reported with a
photo) and has applications to an open call: a draft with files, one under clarification, one
assigned to the fuzzing reviewer, and a draft each for the submit and withdraw operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from grants.accounts.queries import user_id_by_email
from grants.core.auth import Role
from tests.factories.accounts import bearer, make_user
from tests.factories.applications import complete_application
from tests.factories.calls import published_call
from tests.factories.files import image_bytes, pdf_bytes
from tests.factories.reporting import report, running_award

MUNICIPALITY = "LV-016"  # of the calls, the school and the coordinator


@dataclass
class World:
    applicant: dict[str, str]
    reviewer: dict[str, str]
    coordinator: dict[str, str]
    staff: dict[str, str]
    # Path parameter name -> values that exist and that the role may use,
    ids: dict[str, list[int | str]] = field(default_factory=dict)
    # and, for the operations that end a row's life, rows of their own, so the others keep theirs
    # (and the ids an operation needs from elsewhere).
    own: dict[str, dict[str, list[int | str]]] = field(default_factory=dict)


def _created(response: httpx.Response) -> int:
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def seed(client: httpx.AsyncClient) -> World:
    award = await running_award(client)
    applicant, staff, school = award["applicant"], award["staff"], award["school"]
    event = await report(client, award)
    # Two photos and two files: one for the fuzzer to delete, one to read.
    photos = [
        _created(
            await client.post(
                f"/api/events/{event['id']}/photos",
                files={"file": (f"foto-{n}.jpg", image_bytes(64, 48), "image/jpeg")},
                headers=applicant,
            )
        )
        for n in (1, 2)
    ]

    # Room for the drafts the fuzzer starts, beyond those seeded here.
    call = await published_call(client, applications_per_organisation=20)
    document = _created(
        await client.post(
            f"/api/calls/{call['id']}/documents",
            params={"title": "Nolikums"},
            files={"file": ("nolikums.pdf", pdf_bytes(), "application/pdf")},
            headers=staff,
        )
    )

    async def new_application(title: str) -> int:
        app_id = _created(
            await client.post(
                f"/api/calls/{call['id']}/applications", json={"title": title}, headers=applicant
            )
        )
        filled = await client.patch(
            f"/api/applications/{app_id}", json=complete_application(school), headers=applicant
        )
        assert filled.status_code == 200, filled.text
        return app_id

    draft = await new_application("Melnraksts")
    attachments = [
        _created(
            await client.post(
                f"/api/applications/{draft}/attachments",
                files={"file": (f"plans-{n}.pdf", pdf_bytes(), "application/pdf")},
                headers=applicant,
            )
        )
        for n in (1, 2)
    ]

    # A second application, submitted and then asked a question, so the answer path exists.
    asked = await new_application("Precizējams")
    submitted = await client.post(f"/api/applications/{asked}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    question = _created(
        await client.post(
            f"/api/applications/{asked}/clarifications",
            json={"question": "Kur notiks nometne?", "due_at": "2030-01-01T12:00:00+02:00"},
            headers=staff,
        )
    )

    to_submit = await new_application("Iesniedzams")
    to_withdraw = await new_application("Atsaucams")

    # One more, eligible, assigned to the fuzzing reviewer.
    reviewed = await new_application("Vērtējams")
    reviewed_file = _created(
        await client.post(
            f"/api/applications/{reviewed}/attachments",
            files={"file": ("budzets.pdf", pdf_bytes(), "application/pdf")},
            headers=applicant,
        )
    )
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
        coordinator=await bearer(client, await make_user(Role.coordinator, MUNICIPALITY)),
        staff=staff,
        ids={
            "call_id": [call["id"]],
            "document_id": [document],
            "application_id": [draft, asked],
            "attachment_id": attachments[1:],
            "clarification_id": [question],
            "assignment_id": [assigned.json()["created"][0]],
            "award_id": [award["award_id"]],
            "event_id": [event["id"]],
            "photo_id": photos[1:],
            "code": [MUNICIPALITY],
        },
        own={
            "DELETE /api/attachments/{attachment_id}": {"attachment_id": attachments[:1]},
            "DELETE /api/event-photos/{photo_id}": {"photo_id": photos[:1]},
            "POST /api/applications/{application_id}/submit": {"application_id": [to_submit]},
            "POST /api/applications/{application_id}/withdraw": {"application_id": [to_withdraw]},
            # not an operation that ends a row's life: the file has to be one of the reviewed application
            "GET /api/reviews/{assignment_id}/attachments/{attachment_id}": {
                "attachment_id": [reviewed_file]
            },
        },
    )
