"""The ranking and the per-criterion breakdown against a plain Python computation.

Reviews are written straight into the tables, 0 to 6 per application, so the
medians of every group size (the short cut for up to 4 values, the window
functions above that) and ties are covered, with the mean and with the median.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from grants.accounts.queries import user_id_by_email
from grants.core.auth import Role
from tests.factories.accounts import make_user
from tests.factories.applications import eligible_applications

pytestmark = pytest.mark.integration

# Per application, each submitted review's points for K1 (weight 2) and K2 (weight 1, minimum 3).
SHEETS = [
    [(7, 2)],
    [(10, 3), (4, 8)],
    [(10, 10), (10, 10), (1, 3)],
    [(9, 1), (2, 2), (5, 9), (5, 4)],
    [(3, 3), (8, 1), (8, 10), (1, 7), (6, 6)],
    [(0, 0), (10, 10), (4, 2), (4, 9), (7, 3), (6, 3)],
    [(5, 5), (5, 5), (5, 5), (5, 5), (5, 4)],
    [(10, 10), (1, 3), (10, 10)],  # the scores of the third: the earlier submission ranks first
    [],  # no review yet: no score, ranked last
]
THRESHOLD = Decimal("15")


def _cents(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _middle(values: list[int]) -> Fraction:
    ordered, n = sorted(values), len(values)
    return Fraction(ordered[n // 2]) if n % 2 else Fraction(ordered[n // 2 - 1] + ordered[n // 2], 2)


def _expected(apps: list[int], aggregation: str) -> tuple[list[tuple], dict[int, dict[str, Decimal]]]:
    def aggregate(values: list[int]) -> Fraction:
        return _middle(values) if aggregation == "median" else Fraction(sum(values), len(values))

    rows, marks = [], {}
    for order, (app, sheets) in enumerate(zip(apps, SHEETS, strict=True)):
        totals = [2 * k1 + k2 for k1, k2 in sheets]
        if not totals:
            rows.append((app, None, 0, None, False, (1, 0, order)))
            continue
        score = _cents(aggregate(totals))
        mean = Fraction(sum(totals), len(totals))
        variance = sum((t - mean) ** 2 for t in totals) / len(totals)
        spread = Decimal(str(math.sqrt(variance))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        k2 = aggregate([k2 for _, k2 in sheets])
        marks[app] = {"K1": _cents(aggregate([k1 for k1, _ in sheets])), "K2": _cents(k2)}
        rows.append((app, score, len(totals), spread, score >= THRESHOLD and k2 >= 3, (0, -score, order)))
    rows.sort(key=lambda row: row[-1])
    return [(*row[:-1], rank) for rank, row in enumerate(rows, start=1)], marks


async def test_ranking_and_breakdown_match_a_python_computation_for_every_group_size(client):
    from grants.calls.tables import Call, Criterion
    from grants.core.time import now
    from grants.scoring.queries import ranking
    from grants.scoring.tables import Assignment, Score

    call_id, apps = await eligible_applications(len(SHEETS), score_threshold=str(THRESHOLD))
    criteria = {
        row["code"]: row["id"]
        for row in await Criterion.select(Criterion.id, Criterion.code).where(Criterion.call == call_id)
    }
    reviewers = [await user_id_by_email(await make_user(Role.reviewer)) for _ in range(7)]
    for app, sheets in zip(apps, SHEETS, strict=True):
        for reviewer, (k1, k2) in zip(reviewers, sheets, strict=False):
            assignment = await Assignment.insert(
                Assignment(
                    call=call_id,
                    application=app,
                    reviewer=reviewer,
                    status="submitted",
                    conflict="no",
                    submitted_at=now(),
                )
            )
            await Score.insert(
                Score(assignment=assignment[0]["id"], criterion=criteria["K1"], points=k1),
                Score(assignment=assignment[0]["id"], criterion=criteria["K2"], points=k2),
            )
        # A review still in progress counts for nothing.
        draft = await Assignment.insert(
            Assignment(call=call_id, application=app, reviewer=reviewers[-1], status="pending", conflict="no")
        )
        await Score.insert(Score(assignment=draft[0]["id"], criterion=criteria["K1"], points=0))

    for aggregation in ("mean", "median"):
        await Call.update({Call.aggregation: aggregation}).where(Call.id == call_id)
        expected, marks = _expected(apps, aggregation)
        got = [
            (r.application_id, r.score, r.scores_count, r.spread, r.passed, r.rank)
            for r in await ranking.ranking(call_id)
        ]
        assert got == expected, aggregation
        assert await ranking.breakdown(call_id) == marks, aggregation
