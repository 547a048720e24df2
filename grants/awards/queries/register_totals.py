"""The payment register's totals: what is due, overdue and paid, per call and over all of them, in
one query summed by the database (a register of any size costs one row per call).

due     = unpaid, falling due today or later (Riga's today)
overdue = unpaid, its due date passed
paid    = paid, whenever
of the payments to grantees; refunds owed back by grantees (a costs call's advance above the
eligible costs) are summed apart, never netted against them:
refund_due      = refunds not received yet
refund_received = refunds received
"""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.awards.tables import Payment
from grants.core.time import riga_today

_TOTALS_SQL = """
SELECT CAST(a.call AS INTEGER) AS call_id, c.title AS title,
       CAST(SUM(CASE WHEN p.kind <> 'refund' AND p.paid_on IS NULL AND p.due_on >= {today} THEN p.amount_cents ELSE 0 END) AS BIGINT) AS due,
       CAST(SUM(CASE WHEN p.kind <> 'refund' AND p.paid_on IS NULL AND p.due_on < {today} THEN p.amount_cents ELSE 0 END) AS BIGINT) AS overdue,
       CAST(SUM(CASE WHEN p.kind <> 'refund' AND p.paid_on IS NOT NULL THEN p.amount_cents ELSE 0 END) AS BIGINT) AS paid,
       CAST(SUM(CASE WHEN p.kind = 'refund' AND p.paid_on IS NULL THEN p.amount_cents ELSE 0 END) AS BIGINT) AS refund_due,
       CAST(SUM(CASE WHEN p.kind = 'refund' AND p.paid_on IS NOT NULL THEN p.amount_cents ELSE 0 END) AS BIGINT) AS refund_received,
       CAST(COUNT(*) AS INTEGER) AS payments
FROM payment p
JOIN award a ON a.id = p.award
JOIN grant_call c ON c.id = a.call
{where}
GROUP BY a.call, c.title
"""
STATUSES = ("due", "overdue", "paid", "refund_due", "refund_received")


async def totals(call_id: int | None = None, today: date | None = None) -> dict[str, Any]:
    """{"calls": [{call_id, title, due, overdue, paid, payments}] by title, "all": the sums of those}
    in cents, of one call when `call_id` is given."""
    day = today or riga_today()
    where = "WHERE a.call = {}" if call_id is not None else ""
    sql = _TOTALS_SQL.replace("{today}", "{}", 1).replace("{today}", "{}", 1).replace("{where}", where)
    args: list[Any] = [day, day] + ([call_id] if call_id is not None else [])
    rows = await Payment.raw(sql, *args)
    calls = sorted(
        ({k: (int(v) if k in (*STATUSES, "payments") else v) for k, v in row.items()} for row in rows),
        key=lambda r: (r["title"].casefold(), r["call_id"]),
    )
    overall = {key: sum(r[key] for r in calls) for key in (*STATUSES, "payments")}
    return {"calls": calls, "all": overall}
