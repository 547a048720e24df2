"""Eligibility, reviewer assignments, conflicts of interest and scores: the only writer of their rows.

Assignment: pending → coi_declared | submitted. Each write runs in one write transaction and
audits its transition; the reads are in grants.scoring.queries.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from grants.applications.service import stages
from grants.applications.tables import Application, ApplicationStatus
from grants.calls.tables import Call, CriterionKind
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.time import now, riga_today
from grants.scoring import notify, rules
from grants.scoring.queries.deadlines import pending_of
from grants.scoring.queries.reviews import criteria, members_of, own_assignment, reviewers
from grants.scoring.states import ACTIVE, CHECKABLE, REVIEWABLE
from grants.scoring.tables import Assignment, AssignmentStatus, EligibilityCheck, Score

# --- eligibility ----------------------------------------------------------------------------------


async def check_eligibility(application_id: int, actor: Principal, checks: dict[str, bool], note: str) -> str:
    app = await Application.select().where(Application.id == application_id).first()
    if app is None:
        raise NotFound
    eligibility = await criteria(app["call"], CriterionKind.eligibility)
    codes = [c["code"] for c in eligibility]
    errors = rules.eligibility_errors(codes, checks)
    if errors:
        raise ValidationFailed(errors)
    result = ApplicationStatus.eligible if all(checks[c] for c in codes) else ApplicationStatus.ineligible
    failed = [c for c in codes if not checks[c]]
    async with write_transaction():
        moved = await stages.set_status(application_id, CHECKABLE, result, actor, checks=checks, note=note)
        if not moved:
            raise Conflict(_("Only a submitted application can be checked for eligibility."))
        await EligibilityCheck.delete().where(EligibilityCheck.application == application_id)
        await EligibilityCheck.insert(
            EligibilityCheck(
                application=application_id, checks=checks, note=note, result=result, checked_by=actor.user_id
            )
        )
        if result == ApplicationStatus.ineligible:
            titles = {c["code"]: c["title"] for c in eligibility}
            await notify.tell_ineligible(app, [f"{code} {titles[code]}" for code in failed], note)
    return result.value


# --- assignments ----------------------------------------------------------------------------------


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
        if reviewer_id in await members_of(app["organisation"]):
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
    await notify.tell_reviewers(pairs)
    return ids


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
                members[app["organisation"]] = await members_of(app["organisation"])
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


async def declare_conflict(assignment_id: int, reviewer: Principal, conflict: bool, reason: str) -> str:
    reason = reason.strip()
    if conflict and not reason:
        raise ValidationFailed({"reason": _("Say briefly what the conflict of interest is.")})
    async with write_transaction():
        row = await own_assignment(assignment_id, reviewer, lock=True)
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


async def save_scores(
    assignment_id: int,
    reviewer: Principal,
    points: dict[str, int],
    comments: dict[str, str],
    comment: str,
    submit: bool,
) -> str:
    async with write_transaction():
        row = await own_assignment(assignment_id, reviewer, lock=True)
        if row["conflict"] != "no" or row["status"] != AssignmentStatus.pending:
            raise Conflict(_("These scores can no longer be changed."))
        quality = {c["code"]: c for c in await criteria(row["call"], CriterionKind.quality)}
        errors = rules.score_errors(quality, points, comments, submit, comment)
        if errors:
            raise ValidationFailed(errors)
        await Score.delete().where(Score.assignment == assignment_id)
        if points:
            await Score.insert(
                *[
                    Score(
                        assignment=assignment_id,
                        criterion=quality[code]["id"],
                        points=value,
                        comment=comments.get(code, ""),
                    )
                    for code, value in points.items()
                ]
            )
        changes: dict[Any, Any] = {Assignment.comment: comment}
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


# --- following the reviews ---------------------------------------------------------------------------


async def remind(call_id: int, reviewer_id: int, actor: Principal) -> bool:
    """Staff remind one reviewer of what is left to do in the call: one mail a day at most (False
    when today's was sent already). Audited; 409 when nothing is left to do."""
    async with write_transaction():
        await _lock_call(call_id)
        pending = await pending_of(call_id, reviewer_id)
        if pending is None:
            raise Conflict(_("This reviewer has nothing left to do in this call."))
        key = f"review-remind:{call_id}:{reviewer_id}:{riga_today().isoformat()}"
        sent = await notify.remind_reviewer(pending, key, deadline_mail=False)
        if sent:
            await audit.record(
                "review_reminder_sent",
                "call",
                call_id,
                actor=actor,
                after={"reviewer": reviewer_id, "declare": pending.declare, "score": pending.score},
            )
    return sent
