"""The evaluation committee's protocol of one call: what the printable page and the XLSX file say.

Everything scored comes from the ranking's own queries (grants.scoring.queries.ranking: the table
of scores, ranks and pass/fail, and each criterion's aggregate mark); this module only explains
them: which rule failed, who sat on the committee with what declaration, what each reviewer gave,
what was decided, and the national approval of the decision where the call needs one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from grants.applications.tables import ApplicationStatus
from grants.awards.tables import Award, DecisionReview
from grants.scoring.queries import progress
from grants.scoring.queries.ranking import table
from grants.scoring.tables import AssignmentStatus, EligibilityCheck, Score


def failing_rules(
    row: dict[str, Any], call: dict[str, Any], quality: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Why a ranked application did not pass: no submitted review, the score below the threshold,
    each criterion with a minimum whose mark (the call's mean or median) lies below it."""
    if row["rank"] is None or row["passed"]:
        return []
    if row["score"] is None:
        return [{"rule": "no_reviews"}]
    found: list[dict[str, Any]] = []
    threshold = Decimal(str(call["score_threshold"]))
    if row["score"] < threshold:
        found.append({"rule": "threshold", "score": row["score"], "threshold": threshold})
    for criterion in quality:
        mark = row["criteria"].get(criterion["code"])
        if criterion["min_points"] is not None and mark is not None and mark < criterion["min_points"]:
            found.append(
                {
                    "rule": "minimum",
                    "code": criterion["code"],
                    "mark": mark,
                    "minimum": criterion["min_points"],
                }
            )
    return found


async def _eligibility(application_ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = (
        await EligibilityCheck.select()
        .where(EligibilityCheck.application.is_in(application_ids or [0]))
        .output(load_json=True)
    )
    return {r["application"]: r for r in rows}


async def _scores(assignment_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = await Score.select(Score.assignment, Score.points, Score.criterion.code.as_alias("code")).where(
        Score.assignment.is_in(assignment_ids or [0])
    )
    result: dict[int, dict[str, int]] = {}
    for r in rows:
        result.setdefault(r["assignment"], {})[r["code"]] = r["points"]
    return result


async def protocol(call_id: int) -> dict[str, Any]:
    """The call, its criteria, the committee, every application with its reviews, marks, outcome and
    failing rules in the ranking's order (then the ones not ranked), and the national reviews."""
    call = await progress.call_or_404(call_id)
    quality = await progress.quality_criteria(call_id)
    eligibility = await progress.eligibility_criteria(call_id)
    rows = await table(call_id)
    assignments = await progress.assignments_by_application(call_id)
    every = [a for group in assignments.values() for a in group]
    scores = await _scores([a["id"] for a in every if a["status"] == AssignmentStatus.submitted])
    checks = await _eligibility([r["application_id"] for r in rows])
    awards = {
        a["application"]: a
        for a in await Award.select(Award.application, Award.amount_cents, Award.status).where(
            Award.call == call_id
        )
    }
    members: dict[int, dict[str, Any]] = {}
    for a in every:
        name = f"{a.get('first_name') or ''} {a.get('last_name') or ''}".strip() or a["email"]
        member = members.setdefault(a["reviewer"], {"label": a["label"], "name": name, "declarations": []})
        member["declarations"].append(a)
    references = {r["application_id"]: r["reference"] for r in rows}
    for member in members.values():
        for d in member["declarations"]:
            d["reference"] = references.get(d["application"], "")
    applications = []
    for row in rows:
        check = checks.get(row["application_id"])
        failed_items = (
            [c for c in eligibility if (check["checks"] or {}).get(c["code"]) is False]
            if check and check["result"] == ApplicationStatus.ineligible
            else []
        )
        reviews = [
            {"label": a["label"], "scores": scores.get(a["id"], {}), "comment": a["comment"]}
            for a in assignments.get(row["application_id"], [])
            if a["status"] == AssignmentStatus.submitted
        ]
        applications.append(
            row
            | {
                "reviews": reviews,
                "failing": failing_rules(row, call, quality),
                "ineligible_items": failed_items,
                "award": awards.get(row["application_id"]),
            }
        )
    national = (
        await DecisionReview.select(
            DecisionReview.outcome,
            DecisionReview.comment,
            DecisionReview.awards,
            DecisionReview.decided_at,
            DecisionReview.decided_by.email.as_alias("email"),
            DecisionReview.decided_by.first_name.as_alias("first_name"),
            DecisionReview.decided_by.last_name.as_alias("last_name"),
        )
        .where(DecisionReview.call == call_id)
        .order_by(DecisionReview.decided_at)
        .order_by(DecisionReview.id)
    )
    for review in national:
        review["label"] = progress.display_name(review) if review["email"] else ""
    return {
        "call": call,
        "quality": quality,
        "eligibility": eligibility,
        "members": sorted(members.values(), key=lambda m: m["label"].casefold()),
        "applications": applications,
        "national": national,
    }
