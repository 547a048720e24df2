"""Aggregation and ranking, computed in the database: one query per call, whatever its size.

review total   = Σ weight × points over the quality criteria of one submitted review
score          = mean or median (the call's setting) of the review totals
spread         = population standard deviation of the review totals
criterion mark = mean or median of the points one criterion got
passed         = score ≥ threshold and every criterion with a minimum reaches it
rank           = score descending; a tie goes to the earlier submission, then the lower id.

The same SQL runs on SQLite and PostgreSQL: medians come from ROW_NUMBER() over
the sorted totals (the middle one, or the mean of the middle two).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from grants.applications.tables import Application
from grants.calls.tables import Call

RANKED_STATUSES = ("eligible", "in_review", "awarded", "reserve", "rejected")

_SQL = """
WITH reviews AS (
    SELECT a.application AS app, a.id AS review
    FROM review_assignment a
    WHERE a.call = {call} AND a.status = 'submitted'
),
points AS (
    SELECT r.app, r.review, s.criterion, s.points, c.weight, c.min_points
    FROM reviews r
    JOIN review_score s ON s.assignment = r.review
    JOIN call_criterion c ON c.id = s.criterion AND c.kind = 'quality'
),
totals AS (
    SELECT app, review, SUM(weight * points) AS total FROM points GROUP BY app, review
),
ordered AS (
    SELECT app, total,
           ROW_NUMBER() OVER (PARTITION BY app ORDER BY total) AS position,
           COUNT(*) OVER (PARTITION BY app) AS n
    FROM totals
),
per_app AS (
    SELECT app,
           AVG(total) AS mean_total,
           AVG(CASE WHEN position IN ((n + 1) / 2, (n + 2) / 2) THEN total END) AS median_total,
           COUNT(*) AS reviews,
           AVG(total * total) - AVG(total) * AVG(total) AS variance
    FROM ordered GROUP BY app
),
criterion_points AS (
    SELECT app, criterion, points, min_points,
           ROW_NUMBER() OVER (PARTITION BY app, criterion ORDER BY points) AS position,
           COUNT(*) OVER (PARTITION BY app, criterion) AS n
    FROM points
),
per_criterion AS (
    SELECT app, criterion, MIN(min_points) AS min_points,
           AVG(points * 1.0) AS mean_points,
           AVG(CASE WHEN position IN ((n + 1) / 2, (n + 2) / 2) THEN points * 1.0 END) AS median_points
    FROM criterion_points GROUP BY app, criterion
),
below_minimum AS (
    SELECT app, COUNT(*) AS failed
    FROM per_criterion
    WHERE min_points IS NOT NULL
      AND (CASE WHEN {aggregation} = 'median' THEN median_points ELSE mean_points END) < min_points
    GROUP BY app
)
SELECT ap.id AS application_id, ap.reference, ap.status, ap.submitted_at, ap.requested_cents,
       per_app.mean_total, per_app.median_total, per_app.reviews, per_app.variance,
       below_minimum.failed
FROM application ap
LEFT JOIN per_app ON per_app.app = ap.id
LEFT JOIN below_minimum ON below_minimum.app = ap.id
WHERE ap.call = {call} AND ap.status IN ('eligible', 'in_review', 'awarded', 'reserve', 'rejected')
"""

_BREAKDOWN_SQL = """
WITH points AS (
    SELECT a.application AS app, s.criterion, s.points,
           ROW_NUMBER() OVER (PARTITION BY a.application, s.criterion ORDER BY s.points) AS position,
           COUNT(*) OVER (PARTITION BY a.application, s.criterion) AS n
    FROM review_assignment a
    JOIN review_score s ON s.assignment = a.id
    WHERE a.call = {call} AND a.status = 'submitted'
)
SELECT p.app AS application_id, c.code,
       AVG(p.points * 1.0) AS mean_points,
       AVG(CASE WHEN p.position IN ((p.n + 1) / 2, (p.n + 2) / 2) THEN p.points * 1.0 END) AS median_points
FROM points p JOIN call_criterion c ON c.id = p.criterion AND c.kind = 'quality'
GROUP BY p.app, c.code
"""


@dataclass(frozen=True)
class Ranked:
    application_id: int
    reference: str
    status: str
    submitted_at: datetime | None
    requested_cents: int
    score: Decimal | None
    scores_count: int
    spread: Decimal | None
    passed: bool
    rank: int


def _decimal(value: Any) -> Decimal | None:
    """SQLite hands back floats, PostgreSQL Decimals: both to 2 places, rounded half up."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


async def ranking(call_id: int) -> list[Ranked]:
    call = await Call.select(Call.score_threshold, Call.aggregation).where(Call.id == call_id).first()
    if call is None:
        return []
    rows = await Application.raw(
        _SQL.format(call="{}", aggregation="{}"), call_id, call["aggregation"], call_id
    )
    threshold = Decimal(str(call["score_threshold"]))
    scored: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for row in rows:
        raw = row["median_total"] if call["aggregation"] == "median" else row["mean_total"]
        score = _decimal(raw)
        variance = float(row["variance"]) if row["variance"] is not None else None
        row["score"] = score
        row["spread"] = _decimal(math.sqrt(max(variance, 0.0))) if variance is not None else None
        row["passed"] = score is not None and score >= threshold and not row["failed"]
        submitted = row["submitted_at"]
        key = (score is None, -(score or 0), submitted is None, str(submitted or ""), row["application_id"])
        scored.append((key, row))
    scored.sort(key=lambda pair: pair[0])
    return [
        Ranked(
            application_id=row["application_id"],
            reference=row["reference"],
            status=row["status"],
            submitted_at=row["submitted_at"],
            requested_cents=row["requested_cents"],
            score=row["score"],
            scores_count=row["reviews"] or 0,
            spread=row["spread"],
            passed=row["passed"],
            rank=position,
        )
        for position, (_key, row) in enumerate(scored, start=1)
    ]


async def breakdown(call_id: int) -> dict[int, dict[str, Decimal | None]]:
    """Per application, each quality criterion's aggregate points (the call's mean or median)."""
    call = await Call.select(Call.aggregation).where(Call.id == call_id).first()
    if call is None:
        return {}
    column = "median_points" if call["aggregation"] == "median" else "mean_points"
    result: dict[int, dict[str, Decimal | None]] = {}
    for row in await Application.raw(_BREAKDOWN_SQL.format(call="{}"), call_id):
        result.setdefault(row["application_id"], {})[row["code"]] = _decimal(row[column])
    return result
