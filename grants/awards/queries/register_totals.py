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


async def totals(
    call_id: int | None = None, today: date | None = None, scope: frozenset[int] | None = None
) -> dict[str, Any]:
    """{"calls": [{call_id, title, due, overdue, paid, payments}] by title, "all": the sums of those}
    in cents, of one call when `call_id` is given, of the calls of the municipalities in `scope`
    (Principal.staff_scope) when it is not None."""
    day = today or riga_today()
    conditions: list[str] = []
    args: list[Any] = [day, day]
    if call_id is not None:
        conditions.append("a.call = {}")
        args.append(call_id)
    if scope is not None:
        ids = sorted(scope) or [0]  # no municipality: no call (ids start at 1)
        conditions.append("c.municipality IN (" + ", ".join("{}" for _ in ids) + ")")
        args.extend(ids)
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    sql = _TOTALS_SQL.replace("{today}", "{}", 1).replace("{today}", "{}", 1).replace("{where}", where)
    rows = await Payment.raw(sql, *args)
    calls = sorted(
        ({k: (int(v) if k in (*STATUSES, "payments") else v) for k, v in row.items()} for row in rows),
        key=lambda r: (r["title"].casefold(), r["call_id"]),
    )
    overall = {key: sum(r[key] for r in calls) for key in (*STATUSES, "payments")}
    return {"calls": calls, "all": overall}
