"""Eligibility, reviewer assignments, conflicts of interest and scores: the only writer of their rows.

Assignment: pending → coi_declared | submitted. A reviewer reaches an
application only through their own assignment, and only after declaring no
conflict; other reviewers' scores only after submitting their own.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from piccolo.apps.user.tables import BaseUser

from grants.accounts.service import member_emails
from grants.accounts.tables import Membership, UserRole
from grants.applications import queries as applications
from grants.applications.service import stages
from grants.applications.tables import Application, ApplicationStatus
from grants.calls.tables import Call, Criterion, CriterionKind
from grants.core import audit, mail
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import DEFAULT_LANGUAGE, _
from grants.core.time import now
from grants.scoring.tables import Assignment, AssignmentStatus, EligibilityCheck, Score

COMMENT_LIMIT = 5000
ACTIVE = [AssignmentStatus.pending.value, AssignmentStatus.submitted.value]
REVIEWABLE = (ApplicationStatus.eligible, ApplicationStatus.in_review)
INELIGIBLE_SUBJECT = mail.N_("Application %(reference)s is not eligible")
ASSIGNED_SUBJECT = mail.N_("New applications to review")


async def _criteria(call_id: int, kind: CriterionKind) -> list[dict[str, Any]]:
    return (
        await Criterion.select()
        .where((Criterion.call == call_id) & (Criterion.kind == kind))
        .order_by(Criterion.position)
    )


# --- eligibility ----------------------------------------------------------------------------------


async def check_eligibility(application_id: int, actor: Principal, checks: dict[str, bool], note: str) -> str:
    app = await Application.select().where(Application.id == application_id).first()
    if app is None:
        raise NotFound
    codes = [c["code"] for c in await _criteria(app["call"], CriterionKind.eligibility)]
    errors = {
        f"checks.{code}": _("Answer yes or no.") for code in codes if not isinstance(checks.get(code), bool)
    }
    errors |= {f"checks.{code}": _("The call has no such criterion.") for code in checks if code not in codes}
    if errors:
        raise ValidationFailed(errors)
    result = ApplicationStatus.eligible if all(checks[c] for c in codes) else ApplicationStatus.ineligible
    failed = [c for c in codes if not checks[c]]
    async with write_transaction():
        moved = await stages.set_status(
            application_id,
            (ApplicationStatus.submitted, ApplicationStatus.eligible, ApplicationStatus.ineligible),
            result,
            actor,
            checks=checks,
            note=note,
        )
        if not moved:
            raise Conflict(_("Only a submitted application can be checked for eligibility."))
        await EligibilityCheck.delete().where(EligibilityCheck.application == application_id)
        await EligibilityCheck.insert(
            EligibilityCheck(
                application=application_id, checks=checks, note=note, result=result, checked_by=actor.user_id
            )
        )
        if result == ApplicationStatus.ineligible:
            titles = {c["code"]: c["title"] for c in await _criteria(app["call"], CriterionKind.eligibility)}
            for address in await member_emails(app["organisation"]):
                await mail.enqueue(
                    address,
                    INELIGIBLE_SUBJECT,
                    "ineligible",
                    {
                        "reference": app["reference"],
                        "title": app["title"],
                        "note": note,
                        "failed": [f"{code} {titles[code]}" for code in failed],
                    },
                    dedupe_key=f"ineligible:{application_id}:{now().date()}:{address}",
                )
    return result.value


# --- assignments ----------------------------------------------------------------------------------


async def reviewers() -> list[int]:
    rows = await UserRole.select(UserRole.user).where(UserRole.role == Role.reviewer).order_by(UserRole.user)
    return sorted({r["user"] for r in rows})


async def _members_of(organisation_id: int) -> set[int]:
    return {
        r["user"]
        for r in await Membership.select(Membership.user).where(Membership.organisation == organisation_id)
    }


async def _lock_call(call_id: int) -> dict[str, Any]:
    call = await for_update(Call.select().where(Call.id == call_id)).first()
    if call is None:
        raise NotFound
    return call


async def assign(call_id: int, application_id: int, reviewer_id: int, actor: Principal) -> int:
    async with write_transaction():
        await _lock_call(call_id)
        app = (
            await Application.select()
            .where((Application.id == application_id) & (Application.call == call_id))
            .first()
        )
        if app is None:
            raise NotFound
        if app["status"] not in REVIEWABLE:
            raise Conflict(_("Only an eligible application can be given to reviewers."))
        if reviewer_id not in await reviewers():
            raise ValidationFailed({"reviewer_id": _("This user is not a reviewer.")})
        if reviewer_id in await _members_of(app["organisation"]):
            raise Conflict(_("A member of the applying organisation cannot review its application."))
        earlier = (
            await Assignment.select(Assignment.status)
            .where((Assignment.application == application_id) & (Assignment.reviewer == reviewer_id))
            .first()
        )
        if earlier is not None:
            if earlier["status"] == AssignmentStatus.coi_declared:
                raise Conflict(_("This reviewer declared a conflict of interest with the application."))
            raise Conflict(_("This reviewer already has the application."))
        created = await _create_assignments(call_id, [(application_id, reviewer_id)], actor)
    return created[0]


async def _create_assignments(call_id: int, pairs: list[tuple[int, int]], actor: Principal) -> list[int]:
    ids: list[int] = []
    for application_id, reviewer_id in pairs:
        row = await Assignment.insert(
            Assignment(call=call_id, application=application_id, reviewer=reviewer_id)
        ).returning(Assignment.id)
        ids.append(row[0]["id"])
        await stages.set_status(
            application_id, (ApplicationStatus.eligible,), ApplicationStatus.in_review, actor
        )
        await audit.record(
            "assign", "application", application_id, actor=actor, after={"reviewer": reviewer_id}
        )
    await _tell_reviewers(pairs)
    return ids


async def _tell_reviewers(pairs: list[tuple[int, int]]) -> None:
    by_reviewer: dict[int, list[int]] = {}
    for application_id, reviewer_id in pairs:
        by_reviewer.setdefault(reviewer_id, []).append(application_id)
    if not by_reviewer:
        return
    emails = {
        r["id"]: r["email"]
        for r in await BaseUser.select(BaseUser.id, BaseUser.email).where(
            BaseUser.id.is_in(list(by_reviewer))
        )
    }
    refs = {
        r["id"]: (r["reference"], r["title"])
        for r in await Application.select(Application.id, Application.reference, Application.title).where(
            Application.id.is_in([a for a, _ in pairs])
        )
    }
    for reviewer_id, application_ids in by_reviewer.items():
        if emails.get(reviewer_id):
            await mail.enqueue(
                emails[reviewer_id],
                ASSIGNED_SUBJECT,
                "reviews_assigned",
                {"applications": [refs[a] for a in application_ids]},
                language=DEFAULT_LANGUAGE,
            )


async def auto_assign(call_id: int, actor: Principal, panel: list[int] | None = None) -> list[int]:
    """Give each eligible application the call's number of reviewers, the least loaded first.

    Never a member of the applying organisation, never a reviewer who declared a conflict
    with it; running it again fills only the gaps. Loads end up within one of each other
    wherever the conflicts allow it.
    """
    async with write_transaction():
        call = await _lock_call(call_id)
        everyone = await reviewers()
        pool = [r for r in everyone if r in set(panel)] if panel is not None else everyone
        if panel is not None and len(pool) != len(set(panel)):
            raise ValidationFailed({"reviewer_ids": _("Every member of the panel must be a reviewer.")})
        if not pool:
            raise Conflict(_("There are no reviewers yet."))
        apps = (
            await Application.select(Application.id, Application.organisation)
            .where((Application.call == call_id) & Application.status.is_in([s.value for s in REVIEWABLE]))
            .order_by(Application.submitted_at)
            .order_by(Application.id)
        )
        existing = await Assignment.select(
            Assignment.application, Assignment.reviewer, Assignment.status
        ).where(Assignment.call == call_id)
        load = Counter({reviewer: 0 for reviewer in pool})
        taken: dict[int, set[int]] = {}
        active: Counter[int] = Counter()
        for row in existing:
            taken.setdefault(row["application"], set()).add(row["reviewer"])  # conflicted ones too
            if row["status"] in ACTIVE:
                active[row["application"]] += 1
                if row["reviewer"] in load:
                    load[row["reviewer"]] += 1
        members: dict[int, set[int]] = {}
        pairs: list[tuple[int, int]] = []
        for app in apps:
            if app["organisation"] not in members:
                members[app["organisation"]] = await _members_of(app["organisation"])
            for _slot in range(call["reviewers_per_application"] - active[app["id"]]):
                candidates = [
                    r
                    for r in pool
                    if r not in taken.get(app["id"], set()) and r not in members[app["organisation"]]
                ]
                if not candidates:
                    break
                chosen = min(candidates, key=lambda r: (load[r], r))
                load[chosen] += 1
                taken.setdefault(app["id"], set()).add(chosen)
                pairs.append((app["id"], chosen))
        return await _create_assignments(call_id, pairs, actor)


# --- the reviewer's side ----------------------------------------------------------------------------


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


async def _own(assignment_id: int, reviewer: Principal, lock: bool = False) -> dict[str, Any]:
    query = Assignment.select().where(
        (Assignment.id == assignment_id) & (Assignment.reviewer == reviewer.user_id)
    )
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound  # someone else's assignment is as invisible as a missing one
    return row


async def declare_conflict(assignment_id: int, reviewer: Principal, conflict: bool, reason: str) -> str:
    reason = reason.strip()
    if conflict and not reason:
        raise ValidationFailed({"reason": _("Say briefly what the conflict of interest is.")})
    async with write_transaction():
        row = await _own(assignment_id, reviewer, lock=True)
        if row["conflict"] is not None:
            raise Conflict(_("The conflict of interest has been declared already."))
        changes: dict[Any, Any] = {
            Assignment.conflict: "yes" if conflict else "no",
            Assignment.declared_at: now(),
        }
        if conflict:
            changes |= {Assignment.status: AssignmentStatus.coi_declared, Assignment.conflict_reason: reason}
        await Assignment.update(changes).where(Assignment.id == assignment_id)
        await audit.record(
            "conflict_declared" if conflict else "no_conflict",
            "assignment",
            assignment_id,
            actor=reviewer,
            after={"conflict": conflict, "reason": reason, "application": row["application"]},
        )
    return (AssignmentStatus.coi_declared if conflict else AssignmentStatus.pending).value


async def review_view(assignment_id: int, reviewer: Principal) -> dict[str, Any]:
    row = await _own(assignment_id, reviewer)
    if row["conflict"] != "no":
        raise Conflict(_("Declare first whether you have a conflict of interest with this application."))
    staff_view = Principal(user_id=0, email="", name="", roles=frozenset({Role.staff}))
    application = await applications.get_application(row["application"], staff_view)
    call = application["call_row"]
    criteria = await _criteria(call["id"], CriterionKind.quality)
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
        "criteria": criteria,
        "scores": mine.get(assignment_id, {}),
        "others": others,
    }


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


async def save_scores(
    assignment_id: int,
    reviewer: Principal,
    points: dict[str, int],
    comments: dict[str, str],
    comment: str,
    submit: bool,
) -> str:
    async with write_transaction():
        row = await _own(assignment_id, reviewer, lock=True)
        if row["conflict"] != "no" or row["status"] != AssignmentStatus.pending:
            raise Conflict(_("These scores can no longer be changed."))
        criteria = {c["code"]: c for c in await _criteria(row["call"], CriterionKind.quality)}
        errors: dict[str, str] = {}
        for code, value in points.items():
            criterion = criteria.get(code)
            if criterion is None:
                errors[f"scores.{code}"] = _("The call has no such criterion.")
            elif (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not 0 <= value <= criterion["max_points"]
            ):
                errors[f"scores.{code}"] = _("Give 0 to {max} points.").format(max=criterion["max_points"])
        for code, text in comments.items():
            if len(text) > COMMENT_LIMIT:
                errors[f"comments.{code}"] = _("At most {n} characters.").format(n=COMMENT_LIMIT)
            elif text.strip() and code not in points:
                # A criterion's comment is kept with its points; without them it would be lost silently.
                errors[f"scores.{code}"] = _("Give points as well, so that the comment can be saved.")
        if submit:
            errors |= {
                f"scores.{code}": _("Score this criterion before submitting.")
                for code in criteria
                if code not in points
            }
        if errors:
            raise ValidationFailed(errors)
        await Score.delete().where(Score.assignment == assignment_id)
        if points:
            await Score.insert(
                *[
                    Score(
                        assignment=assignment_id,
                        criterion=criteria[code]["id"],
                        points=value,
                        comment=comments.get(code, ""),
                    )
                    for code, value in points.items()
                ]
            )
        changes: dict[Any, Any] = {Assignment.comment: comment[:10000]}
        if submit:
            changes |= {Assignment.status: AssignmentStatus.submitted, Assignment.submitted_at: now()}
        await Assignment.update(changes).where(Assignment.id == assignment_id)
        if submit:
            await audit.record(
                "review_submitted", "assignment", assignment_id, actor=reviewer, after={"scores": points}
            )
    return (AssignmentStatus.submitted if submit else AssignmentStatus.pending).value


async def reopen(assignment_id: int, actor: Principal, reason: str) -> None:
    """Staff unlock a submitted review for changes; the reason goes to the audit log."""
    if not reason.strip():
        raise ValidationFailed({"reason": _("Give the reason for reopening the review.")})
    async with write_transaction():
        moved = (
            await Assignment.update(
                {Assignment.status: AssignmentStatus.pending, Assignment.submitted_at: None}
            )
            .where((Assignment.id == assignment_id) & (Assignment.status == AssignmentStatus.submitted))
            .returning(Assignment.id)
        )
        if not moved:
            raise Conflict(_("Only a submitted review can be reopened."))
        await audit.record("review_reopened", "assignment", assignment_id, actor=actor, reason=reason.strip())
