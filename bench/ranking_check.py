"""The ranking benchmark's expected results, computed in Python from the raw rows, and the comparison."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any


def _round(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _middle(values: list[Fraction]) -> Fraction:
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


async def expected_ranking(
    call: int, aggregation: str
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Decimal]]]:
    """The ranking and breakdown computed in Python from the raw rows, step by step."""
    from grants.applications.tables import Application
    from grants.calls.tables import Call, Criterion
    from grants.scoring.tables import Assignment, Score

    threshold = Fraction(
        str((await Call.select(Call.score_threshold).where(Call.id == call).first())["score_threshold"])
    )
    criteria = {
        row["id"]: row
        for row in await Criterion.select().where((Criterion.call == call) & (Criterion.kind == "quality"))
    }
    reviews = {
        row["id"]: row["application"]
        for row in await Assignment.select(Assignment.id, Assignment.application).where(
            (Assignment.call == call) & (Assignment.status == "submitted")
        )
    }
    totals: dict[int, Fraction] = defaultdict(Fraction)  # review -> Σ weight × points
    points: dict[int, dict[int, list[Fraction]]] = defaultdict(lambda: defaultdict(list))  # app -> criterion
    for row in await Score.select(Score.assignment, Score.criterion, Score.points):
        review, criterion = row["assignment"], criteria.get(row["criterion"])
        if review not in reviews or criterion is None:
            continue
        totals[review] += Fraction(str(criterion["weight"])) * row["points"]
        points[reviews[review]][row["criterion"]].append(Fraction(row["points"]))
    per_app: dict[int, list[Fraction]] = defaultdict(list)
    for review, total in totals.items():
        per_app[reviews[review]].append(total)

    def aggregate(values: list[Fraction]) -> Fraction:
        return _middle(values) if aggregation == "median" else sum(values, Fraction(0)) / len(values)

    expected = []
    breakdown: dict[int, dict[str, Decimal]] = {}
    for app in await Application.select(
        Application.id, Application.reference, Application.status, Application.submitted_at
    ).where(
        (Application.call == call)
        & Application.status.is_in(["eligible", "in_review", "awarded", "reserve", "rejected"])
    ):
        values = per_app.get(app["id"], [])
        score = _round(aggregate(values)) if values else None
        spread = None
        if values:
            mean = sum(values, Fraction(0)) / len(values)
            spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        marks = {cid: aggregate(p) for cid, p in points.get(app["id"], {}).items()}
        failed = any(
            criteria[cid]["min_points"] is not None and mark < criteria[cid]["min_points"]
            for cid, mark in marks.items()
        )
        breakdown[app["id"]] = {criteria[cid]["code"]: _round(mark) for cid, mark in marks.items()}
        expected.append(
            {
                "application_id": app["id"],
                "reference": app["reference"],
                "score": score,
                "scores_count": len(values),
                "spread": spread,
                "passed": score is not None and score >= threshold and not failed,
                "submitted_at": app["submitted_at"],
            }
        )
    expected.sort(
        key=lambda e: (
            e["score"] is None,
            -(e["score"] or 0),
            e["submitted_at"] is None,
            e["submitted_at"] or datetime.min.replace(tzinfo=UTC),
            e["application_id"],
        )
    )
    for rank, e in enumerate(expected, start=1):
        e["rank"] = rank
    return expected, breakdown


def compare(
    label: str,
    ranked: list[Any],
    breakdown: dict[int, dict[str, Any]],
    expected: list[dict[str, Any]],
    marks: dict[int, dict[str, Decimal]],
) -> list[str]:
    wrong: list[str] = []
    if len(ranked) != len(expected):
        wrong.append(f"{label}: {len(ranked)} ranked applications, expected {len(expected)}")
    for got, want in zip(ranked, expected, strict=False):
        for field in ("application_id", "reference", "score", "scores_count", "passed", "rank"):
            if getattr(got, field) != want[field]:
                wrong.append(
                    f"{label}: rank {want['rank']} (application {want['application_id']}) {field} "
                    f"{getattr(got, field)!r} ≠ {want[field]!r}"
                )
        if (got.spread is None) != (want["spread"] is None) or (
            got.spread is not None and abs(float(got.spread) - want["spread"]) > 0.0051
        ):
            wrong.append(
                f"{label}: application {want['application_id']} spread {got.spread} ≠ {want['spread']}"
            )
    if breakdown != marks:
        apps = [a for a in marks.keys() | breakdown.keys() if breakdown.get(a) != marks.get(a)]
        wrong.append(
            f"{label}: breakdown differs for {len(apps)} applications, e.g. {apps[0]}: "
            f"{breakdown.get(apps[0])} ≠ {marks.get(apps[0])}"
        )
    return wrong
