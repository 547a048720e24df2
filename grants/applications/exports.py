"""The staff's list of a call's applications as a CSV file, filtered and ordered as the list page
shows it: UTF-8 with a byte-order mark for Excel, amounts as decimal euros ("4600.00"), times on
the clocks of Riga, text people typed kept from running as a formula (grants.core.spreadsheet)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from grants.applications.queries import StaffFilter, staff_rows
from grants.applications.states import statuses
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.time import to_riga


def header() -> list[str]:
    return [
        _("Reference"),
        _("Title"),
        _("Organisation"),
        _("Registration number"),
        _("Municipality"),
        _("Status"),
        _("Requested amount (EUR)"),
        _("Submitted at (Riga time)"),
        _("Clarification due (Riga time)"),
        _("Clarification overdue"),
    ]


def riga_text(moment: datetime | None) -> str | None:
    """A moment as Riga wall-clock time a spreadsheet reads as a date and time: "2026-05-14 09:30"."""
    return to_riga(moment).strftime("%Y-%m-%d %H:%M") if moment is not None else None


def record(row: dict[str, Any], labels: dict[str, str]) -> list[Any]:
    """One application's cells: text, a Decimal amount with two places, or None for an empty cell."""
    waiting = row["clarification"]
    return [
        row["reference"],
        row["title"],
        row["organisation_name"],
        row["registration_number"],
        row["municipality_name"],
        labels.get(row["status"], row["status"]),
        Decimal(format_cents(row["requested_cents"])),
        riga_text(row["submitted_at"]),
        riga_text(waiting["due_at"]) if waiting else None,
        (_("Yes") if waiting["overdue"] else _("No")) if waiting else None,
    ]


def filename(call: dict[str, Any]) -> str:
    prefix = re.sub(r"[^A-Za-z0-9]", "", call.get("municipality_short_name") or "")
    return f"{prefix + '-' if prefix else ''}call-{call['id']}-applications.csv"


async def applications_export(call_id: int, selected: StaffFilter) -> tuple[list[str], list[list[Any]]]:
    """The header and the records of the call's applications that match the filter."""
    labels = statuses()
    return header(), [record(row, labels) for row in await staff_rows(call_id, selected)]
