"""The ranking of a call as a CSV or XLSX file: one row per submitted application, the ranked ones
(eligible and later) in the ranking's order, then the others by submission time, without a rank.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from grants.applications.states import statuses
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.time import to_riga
from grants.scoring.queries.progress import call_or_404, quality_criteria
from grants.scoring.queries.ranking import table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header(criteria: list[dict[str, Any]]) -> list[str]:
    return [
        _("Reference"),
        _("Organisation"),
        _("Registration number"),
        _("Title"),
        _("Status"),
        _("Requested amount"),
        _("Score"),
        _("Number of reviews"),
        _("Spread"),
        _("Passed"),
        _("Rank"),
        *[c["code"] for c in criteria],
        _("Submitted at"),
    ]


def record(row: dict[str, Any], criteria: list[dict[str, Any]], labels: dict[str, str]) -> list[Any]:
    """One row's cells, typed: text, int, Decimal (two places) or None for an empty cell."""
    passed = None if row["passed"] is None else (_("Yes") if row["passed"] else _("No"))
    return [
        row["reference"],
        row["organisation_name"],
        row["registration_number"],
        row["title"],
        labels.get(row["status"], row["status"]),
        Decimal(format_cents(row["requested_cents"])),
        row["score"],
        row["scores_count"],
        row["spread"],
        passed,
        row["rank"],
        *[row["criteria"].get(c["code"]) for c in criteria],
        to_riga(row["submitted_at"]).isoformat(timespec="seconds") if row["submitted_at"] else None,
    ]


def filename(call: dict[str, Any], extension: str) -> str:
    prefix = re.sub(r"[^A-Za-z0-9]", "", call.get("municipality_short_name") or "")
    return f"{prefix + '-' if prefix else ''}call-{call['id']}-ranking.{extension}"


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, Decimal):
        cell.number_format = "0.00"
    elif isinstance(value, str):
        cell.data_type = "s"  # text stays text, even "=…": no formula from what applicants typed
    return cell


def xlsx_bytes(title: str, head: list[str], records: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, h) for h in head])
    for cells in records:
        sheet.append([_xlsx_cell(sheet, v) for v in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def ranking_export(call_id: int) -> tuple[dict[str, Any], list[str], list[list[Any]]]:
    """The call, the header and the typed records of its ranking."""
    call = await call_or_404(call_id)
    criteria = await quality_criteria(call_id)
    labels = statuses()
    records = [record(row, criteria, labels) for row in await table(call_id)]
    return call, header(criteria), records
