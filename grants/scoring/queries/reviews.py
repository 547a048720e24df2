"""The reviewers' side of the review: who reviews, their assignments, the application as they may see it.

A reviewer reaches an application only through their own assignment, and only after
declaring no conflict of interest; other reviewers' scores only after submitting their own.
In a blind review the application is anonymised, its files included: they are served under
the same neutral name the review page shows ("Attachment 2.pdf"); their content is the
applicant's and is not anonymised.
"""

from __future__ import annotations

from typing import Any

from grants.accounts.tables import Membership, Organisation, UserRole
from grants.applications import queries as applications
from grants.applications.tables import Application, Attachment
from grants.calls.tables import Criterion, CriterionKind
from grants.core.auth import Principal, Role
from grants.core.db import for_update
from grants.core.errors import Conflict, NotFound
from grants.core.filetypes import EXTENSIONS
from grants.core.i18n import _
from grants.scoring.tables import Assignment, AssignmentStatus, Score

# Reads the whole application, as staff do; what the reviewer may see is cut from it.
_STAFF_VIEW = Principal(user_id=0, email="", name="", roles=frozenset({Role.staff}))


async def criteria(call_id: int, kind: CriterionKind) -> list[dict[str, Any]]:
    """The call's criteria of one kind, in their order."""
    return (
        await Criterion.select()
        .where((Criterion.call == call_id) & (Criterion.kind == kind))
        .order_by(Criterion.position)
    )


async def reviewers() -> list[int]:
    """The ids of the users holding the reviewer role."""
    rows = await UserRole.select(UserRole.user).where(UserRole.role == Role.reviewer).order_by(UserRole.user)
    return sorted({r["user"] for r in rows})


async def members_of(organisation_id: int) -> set[int]:
    return {
        r["user"]
        for r in await Membership.select(Membership.user).where(Membership.organisation == organisation_id)
    }


async def organisation_name(organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    row = await Organisation.select(Organisation.name).where(Organisation.id == organisation_id).first()
    return row["name"] if row else None


async def declaration_facts(assignment_id: int, reviewer: Principal) -> dict[str, Any] | None:
    """Who applies and with what, as the conflict-of-interest question names them: the organisation's
    name and registration number and the project's title, whether the call is blind or not (see
    grants.scoring.pages.reviewer). Only while the question is unanswered: None once it is."""
    row = await own_assignment(assignment_id, reviewer)
    if row["conflict"] is not None:
        return None
    return (
        await Application.select(
            Application.title,
            Application.organisation.name.as_alias("organisation_name"),
            Application.organisation.registration_number.as_alias("registration_number"),
            Application.call.blind_review.as_alias("blind"),
        )
        .where(Application.id == row["application"])
        .first()
    )


async def my_assignments(reviewer: Principal) -> list[dict[str, Any]]:
    return (
        await Assignment.select(
            Assignment.id,
            Assignment.application,
            Assignment.call,
            Assignment.status,
            Assignment.conflict,
            Assignment.call.closes_at.as_alias("call_closes_at"),
            Assignment.call.title.as_alias("call_title"),
            Assignment.application.reference.as_alias("reference"),
        )
        .where(Assignment.reviewer == reviewer.user_id)
        .order_by(Assignment.id)
    )


async def own_assignment(assignment_id: int, reviewer: Principal, lock: bool = False) -> dict[str, Any]:
    """The reviewer's own assignment (locked for a write), or NotFound."""
    query = Assignment.select().where(
        (Assignment.id == assignment_id) & (Assignment.reviewer == reviewer.user_id)
    )
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound  # someone else's assignment is as invisible as a missing one
    return row


def anonymise(application: dict[str, Any]) -> dict[str, Any]:
    """What a blind review hides: who applies, who they are with, what their files are called."""
    hidden = dict(application)
    hidden["organisation"] = None
    hidden["partners"] = ""
    hidden["attachments"] = [
        {**a, "filename": _("Attachment {n}").format(n=i + 1)}
        for i, a in enumerate(application["attachments"])
    ]
    return hidden


async def _scores_of(assignment_ids: list[int]) -> dict[int, dict[str, dict[str, Any]]]:
    if not assignment_ids:
        return {}
    rows = await Score.select(
        Score.assignment, Score.points, Score.comment, Score.criterion.code.as_alias("code")
    ).where(Score.assignment.is_in(assignment_ids))
    result: dict[int, dict[str, dict[str, Any]]] = {}
    for r in rows:
        result.setdefault(r["assignment"], {})[r["code"]] = {"points": r["points"], "comment": r["comment"]}
    return result


async def review_view(assignment_id: int, reviewer: Principal) -> dict[str, Any]:
    """The assignment, the application (anonymised for a blind call), the quality criteria, the
    reviewer's scores and, once they submitted, the other submitted reviews."""
    row = await own_assignment(assignment_id, reviewer)
    if row["conflict"] != "no":
        raise Conflict(_("Declare first whether you have a conflict of interest with this application."))
    application = await applications.get_application(row["application"], _STAFF_VIEW)
    call = application["call_row"]
    quality = await criteria(call["id"], CriterionKind.quality)
    mine = await _scores_of([assignment_id])
    others: list[dict[str, Any]] = []
    if row["status"] == AssignmentStatus.submitted:
        peers = await Assignment.select(Assignment.id, Assignment.comment).where(
            (Assignment.application == row["application"])
            & (Assignment.id != assignment_id)
            & (Assignment.status == AssignmentStatus.submitted)
        )
        peer_scores = await _scores_of([p["id"] for p in peers])
        others = [{"scores": peer_scores.get(p["id"], {}), "comment": p["comment"]} for p in peers]
    if call["blind_review"]:
        application = anonymise(application)
    return {
        "assignment": row,
        "application": application,
        "criteria": quality,
        "scores": mine.get(assignment_id, {}),
        "others": others,
    }


async def reviewer_attachment(assignment_id: int, attachment_id: int, reviewer: Principal) -> dict[str, Any]:
    """A file of the application under review as its reviewer may fetch it: the row (storage key,
    name to serve, type); NotFound for anyone else, or before declaring no conflict of interest."""
    assignment = await own_assignment(assignment_id, reviewer)
    if assignment["conflict"] != "no":
        raise NotFound  # before the declaration (or with a conflict) the application is not theirs to read
    row = (
        await Attachment.select()
        .where((Attachment.id == attachment_id) & (Attachment.application == assignment["application"]))
        .first()
    )
    if row is None:
        raise NotFound
    application = await applications.get_application(assignment["application"], _STAFF_VIEW)
    if application["call_row"]["blind_review"]:
        shown = next(a for a in anonymise(application)["attachments"] if a["id"] == attachment_id)
        extension = EXTENSIONS.get(row["content_type"], ("",))[0]
        row = row | {"filename": f"{shown['filename']}{extension}"}
    return row
