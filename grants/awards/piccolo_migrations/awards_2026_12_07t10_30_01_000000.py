"""Back-fill of the columns the migration before added (Piccolo runs a migration's raw steps before
its column changes, so this is a migration of its own).

An award's final report counts as approved when the audit log has its "final_report_approved" row,
or a final payment exists (made on approval). A declined award's `reason` held the decline's reason:
it moves to `decline_reason` (rows with one already are left alone), and `reason` gets the decision's
reason back from the "award" audit row.
"""

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Serial
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Award(Table, tablename="award", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-12-07T10:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "back-fill award.final_report_approved_at and award.decline_reason"

APPROVED_FROM_AUDIT = """
UPDATE award SET final_report_approved_at = (
    SELECT MIN(audit_log.created_at) FROM audit_log
    WHERE audit_log.entity = 'award' AND audit_log.action = 'final_report_approved'
    AND audit_log.entity_id = CAST(award.id AS VARCHAR(64))
) WHERE final_report_approved_at IS NULL
"""

APPROVED_FROM_PAYMENT = """
UPDATE award SET final_report_approved_at = (
    SELECT MIN(payment.created_at) FROM payment
    WHERE payment.award = award.id AND payment.kind = 'final'
) WHERE final_report_approved_at IS NULL
"""


async def back_fill() -> None:
    await Award.raw(APPROVED_FROM_AUDIT)
    await Award.raw(APPROVED_FROM_PAYMENT)
    declined = await Award.raw("SELECT id, reason FROM award WHERE status = 'declined' AND decline_reason = ''")
    for row in declined:
        decided = await Award.raw(
            "SELECT data FROM audit_log WHERE entity = 'award' AND action = 'award' AND entity_id = {}"
            " ORDER BY id LIMIT 1",
            str(row["id"]),
        )
        data = decided[0]["data"] if decided else {}
        if isinstance(data, str):
            data = json.loads(data)
        reason = data.get("reason", "") if isinstance(data, dict) else ""
        await Award.raw(
            "UPDATE award SET decline_reason = {}, reason = {} WHERE id = {}",
            row["reason"],
            reason if isinstance(reason, str) else "",
            row["id"],
        )


async def put_back() -> None:
    """Backwards: a declined award's `reason` holds the decline's reason again, as before this migration
    (the migration before drops `decline_reason` next)."""
    await Award.raw("UPDATE award SET reason = decline_reason WHERE status = 'declined' AND decline_reason != ''")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="awards", description=DESCRIPTION)
    manager.add_raw(back_fill)
    manager.add_raw_backwards(put_back)
    return manager
