"""The payment register for staff: every payment with its award, organisation, call and municipality,
filtered and paged, and the same as a CSV file streamed a page at a time.

The CSV reads the rows in batches in the register's order (due date, then id),
each batch starting after the last row of the one before (keyset paging), so
neither the query nor the response ever holds the whole register.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from grants.awards.service import lock as state
from grants.awards.tables import Award, Payment
from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.params import MAX_ID

FILTERS = ("unpaid", "paid", "overdue")
MAX_PER_PAGE = 200
CSV_BATCH = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


@dataclass(frozen=True)
class Filter:
    status: str = ""  # "", "unpaid", "paid" or "overdue"
    call_id: int | None = None

    def where(self, today: date) -> Any:
        condition: Any = Payment.id.is_not_null()
        if self.status == "unpaid":
            condition &= Payment.paid_on.is_null()
        elif self.status == "paid":
            condition &= Payment.paid_on.is_not_null()
        elif self.status == "overdue":
            condition &= Payment.paid_on.is_null() & (Payment.due_on < today)
        if self.call_id is not None:
            condition &= Payment.award.call == self.call_id
        return condition


def parse_filter(status: str | None, call_id: int | None) -> Filter:
    status = (status or "").strip()
    errors = {}
    if status and status not in FILTERS:
        errors["status"] = _("Choose one of: {values}.").format(values=", ".join(FILTERS))
    if call_id is not None and not 1 <= call_id <= MAX_ID:
        errors["call_id"] = _("No such call.")
    if errors:
        raise ValidationFailed(errors)
    return Filter(status, call_id)


def paging(page: int | None, per_page: int | None, default: int = 50) -> tuple[int, int]:
    page = 1 if page is None else page
    per_page = default if per_page is None else per_page
    errors = {}
    if not 1 <= page <= MAX_ID:
        errors["page"] = _("The page number starts at 1.")
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors["per_page"] = _("Between 1 and {n} rows per page.").format(n=MAX_PER_PAGE)
    if errors:
        raise ValidationFailed(errors)
    return page, per_page


def _columns() -> tuple[Any, ...]:
    return (
        Payment.id,
        Payment.kind,
        Payment.amount_cents,
        Payment.due_on,
        Payment.paid_on,
        Payment.note,
        Payment.award.as_alias("award_id"),
        Payment.award.status.as_alias("award_status"),
        Payment.award.application.reference.as_alias("reference"),
        Payment.award.application.organisation.name.as_alias("organisation"),
        Payment.award.application.organisation.registration_number.as_alias("registration_number"),
        Payment.award.call.as_alias("call_id"),
        Payment.award.call.title.as_alias("call"),
        Payment.award.call.municipality.name.as_alias("municipality"),
    )


def _shape(row: dict[str, Any], today: date) -> dict[str, Any]:
    return row | {
        "amount": format_cents(row["amount_cents"]),
        "overdue": row["paid_on"] is None and row["due_on"] < today,
    }


async def page_of(selected: Filter, page: int, per_page: int) -> dict[str, Any]:
    """One page of the register and the count of all the rows the filter keeps."""
    today = state.today()
    condition = selected.where(today)
    total = await Payment.count().where(condition)
    rows = (
        await Payment.select(*_columns())
        .where(condition)
        .order_by(Payment.due_on)
        .order_by(Payment.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return {
        "items": [_shape(r, today) for r in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": max(1, -(-total // per_page)),
    }


async def calls_with_payments() -> list[dict[str, Any]]:
    """The calls that have any payment, for the register's call filter."""
    rows = await Payment.select(
        Payment.award.call.as_alias("id"), Payment.award.call.title.as_alias("title")
    ).distinct()
    return sorted(rows, key=lambda r: (r["title"].casefold(), r["id"]))


async def rows(selected: Filter, batch: int = CSV_BATCH) -> AsyncIterator[dict[str, Any]]:
    """Every row the filter keeps, in the register's order, read `batch` rows at a time."""
    today = state.today()
    condition = selected.where(today)
    last: tuple[date, int] | None = None
    while True:
        where = condition
        if last is not None:
            where = where & (
                (Payment.due_on > last[0]) | ((Payment.due_on == last[0]) & (Payment.id > last[1]))
            )
        found = (
            await Payment.select(*_columns())
            .where(where)
            .order_by(Payment.due_on)
            .order_by(Payment.id)
            .limit(batch)
        )
        for row in found:
            yield _shape(row, today)
        if len(found) < batch:
            return
        last = (found[-1]["due_on"], found[-1]["id"])


def header() -> list[str]:
    return [
        _("Payment no."),
        _("Kind"),
        _("Amount (EUR)"),
        _("Due on"),
        _("Paid on"),
        _("Note"),
        _("Award reference"),
        _("Organisation"),
        _("Registration number"),
        _("Call"),
        _("Municipality"),
    ]


def record(row: dict[str, Any]) -> list[Any]:
    return [
        row["id"],
        row["kind"],
        row["amount"],
        row["due_on"].isoformat(),
        row["paid_on"].isoformat() if row["paid_on"] else "",
        row["note"],
        row["reference"],
        row["organisation"],
        row["registration_number"],
        row["call"],
        row["municipality"],
    ]


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


async def csv_stream(selected: Filter) -> AsyncIterator[bytes]:
    """The register as CSV, encoded a batch at a time; the first line with a byte-order mark so that
    Excel reads UTF-8 (ā, č, ņ …)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    count = 0
    async for row in rows(selected):
        writer.writerow([_cell(v) for v in record(row)])
        count += 1
        if count % 100 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue().encode("utf-8")


async def calls_with_awards() -> list[dict[str, Any]]:
    """The calls that have any award, for the awards page's call filter."""
    rows = await Award.select(Award.call.as_alias("id"), Award.call.title.as_alias("title")).distinct()
    return sorted(rows, key=lambda r: (r["title"].casefold(), r["id"]))
