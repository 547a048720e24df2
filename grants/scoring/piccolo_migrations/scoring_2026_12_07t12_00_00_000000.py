"""Eligibility checks, review assignments and scores keep their history: these foreign keys no longer cascade a delete (issue 11).

RESTRICT where the row is history or what history stands on, SET NULL where the row outlives the user
who made it. SQLite rebuilds each table (grants.core.db.on_delete_migration); the backwards step puts
CASCADE back.
"""

from piccolo.columns import OnDelete

from grants.core.db import OnDeleteChange, on_delete_migration

ID = "2026-12-07T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "scoring: history is never deleted by a cascade"

CHANGES = [
    OnDeleteChange(
        "EligibilityCheck", "eligibility_check", "application", new=OnDelete.restrict, old=OnDelete.cascade
    ),
    OnDeleteChange(
        "EligibilityCheck", "eligibility_check", "checked_by", new=OnDelete.set_null, old=OnDelete.cascade
    ),
    OnDeleteChange("Assignment", "review_assignment", "call", new=OnDelete.restrict, old=OnDelete.cascade),
    OnDeleteChange(
        "Assignment", "review_assignment", "application", new=OnDelete.restrict, old=OnDelete.cascade
    ),
    OnDeleteChange(
        "Assignment", "review_assignment", "reviewer", new=OnDelete.restrict, old=OnDelete.cascade
    ),
    OnDeleteChange("Score", "review_score", "assignment", new=OnDelete.restrict, old=OnDelete.cascade),
    OnDeleteChange("Score", "review_score", "criterion", new=OnDelete.restrict, old=OnDelete.cascade),
]


async def forwards():
    return on_delete_migration(ID, "scoring", DESCRIPTION, CHANGES)
