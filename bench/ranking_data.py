"""The ranking benchmark's data: one call loaded in bulk from random.Random(SEED), with noise."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

APPLICATIONS = 10_000
REVIEWS = 3
REVIEWERS = 30
ORGANISATIONS = 1_000  # 10 applications each
SEED = 20261123
BATCH = 1_000  # rows per INSERT
# (code, weight, min_points): weights sum to 6, so a total is 0–60 and the threshold 30 is the middle.
CRITERIA = [("K1", "2", None), ("K2", "1.5", 4), ("K3", "1", None), ("K4", "1", None), ("K5", "0.5", None)]
THRESHOLD = "30"
PENDING_EVERY = 10  # every 10th application also has a pending review with draft scores
CONFLICT_EVERY = 25  # every 25th one a review released after a declared conflict


async def _insert(table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        await table.insert(*(table(**row) for row in rows[start : start + BATCH]))


async def load(rng: random.Random) -> tuple[int, dict[str, int]]:
    """One call with its applications, reviews and scores; returns the call's id and row counts."""
    from piccolo.apps.user.tables import BaseUser

    from grants.accounts.tables import Organisation, UserRole
    from grants.applications.tables import Application
    from grants.calls.tables import Call, Criterion
    from grants.core.auth import Role
    from grants.core.db import write_transaction
    from grants.registry.tables import Municipality
    from grants.scoring.tables import Assignment, Score

    municipality = (await Municipality.select(Municipality.id).where(Municipality.code == "LV-016").first())[
        "id"
    ]
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    async with write_transaction():
        await _insert(
            BaseUser,
            [
                {
                    "username": f"bench-reviewer-{i}@bench.grants.lv",
                    "email": f"bench-reviewer-{i}@bench.grants.lv",
                    "password": "pbkdf2_sha256$1$bench$no-login",  # not a usable hash: nobody logs in
                    "first_name": "Bench",
                    "last_name": f"Reviewer {i}",
                    "active": True,
                }
                for i in range(REVIEWERS)
            ],
        )
        reviewers = [
            row["id"]
            for row in await BaseUser.select(BaseUser.id)
            .where(BaseUser.username.like("bench-reviewer-%"))
            .order_by(BaseUser.id)
        ]
        await _insert(UserRole, [{"user": uid, "role": Role.reviewer} for uid in reviewers])
        call = (
            await Call.insert(
                Call(
                    title="Benchmark call",
                    municipality=municipality,
                    status="in_review",
                    budget_cents=4_600_000_00,
                    quota=1_000,
                    applications_per_organisation=APPLICATIONS // ORGANISATIONS,
                    opens_at=start - timedelta(days=30),
                    closes_at=start + timedelta(days=31),
                    score_threshold=Decimal(THRESHOLD),
                    aggregation="mean",
                    reviewers_per_application=REVIEWS,
                )
            )
        )[0]["id"]
        await _insert(
            Criterion,
            [
                {"call": call, "code": f"E{i}", "title": f"Eligibility {i}", "kind": "eligibility"}
                for i in (1, 2)
            ]
            + [
                {
                    "call": call,
                    "code": code,
                    "title": f"Quality {code}",
                    "kind": "quality",
                    "max_points": 10,
                    "weight": Decimal(weight),
                    "min_points": minimum,
                    "position": position,
                }
                for position, (code, weight, minimum) in enumerate(CRITERIA)
            ],
        )
        criteria = [
            row["id"]
            for row in await Criterion.select(Criterion.id)
            .where((Criterion.call == call) & (Criterion.kind == "quality"))
            .order_by(Criterion.position)
        ]
        await _insert(
            Organisation,
            [
                {
                    "name": f"Bench NGO {i}",
                    "registration_number": f"5{i:010d}",
                    "legal_form": "association",
                    "municipality": municipality,
                }
                for i in range(ORGANISATIONS)
            ],
        )
        organisations = [
            row["id"]
            for row in await Organisation.select(Organisation.id)
            .where(Organisation.registration_number.like("5%"))
            .order_by(Organisation.id)
        ]
        await _insert(
            Application,
            [
                {
                    "call": call,
                    "organisation": organisations[i % ORGANISATIONS],
                    "reference": f"BEN-2026-{i + 1:05d}",
                    "status": "in_review",
                    "title": f"Bench project {i + 1}",
                    "requested_cents": 460_000,
                    # a random second in 30 days: a few applications share one, so the id breaks the tie
                    "submitted_at": start + timedelta(seconds=rng.randrange(30 * 24 * 3600)),
                }
                for i in range(APPLICATIONS)
            ],
        )
        applications = [
            row["id"]
            for row in await Application.select(Application.id)
            .where(Application.call == call)
            .order_by(Application.id)
        ]
        assignments: list[dict[str, Any]] = []
        quality: dict[tuple[int, int], float] = {}  # (application, reviewer) -> the review's level
        for n, app in enumerate(applications):
            level = rng.uniform(2.0, 9.0)  # how good the application is
            panel = rng.sample(reviewers, REVIEWS + 2)
            extra: list[tuple[int, str]] = []
            if n % PENDING_EVERY == 0:
                extra.append((panel[REVIEWS], "pending"))
            if n % CONFLICT_EVERY == 0:
                extra.append((panel[REVIEWS + 1], "coi_declared"))
            for reviewer, status in [(r, "submitted") for r in panel[:REVIEWS]] + extra:
                when = start + timedelta(days=40, seconds=rng.randrange(14 * 24 * 3600))
                assignments.append(
                    {
                        "call": call,
                        "application": app,
                        "reviewer": reviewer,
                        "status": status,
                        "conflict": "yes" if status == "coi_declared" else "no",
                        "declared_at": when,
                        "submitted_at": when if status == "submitted" else None,
                    }
                )
                quality[app, reviewer] = level
        await _insert(Assignment, assignments)
        scores: list[dict[str, Any]] = []
        rows = await Assignment.select(
            Assignment.id, Assignment.application, Assignment.reviewer, Assignment.status
        ).where(Assignment.call == call)
        for row in sorted(rows, key=lambda r: r["id"]):
            if row["status"] == "coi_declared":
                continue
            level = quality[row["application"], row["reviewer"]]
            scored = criteria if row["status"] == "submitted" else criteria[:2]  # a draft: two so far
            for criterion in scored:
                points = min(10, max(0, round(rng.gauss(level, 1.5))))
                scores.append({"assignment": row["id"], "criterion": criterion, "points": points})
        await _insert(Score, scores)
    submitted = sum(1 for a in assignments if a["status"] == "submitted")
    pending = sum(1 for a in assignments if a["status"] == "pending")
    return call, {
        "applications": len(applications),
        "organisations": len(organisations),
        "submitted": submitted,
        "pending": pending,
        "conflicts": sum(1 for a in assignments if a["status"] == "coi_declared"),
        "submitted_scores": submitted * len(criteria),
        "draft_scores": pending * 2,
        "scores": len(scores),
    }
