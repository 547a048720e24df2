"""Everything about one application for the staff's view (/admin/applications/{id}), read from each
domain: the application and its organisation, eligibility, clarifications, reviews and scores, the
ranking, the award with its agreement and payments, the reports, and the history (admin.history).

Each domain's own queries are used where they exist; what none has (one application's scores per
reviewer and criterion) is read here, as admin sits above every domain. Sections with nothing yet
come back empty (None or []), and the page says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from admin.history import history
from grants.accounts.tables import Organisation
from grants.applications import queries as applications
from grants.applications.tables import Application
from grants.awards import queries as awards
from grants.awards.tables import Award
from grants.core.auth import Principal
from grants.core.errors import NotFound
from grants.core.time import from_db, now
from grants.reporting.queries import events as event_reports
from grants.reporting.queries import final as final_reports
from grants.scoring.queries import progress, ranking
from grants.scoring.tables import AssignmentStatus, Score


async def _organisation(organisation_id: int) -> dict[str, Any] | None:
    return (
        await Organisation.select(
            Organisation.id,
            Organisation.name,
            Organisation.registration_number,
            Organisation.email,
            Organisation.phone,
            Organisation.contact_person,
            Organisation.municipality.name.as_alias("municipality_name"),
        )
        .where(Organisation.id == organisation_id)
        .first()
    )


async def _reviews(application: dict[str, Any], quality: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The application's assignments (reviewer, state, conflict) with each one's points per criterion
    and, once submitted, its total (Σ weight × points, as the ranking sums it)."""
    assignments = (await progress.assignments_by_application(application["call"])).get(application["id"], [])
    ids = [a["id"] for a in assignments]
    points: dict[int, dict[str, dict[str, Any]]] = {}
    if ids:
        for row in await Score.select(
            Score.assignment, Score.points, Score.comment, Score.criterion.code.as_alias("code")
        ).where(Score.assignment.is_in(ids)):
            points.setdefault(row["assignment"], {})[row["code"]] = row
    weights = {c["code"]: Decimal(str(c["weight"])) for c in quality}
    reviews = []
    for a in assignments:
        scores = points.get(a["id"], {})
        total = None
        if a["status"] == AssignmentStatus.submitted:
            total = sum(
                (weights.get(code, Decimal(1)) * s["points"] for code, s in scores.items()), Decimal(0)
            )
            total = total.quantize(Decimal("0.01"))
        reviews.append(a | {"scores": scores, "total": total})
    return reviews


async def _ranked(call_id: int, application_id: int) -> dict[str, Any] | None:
    """The application's place in the call's ranking (score, reviews, spread, passed, rank) with its
    aggregate points per criterion; None while it is not ranked."""
    for row in await ranking.ranking(call_id):
        if row.application_id == application_id:
            marks = (await ranking.breakdown(call_id)).get(application_id, {})
            return {
                "score": row.score,
                "scores_count": row.scores_count,
                "spread": row.spread,
                "passed": row.passed,
                "rank": row.rank,
                "marks": marks,
            }
    return None


async def _award(application_id: int, me: Principal) -> dict[str, Any] | None:
    row = await Award.select(*awards.award_columns()).where(Award.application == application_id).first()
    if row is None:
        return None
    award_id = row["id"]
    return row | {
        "agreement": (await awards.agreements_of([award_id])).get(award_id),
        "payments": (await awards.payments_of([award_id])).get(award_id, []),
        "events": await event_reports.list_events(award_id, me),
        "final_report": await final_reports.find_report(award_id, me),
    }


async def dossier(application_id: int, me: Principal) -> dict[str, Any]:
    """The application (NotFound for a draft never submitted: not the staff's business yet) and
    every section of the staff's view of it."""
    if not await Application.exists().where(
        (Application.id == application_id) & Application.submitted_at.is_not_null()
    ):
        raise NotFound
    app = await applications.get_application(application_id, me)
    call = app["call_row"]
    quality = await progress.quality_criteria(call["id"])
    moment = now()
    clarifications = [
        c | {"overdue": c["answered_at"] is None and from_db(c["due_at"]) < moment}
        for c in app["clarifications"]
    ]
    reviews = await _reviews(app, quality)
    award = await _award(application_id, me)
    entries, more = await history(
        application_id,
        award_id=award["id"] if award else None,
        payment_ids=[p["id"] for p in award["payments"]] if award else [],
        assignment_ids=[r["id"] for r in reviews],
    )
    return {
        "app": app,
        "call": call,
        "organisation": await _organisation(app["organisation"]),
        "clarifications": clarifications,
        "eligibility": await progress.eligibility_check(application_id),
        "eligibility_criteria": await progress.eligibility_criteria(call["id"]),
        "quality": quality,
        "reviews": reviews,
        "ranked": await _ranked(call["id"], application_id),
        "award": award,
        "history": entries,
        "more_history": more,
    }
