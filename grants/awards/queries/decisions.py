"""A decision explained to the applicant in the portal: an award still waiting for national approval
(where its call requires it), or why an application is ineligible (the failed
eligibility criteria and the staff's note from the check) or rejected (the failing rule per criterion
and the total against the threshold), with the call's appeal route.

The marks, the score and whether it passed come from the scoring queries that rank the call
(scoring.queries.ranking: the call's mean or median, its minimums and threshold), so the portal
says exactly what the ranking decided on. Reviewers' names and comments are never read here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from grants.applications.tables import Application, ApplicationStatus
from grants.awards.tables import Award, AwardStatus
from grants.calls.tables import CriterionKind
from grants.core.auth import Principal, Role
from grants.core.errors import NotFound
from grants.scoring.queries import ranking
from grants.scoring.queries.reviews import criteria
from grants.scoring.tables import EligibilityCheck

EXPLAINED = (ApplicationStatus.ineligible.value, ApplicationStatus.rejected.value)


async def decision_of(application_id: int, principal: Principal) -> dict[str, Any]:
    """The decision on one of the caller's organisation's applications; NotFound for another
    organisation's, and for one without an ineligible or rejected decision."""
    app = (
        await Application.select(
            Application.id,
            Application.reference,
            Application.title,
            Application.status,
            Application.organisation,
            Application.call.as_alias("call_id"),
            Application.call.title.as_alias("call_title"),
            Application.call.appeal_route.as_alias("appeal_route"),
            Application.call.score_threshold.as_alias("threshold"),
            Application.call.aggregation.as_alias("aggregation"),
            Application.call.requires_approval.as_alias("requires_approval"),
        )
        .where(Application.id == application_id)
        .first()
    )
    own = (
        app is not None
        and principal.has(Role.applicant)
        and principal.organisation_id is not None
        and app["organisation"] == principal.organisation_id
    )
    if app is None or not own:
        raise NotFound
    if app["status"] == ApplicationStatus.awarded and app["requires_approval"]:
        return app | await _awaiting_approval(app)
    if app["status"] not in EXPLAINED:
        raise NotFound
    if app["status"] == ApplicationStatus.ineligible:
        return app | await _ineligible(app)
    return app | await _rejected(app)


async def _awaiting_approval(app: dict[str, Any]) -> dict[str, Any]:
    """An award in a call that requires national approval, before its agreement: whether the
    approval is still pending; NotFound once the agreement is recorded (nothing to explain)."""
    award = await Award.select(Award.status, Award.amount_cents).where(Award.application == app["id"]).first()
    if award is None or award["status"] not in (AwardStatus.awarded, AwardStatus.approved):
        raise NotFound
    return {"approval": "pending" if award["status"] == AwardStatus.awarded else "approved"} | {
        "amount_cents": award["amount_cents"]
    }


async def _ineligible(app: dict[str, Any]) -> dict[str, Any]:
    check = (
        await EligibilityCheck.select(EligibilityCheck.checks, EligibilityCheck.note)
        .where(EligibilityCheck.application == app["id"])
        .output(load_json=True)
        .first()
    )
    answers: dict[str, Any] = (check or {}).get("checks") or {}
    failed = [
        {"code": c["code"], "title": c["title"]}
        for c in await criteria(app["call_id"], CriterionKind.eligibility)
        if answers.get(c["code"]) is False
    ]
    return {"failed": failed, "note": ((check or {}).get("note") or "").strip()}


async def _rejected(app: dict[str, Any]) -> dict[str, Any]:
    """The rules the application failed: each criterion with a minimum its mark is below, and the
    score below the threshold; or, when it passed, whether its award was declined."""
    ranked = next((r for r in await ranking.ranking(app["call_id"]) if r.application_id == app["id"]), None)
    marks = (await ranking.breakdown(app["call_id"])).get(app["id"], {})
    below = [
        {
            "code": c["code"],
            "title": c["title"],
            "mark": marks[c["code"]],
            "minimum": Decimal(c["min_points"]),
        }
        for c in await criteria(app["call_id"], CriterionKind.quality)
        if c["min_points"] is not None
        and marks.get(c["code"]) is not None
        and marks[c["code"]] < c["min_points"]
    ]
    threshold = Decimal(str(app["threshold"]))
    score = ranked.score if ranked is not None else None
    declined = await Award.exists().where(
        (Award.application == app["id"]) & (Award.status == AwardStatus.declined)
    )
    return {
        "below_minimum": below,
        "score": score,
        "threshold": threshold,
        "below_threshold": score is not None and score < threshold,
        "passed": ranked is not None and ranked.passed,
        "scored": score is not None,
        "declined": declined,
    }
