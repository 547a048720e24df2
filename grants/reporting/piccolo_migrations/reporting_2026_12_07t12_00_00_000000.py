"""Event photos and final report files keep their history: these foreign keys no longer cascade a delete (issue 11).

RESTRICT where the row is history or what history stands on, SET NULL where the row outlives the user
who made it. SQLite rebuilds each table (grants.core.db.on_delete_migration); the backwards step puts
CASCADE back.
"""

from piccolo.columns import OnDelete

from grants.core.db import OnDeleteChange, on_delete_migration

ID = "2026-12-07T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reporting: history is never deleted by a cascade"

CHANGES = [
    OnDeleteChange("EventPhoto", "event_photo", "event", new=OnDelete.restrict, old=OnDelete.cascade),
    OnDeleteChange(
        "FinalReportAttachment", "final_report_attachment", "report", new=OnDelete.restrict, old=OnDelete.cascade
    ),
]


async def forwards():
    return on_delete_migration(ID, "reporting", DESCRIPTION, CHANGES)
