"""The payment register: filtered and paged; `rows` reads it in batches in the register's order (due
date, then id), each batch starting after the last row of the one before (keyset paging), so a CSV
export never holds the whole register."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from grants.accounts.rules import group_iban
from grants.awards.tables import Payment
from grants.core.auth import scoped, within
from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.params import MAX_ID
from grants.core.time import riga_today

FILTERS = ("unpaid", "paid", "overdue")
MAX_PER_PAGE = 200
CSV_BATCH = 500


@dataclass(frozen=True)
class Filter:
    status: str = ""  # "", "unpaid", "paid" or "overdue"
    call_id: int | None = None
    scope: frozenset[int] | None = None  # the calls' municipalities (Principal.staff_scope); None: all

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
        if (mine := within(Payment.award.call.municipality, self.scope)) is not None:
            condition &= mine
        return condition


def parse_filter(status: str | None, call_id: int | None, scope: frozenset[int] | None = None) -> Filter:
    status = (status or "").strip()
    errors = {}
    if status and status not in FILTERS:
        errors["status"] = _("Choose one of: {values}.").format(values=", ".join(FILTERS))
    if call_id is not None and not 1 <= call_id <= MAX_ID:
        errors["call_id"] = _("No such call.")
    if errors:
        raise ValidationFailed(errors)
    return Filter(status, call_id, scope)


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
        Payment.award.application.organisation.iban.as_alias("iban"),
        Payment.award.call.as_alias("call_id"),
        Payment.award.call.title.as_alias("call"),
        Payment.award.call.municipality.name.as_alias("municipality"),
    )


def _shape(row: dict[str, Any], day: date) -> dict[str, Any]:
    return row | {
        "amount": format_cents(row["amount_cents"]),
        "overdue": row["paid_on"] is None and row["due_on"] < day,
        "iban_grouped": group_iban(row["iban"]),
    }


async def page_of(selected: Filter, page: int, per_page: int) -> dict[str, Any]:
    """One page of the register and the count of all the rows the filter keeps."""
    day = riga_today()
    condition = selected.where(day)
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
        "items": [_shape(r, day) for r in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": max(1, -(-total // per_page)),
    }


async def calls_with_payments(scope: frozenset[int] | None = None) -> list[dict[str, Any]]:
    """The calls that have any payment (of the municipalities in `scope`), for the register's filter."""
    query = Payment.select(
        Payment.award.call.as_alias("id"), Payment.award.call.title.as_alias("title")
    ).distinct()
    rows = await scoped(query, Payment.award.call.municipality, scope)
    return sorted(rows, key=lambda r: (r["title"].casefold(), r["id"]))


async def rows(selected: Filter, batch: int = CSV_BATCH) -> AsyncIterator[dict[str, Any]]:
    """Every row the filter keeps, in the register's order, read `batch` rows at a time."""
    day = riga_today()
    condition = selected.where(day)
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
            yield _shape(row, day)
        if len(found) < batch:
            return
        last = (found[-1]["due_on"], found[-1]["id"])
