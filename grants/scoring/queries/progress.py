"""How far the review of each call has got, as the staff's pages show it: applications by status,
eligibility checks, the reviewers and their assignments."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count

from grants.accounts.tables import Organisation, UserRole
from grants.applications.tables import Application, ApplicationStatus
from grants.calls import queries as calls
from grants.calls.tables import CriterionKind
from grants.core.auth import Role
from grants.core.errors import NotFound
from grants.scoring.queries.reviews import criteria
from grants.scoring.tables import Assignment, EligibilityCheck


async def call_or_404(call_id: int) -> dict[str, Any]:
    call = await calls.get_call(call_id, include_draft=True)
    if call is None:
        raise NotFound
    return call


async def quality_criteria(call_id: int) -> list[dict[str, Any]]:
    return await criteria(call_id, CriterionKind.quality)


async def eligibility_criteria(call_id: int) -> list[dict[str, Any]]:
    return await criteria(call_id, CriterionKind.eligibility)


async def status_counts() -> dict[int, dict[str, int]]:
    """Per call, how many applications are in each status."""
    counts: dict[int, dict[str, int]] = {}
    for row in await Application.select(
        Application.call, Application.status, Count(Application.id, alias="n")
    ).group_by(Application.call, Application.status):
        counts.setdefault(row["call"], {})[row["status"]] = row["n"]
    return counts


def display_name(row: dict[str, Any]) -> str:
    name = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()
    return f"{name} ({row['email']})" if name else row["email"]


async def reviewer_list() -> list[dict[str, Any]]:
    """Users holding the reviewer role, for the panel's checkboxes and the manual form."""
    rows = await UserRole.select(
        UserRole.user.id.as_alias("id"),
        UserRole.user.email.as_alias("email"),
        UserRole.user.first_name.as_alias("first_name"),
        UserRole.user.last_name.as_alias("last_name"),
    ).where(UserRole.role == Role.reviewer)
    unique = {r["id"]: r | {"label": display_name(r)} for r in rows}
    return sorted(unique.values(), key=lambda r: (r["label"].casefold(), r["id"]))


async def submitted_applications(call_id: int) -> list[dict[str, Any]]:
    """The call's submitted applications, in the order they came in."""
    return (
        await Application.select(
            Application.id,
            Application.reference,
            Application.title,
            Application.status,
            Application.submitted_at,
            Application.requested_cents,
            Application.organisation.name.as_alias("organisation_name"),
        )
        .where(
            (Application.call == call_id)
            & (Application.status != ApplicationStatus.draft)
            & Application.submitted_at.is_not_null()
        )
        .order_by(Application.submitted_at)
        .order_by(Application.id)
    )


async def eligibility_checks(application_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The eligibility check of each of these applications that has one."""
    ids = application_ids or [0]
    return {
        c["application"]: c
        for c in await EligibilityCheck.select().where(EligibilityCheck.application.is_in(ids))
    }


async def eligibility_check(application_id: int) -> dict[str, Any] | None:
    return (
        await EligibilityCheck.select()
        .where(EligibilityCheck.application == application_id)
        .output(load_json=True)
        .first()
    )


async def assignments_by_application(call_id: int) -> dict[int, list[dict[str, Any]]]:
    """The call's assignments with their reviewer's name, per application, in the order made."""
    assignments: dict[int, list[dict[str, Any]]] = {}
    for row in (
        await Assignment.select(
            Assignment.all_columns(),
            Assignment.reviewer.email.as_alias("email"),
            Assignment.reviewer.first_name.as_alias("first_name"),
            Assignment.reviewer.last_name.as_alias("last_name"),
        )
        .where(Assignment.call == call_id)
        .order_by(Assignment.id)
    ):
        assignments.setdefault(row["application"], []).append(row | {"label": display_name(row)})
    return assignments


async def assignment_place(assignment_id: int) -> dict[str, Any]:
    """The call and the application of an assignment, or NotFound."""
    row = (
        await Assignment.select(Assignment.call, Assignment.application)
        .where(Assignment.id == assignment_id)
        .first()
    )
    if row is None:
        raise NotFound
    return row


async def application_in_call(call_id: int, application_id: int) -> dict[str, Any] | None:
    """The reference and status of an application of this call."""
    return (
        await Application.select(Application.reference, Application.status)
        .where((Application.id == application_id) & (Application.call == call_id))
        .first()
    )


async def organisation(organisation_id: int) -> dict[str, Any] | None:
    return (
        await Organisation.select(Organisation.name, Organisation.registration_number)
        .where(Organisation.id == organisation_id)
        .first()
    )
