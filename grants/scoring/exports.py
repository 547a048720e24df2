"""The ranking of a call as one table: for the staff ranking page and the CSV and XLSX exports.

One row per application of the call: the ranked ones (eligible and later) in the
ranking's order, then the others that were submitted (waiting for the check, in
clarification, not eligible, withdrawn) by submission time, without a rank.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import anyio.to_thread
from litestar import Controller, Response, get
from litestar.response import Stream
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from grants.applications.states import statuses
from grants.applications.tables import Application, ApplicationStatus
from grants.calls import queries as calls
from grants.calls.tables import CriterionKind
from grants.core.auth import Role, roles
from grants.core.errors import NotFound
from grants.core.filetypes import content_disposition
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.openapi import errors
from grants.core.params import PathId
from grants.core.time import to_riga
from grants.scoring import queries as ranking

CSV_TYPE = "text/csv"  # Litestar adds "; charset=utf-8" to text types
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def call_or_404(call_id: int) -> dict[str, Any]:
    call = await calls.get_call(call_id, include_draft=True)
    if call is None:
        raise NotFound
    return call


async def quality_criteria(call_id: int) -> list[dict[str, Any]]:
    return [c for c in await calls.criteria_of(call_id) if c["kind"] == CriterionKind.quality]


async def table(call_id: int) -> list[dict[str, Any]]:
    """Every submitted application of the call with its scores, in ranking order."""
    apps = {
        a["id"]: a
        for a in await Application.select(
            Application.id,
            Application.reference,
            Application.title,
            Application.status,
            Application.submitted_at,
            Application.requested_cents,
            Application.organisation.name.as_alias("organisation_name"),
            Application.organisation.registration_number.as_alias("registration_number"),
        ).where((Application.call == call_id) & (Application.status != ApplicationStatus.draft))
    }
    marks = await ranking.breakdown(call_id)
    rows: list[dict[str, Any]] = []
    for r in await ranking.ranking(call_id):
        rows.append(
            apps.pop(r.application_id)
            | {
                "application_id": r.application_id,
                "score": r.score,
                "scores_count": r.scores_count,
                "spread": r.spread,
                "passed": r.passed,
                "rank": r.rank,
                "criteria": marks.get(r.application_id, {}),
            }
        )
    unranked = sorted(
        (a for a in apps.values() if a["submitted_at"] is not None),
        key=lambda a: (to_riga(a["submitted_at"]), a["id"]),
    )
    for a in unranked:
        rows.append(
            a
            | {
                "application_id": a["id"],
                "score": None,
                "scores_count": 0,
                "spread": None,
                "passed": None,
                "rank": None,
                "criteria": {},
            }
        )
    return rows


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


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


async def csv_lines(head: list[str], records: list[list[Any]]) -> AsyncIterator[bytes]:
    """Encoded lines, the first with a byte-order mark so that Excel reads UTF-8 (ā, č, ņ …).

    Asynchronous, so Litestar does not hand each line to a worker thread."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for position, cells in enumerate([head, *records]):
        writer.writerow([_csv_text(v) for v in cells])
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield (("\ufeff" if position == 0 else "") + line).encode("utf-8")


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


async def _export(call_id: int) -> tuple[dict[str, Any], list[str], list[list[Any]]]:
    call = await call_or_404(call_id)
    criteria = await quality_criteria(call_id)
    labels = statuses()
    records = [record(row, criteria, labels) for row in await table(call_id)]
    return call, header(criteria), records


class ExportApi(Controller):
    path = "/api/calls"
    tags = ["review"]
    guards = [roles(Role.staff)]

    @get(
        "/{call_id:int}/export.csv",
        summary="The applications of the call with scores and decisions, in ranking order (CSV)",
        responses=errors(401, 403, 404),
    )
    async def export_csv(self, call_id: PathId) -> Stream:
        call, head, records = await _export(call_id)
        return Stream(
            csv_lines(head, records),
            media_type=CSV_TYPE,
            headers={
                "Content-Disposition": content_disposition(filename(call, "csv")),
                "Cache-Control": "private, no-store",
            },
        )

    @get(
        "/{call_id:int}/export.xlsx",
        summary="The applications of the call with scores and decisions, in ranking order (XLSX)",
        responses=errors(401, 403, 404),
    )
    async def export_xlsx(self, call_id: PathId) -> Response[bytes]:
        call, head, records = await _export(call_id)
        content = await anyio.to_thread.run_sync(xlsx_bytes, _("Ranking"), head, records)
        return Response(
            content,
            media_type=XLSX_TYPE,
            headers={
                "Content-Disposition": content_disposition(filename(call, "xlsx")),
                "Cache-Control": "private, no-store",
            },
        )
