"""Aggregation and ranking, computed in the database: one query per call, whatever its size.

review total   = Σ weight × points over the quality criteria of one submitted review
score          = mean or median (the call's setting) of the review totals
spread         = population standard deviation of the review totals
criterion mark = mean or median of the points one criterion got
passed         = score ≥ threshold and every criterion with a minimum reaches it
rank           = score descending; a tie goes to the earlier submission, then the lower id.

The same SQL runs on SQLite and PostgreSQL. It sums integers (weights, numeric
with 2 places, as hundredths) and hands back sums and counts, so Python divides
exactly and rounds half up to 2 places the same way on both engines; medians come
from ROW_NUMBER() over the sorted values (the middle one, or the middle two).
The call's aggregation is read first, so each query computes only what it needs:
with the mean, no window function runs at all. The ranking comes back sorted, and
the breakdown as one row per application (bench/ranking.py times both).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from grants.applications.tables import Application, ApplicationStatus
from grants.calls.tables import Call, Criterion
from grants.core.time import to_riga

# Query templates: {name} is a part from _PARTS (or the pivot's columns), :call the call's id.
_PARTS = {
    # The quality scores of the call's submitted reviews.
    "scores": """FROM review_assignment a
    JOIN review_score s ON s.assignment = a.id
    JOIN call_criterion c ON c.id = s.criterion AND c.kind = 'quality'
    WHERE a.call = :call AND a.status = 'submitted'""",
    # Only a criterion with a minimum can fail an application, so the ranking aggregates no other
    # per criterion. (A score's criterion is always one of its call's; saying so helps SQLite's plan.)
    "scores_with_minimum": """FROM review_assignment a
    JOIN review_score s ON s.assignment = a.id
    JOIN call_criterion c ON c.id = s.criterion AND c.kind = 'quality'
        AND c.min_points IS NOT NULL AND c.call = a.call
    WHERE a.call = :call AND a.status = 'submitted'""",
    # Positions 1…n in the order of the window w: the median is the middle one, or the mean of the two.
    "positions": "ROW_NUMBER() OVER w AS position, "
    "COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n",
    "middle": "position IN ((n + 1) / 2, (n + 2) / 2)",
    # Of a group of n ≤ 4 values (their total, lowest and highest), the sum and the number of the
    # middle ones: all of them (n ≤ 2), or all but the lowest and the highest (3 or 4). Plain
    # aggregates find those; only larger groups need the window functions above.
    "small_sum": "CASE WHEN n <= 2 THEN total ELSE total - low - high END",
    "small_count": "CASE WHEN n <= 2 THEN n ELSE n - 2 END",
    # In floating point, so the squares cannot overflow; the spread is rounded to 2 places anyway.
    "variance": "AVG(CAST(total AS DOUBLE PRECISION) * total) "
    "- AVG(CAST(total AS DOUBLE PRECISION)) * AVG(CAST(total AS DOUBLE PRECISION)) AS variance",
}

# One row per ranked application, in the order of the ranking. Totals are in hundredths (weights
# have 2 places), so they sum as integers. The order uses the score as shown: in hundredths, rounded
# half up, (2 × sum + count) / (2 × count) in integer division (totals are never negative); equal
# scores go to the earlier submission (SQLite compares the stored text, as Python's str() writes
# it), then the lower id. CAST(… AS INTEGER) changes nothing but makes a column an expression,
# which Piccolo's SQLite driver hands back as it is instead of converting each value in Python.
_RANKING_SQL = """
WITH totals AS (
    SELECT a.application AS app, SUM(CAST(ROUND(c.weight * 100) AS INTEGER) * s.points) AS total
    {scores}
    GROUP BY a.id, a.application
),
{per_app},
{failing},
below_minimum AS (SELECT app, COUNT(*) AS failed FROM failing GROUP BY app)
SELECT CAST(ap.id AS INTEGER) AS application_id, ap.reference, ap.status, ap.submitted_at,
       CAST(ap.requested_cents AS INTEGER) AS requested_cents,
       per_app.score_sum, per_app.score_count, per_app.reviews, per_app.variance, below_minimum.failed
FROM application ap
LEFT JOIN per_app ON per_app.app = ap.id
LEFT JOIN below_minimum ON below_minimum.app = ap.id
WHERE ap.call = :call AND ap.status IN ('eligible', 'in_review', 'awarded', 'reserve', 'rejected')
ORDER BY per_app.score_count IS NULL,
         (2 * per_app.score_sum + per_app.score_count) / (2 * per_app.score_count) DESC,
         ap.submitted_at IS NULL, ap.submitted_at, ap.id
"""
# Per application: the score as a sum of totals and how many they are, the reviews, the variance.
_PER_APP = {
    "mean": """per_app AS (
    SELECT app, CAST(SUM(total) AS BIGINT) AS score_sum, COUNT(*) AS score_count, COUNT(*) AS reviews,
           {variance}
    FROM totals GROUP BY app
)""",
    "median": """grouped_totals AS (
    SELECT app, COUNT(*) AS n, SUM(total) AS total, MIN(total) AS low, MAX(total) AS high, {variance}
    FROM totals GROUP BY app
),
ranked_totals AS (
    SELECT app, total, {positions}
    FROM totals
    WHERE app IN (SELECT app FROM grouped_totals WHERE n > 4)
    WINDOW w AS (PARTITION BY app ORDER BY total)
),
large AS (
    SELECT app, SUM(total) AS total, COUNT(*) AS n FROM ranked_totals WHERE {middle} GROUP BY app
),
per_app AS (
    SELECT g.app, CAST(CASE WHEN g.n <= 4 THEN {small_sum_g} ELSE large.total END AS BIGINT) AS score_sum,
           CASE WHEN g.n <= 4 THEN {small_count_g} ELSE large.n END AS score_count,
           g.n AS reviews, g.variance
    FROM grouped_totals g LEFT JOIN large ON large.app = g.app
)""",
}
# One row per application and criterion whose mark lies below the criterion's minimum.
_FAILING = {
    "mean": """failing AS (
    SELECT a.application AS app
    {scores_with_minimum}
    GROUP BY a.application, s.criterion, c.min_points
    HAVING SUM(s.points) < c.min_points * COUNT(*)
)""",
    "median": """criterion_groups AS (
    SELECT a.application AS app, s.criterion, c.min_points, COUNT(*) AS n, SUM(s.points) AS total,
           MIN(s.points) AS low, MAX(s.points) AS high
    {scores_with_minimum}
    GROUP BY a.application, s.criterion, c.min_points
),
criterion_ranked AS (
    SELECT a.application AS app, s.criterion, c.min_points, s.points, {positions}
    {scores_with_minimum}
      AND (a.application, s.criterion) IN (SELECT app, criterion FROM criterion_groups WHERE n > 4)
    WINDOW w AS (PARTITION BY a.application, s.criterion ORDER BY s.points)
),
failing AS (
    SELECT app FROM criterion_groups WHERE n <= 4 AND ({small_sum}) < min_points * ({small_count})
    UNION ALL
    SELECT app
    FROM criterion_ranked
    WHERE {middle}
    GROUP BY app, criterion, min_points
    HAVING SUM(points) < min_points * COUNT(*)
)""",
}
# One row per application, two columns per quality criterion of the call (pivoted: the criteria
# are read first): the sum of the points that make the criterion's mark, and how many there are.
_BREAKDOWN_SQL = {
    "mean": """
SELECT a.application AS application_id, {columns}
FROM review_assignment a
JOIN review_score s ON s.assignment = a.id
WHERE a.call = :call AND a.status = 'submitted' AND s.criterion IN ({criteria})
GROUP BY a.application
""",
    # The middles are cast to INTEGER: PostgreSQL sums those with less memory than its bigints.
    "median": """
WITH grouped AS (
    SELECT a.application AS app, s.criterion, COUNT(*) AS n, SUM(s.points) AS total,
           MIN(s.points) AS low, MAX(s.points) AS high
    FROM review_assignment a
    JOIN review_score s ON s.assignment = a.id
    WHERE a.call = :call AND a.status = 'submitted' AND s.criterion IN ({criteria})
    GROUP BY a.application, s.criterion
),
ranked AS (
    SELECT a.application AS app, s.criterion, s.points, {positions}
    FROM review_assignment a
    JOIN review_score s ON s.assignment = a.id
    WHERE a.call = :call AND a.status = 'submitted'
      AND (a.application, s.criterion) IN (SELECT app, criterion FROM grouped WHERE n > 4)
    WINDOW w AS (PARTITION BY a.application, s.criterion ORDER BY s.points)
),
middles AS (
    SELECT app, criterion, CAST({small_sum} AS INTEGER) AS points, CAST({small_count} AS INTEGER) AS n
    FROM grouped WHERE n <= 4
    UNION ALL
    SELECT app, criterion, CAST(SUM(points) AS INTEGER), CAST(COUNT(*) AS INTEGER)
    FROM ranked WHERE {middle} GROUP BY app, criterion
)
SELECT s.app AS application_id, {columns}
FROM middles s
GROUP BY s.app
""",
}
# Aliased s in both queries, so that the pivot reads the same.
_PIVOT = {
    "mean": "SUM(CASE WHEN s.criterion = {{}} THEN s.points END) AS points_{i}, "
    "COUNT(CASE WHEN s.criterion = {{}} THEN 1 END) AS count_{i}",
    "median": "SUM(CASE WHEN s.criterion = {{}} THEN s.points END) AS points_{i}, "
    "SUM(CASE WHEN s.criterion = {{}} THEN s.n END) AS count_{i}",
}


_PARTS |= {
    "small_sum_g": "CASE WHEN g.n <= 2 THEN g.total ELSE g.total - g.low - g.high END",
    "small_count_g": "CASE WHEN g.n <= 2 THEN g.n ELSE g.n - 2 END",
}


def _sql(template: str, **parts: str) -> str:
    """The template with its parts filled in and Piccolo's {} placeholders for :call."""
    return template.format(**_PARTS, **parts).replace(":call", "{}")


_RANKING = {  # every placeholder is the call's id
    aggregation: _sql(
        _RANKING_SQL,
        per_app=_PER_APP[aggregation].format(**_PARTS),
        failing=_FAILING[aggregation].format(**_PARTS),
    )
    for aggregation in ("mean", "median")
}


def _breakdown_query(aggregation: str, call_id: int, criteria: list[int]) -> tuple[str, list[int]]:
    """The breakdown query for these criteria, and its arguments in the order of their placeholders."""
    sql = _sql(
        _BREAKDOWN_SQL[aggregation],
        columns=", ".join(_PIVOT[aggregation].format(i=i) for i in range(len(criteria))),
        criteria=", ".join("{}" for _ in criteria),
    )
    pivot = [criterion for criterion in criteria for _ in range(2)]
    if aggregation == "mean":
        return sql, [*pivot, call_id, *criteria]
    return sql, [call_id, *criteria, call_id, *pivot]


@dataclass(frozen=True, slots=True)
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
    """A float or Decimal to 2 places, rounded half up."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _quotient(numerator: int | None, denominator: int) -> Decimal | None:
    """numerator / denominator to 2 places, rounded half up (away from zero), exactly."""
    if numerator is None or not denominator:
        return None
    hundredths = (200 * abs(numerator) + denominator) // (2 * denominator)
    return Decimal(hundredths if numerator >= 0 else -hundredths).scaleb(-2)


def _aggregation(call: dict[str, Any]) -> str:
    return "median" if call["aggregation"] == "median" else "mean"


async def ranking(call_id: int) -> list[Ranked]:
    call = await Call.select(Call.score_threshold, Call.aggregation).where(Call.id == call_id).first()
    if call is None:
        return []
    sql = _RANKING[_aggregation(call)]
    rows = await Application.raw(sql, *[call_id] * sql.count("{}"))
    threshold = Decimal(str(call["score_threshold"]))
    ranked: list[Ranked] = []
    for position, row in enumerate(rows, start=1):
        # Totals are in hundredths, and so is the square root of their variance.
        count = row["score_count"]
        score = _quotient(row["score_sum"], 100 * count) if count else None
        variance = row["variance"]
        ranked.append(
            Ranked(
                application_id=row["application_id"],
                reference=row["reference"],
                status=row["status"],
                submitted_at=row["submitted_at"],
                requested_cents=row["requested_cents"],
                score=score,
                scores_count=row["reviews"] or 0,
                spread=None if variance is None else _decimal(math.sqrt(max(float(variance), 0.0)) / 100),
                passed=score is not None and score >= threshold and not row["failed"],
                rank=position,
            )
        )
    return ranked


async def breakdown(call_id: int) -> dict[int, dict[str, Decimal | None]]:
    """Per application, each quality criterion's aggregate points (the call's mean or median)."""
    criteria = (
        await Criterion.select(
            Criterion.id, Criterion.code, Criterion.call.aggregation.as_alias("aggregation")
        )
        .where((Criterion.call == call_id) & (Criterion.kind == "quality"))
        .order_by(Criterion.position)
        .order_by(Criterion.id)
    )
    if not criteria:
        return {}
    sql, args = _breakdown_query(_aggregation(criteria[0]), call_id, [c["id"] for c in criteria])
    codes = [(c["code"], f"points_{i}", f"count_{i}") for i, c in enumerate(criteria)]
    known: dict[tuple[int, int], Decimal | None] = {}  # few distinct (sum, count) pairs recur
    result: dict[int, dict[str, Decimal | None]] = {}
    for row in await Application.raw(sql, *args):
        marks: dict[str, Decimal | None] = {}
        for code, points, count in codes:
            if row[count]:
                key = (row[points], row[count])
                mark = known.get(key)
                if mark is None:
                    mark = known[key] = _quotient(*key)
                marks[code] = mark
        if marks:
            result[row["application_id"]] = marks
    return result


async def table(call_id: int) -> list[dict[str, Any]]:
    """Every submitted application of the call with its scores: the ranked ones in ranking order,
    then the others (waiting for the check, in clarification, not eligible, withdrawn) by
    submission time, without a rank. For the staff ranking page and the CSV and XLSX exports."""
    apps = {
        a["id"]: a
        for a in await Application.select(
            Application.id,
            Application.reference,
            Application.title,
            Application.status,
            Application.submitted_at,
            Application.requested_cents,
            Application.organisation.name.as_alias("organisation_name"),
            Application.organisation.registration_number.as_alias("registration_number"),
        ).where((Application.call == call_id) & (Application.status != ApplicationStatus.draft))
    }
    marks = await breakdown(call_id)
    rows: list[dict[str, Any]] = []
    for r in await ranking(call_id):
        rows.append(
            apps.pop(r.application_id)
            | {
                "application_id": r.application_id,
                "score": r.score,
                "scores_count": r.scores_count,
                "spread": r.spread,
                "passed": r.passed,
                "rank": r.rank,
                "criteria": marks.get(r.application_id, {}),
            }
        )
    unranked = sorted(
        (a for a in apps.values() if a["submitted_at"] is not None),
        key=lambda a: (to_riga(a["submitted_at"]), a["id"]),
    )
    for a in unranked:
        rows.append(
            a
            | {
                "application_id": a["id"],
                "score": None,
                "scores_count": 0,
                "spread": None,
                "passed": None,
                "rank": None,
                "criteria": {},
            }
        )
    return rows
