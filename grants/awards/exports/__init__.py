"""The payment register as a CSV file, streamed a batch at a time (see queries.rows)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

from grants.awards.queries.register import Filter, rows
from grants.awards.tables import PaymentKind
from grants.core.i18n import _
from grants.core.spreadsheet import csv_text


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
        _("IBAN"),
        _("Direction"),
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
        row["iban"],
        _("Refund from the grantee") if row["kind"] == PaymentKind.refund else _("Payment to the grantee"),
    ]


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
        writer.writerow([csv_text(v) for v in record(row)])
        count += 1
        if count % 100 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue().encode("utf-8")
