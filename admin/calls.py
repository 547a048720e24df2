"""Calls in the Data section: read-only tables of calls and their criteria.

A call's rules change only where the calls service checks them (which fields may change in which
state, criteria only while a draft), locks the row and writes the audit row: the back office's call
pages (/admin/calls, grants/calls/pages/staff.py) and the API. The panel's own call forms, which asked
for a call's number and closed a call without a confirmation, are gone with those pages.
"""

from __future__ import annotations

from piccolo_admin.endpoints import TableConfig

from admin.writes import read_only
from grants.calls.tables import Call, Criterion
from grants.core.i18n import _

READ_ONLY = read_only(
    lambda: _("Read-only here: set up and run calls in the back office, under Calls (/admin/calls).")
)

CALL_TABLES = [
    TableConfig(
        Call,
        validators=READ_ONLY,
        visible_columns=[
            Call.title,
            Call.municipality,
            Call.status,
            Call.opens_at,
            Call.closes_at,
            Call.budget_cents,
            Call.max_amount_cents,
            Call.quota,
        ],
        visible_filters=[Call.title, Call.municipality, Call.status],
        menu_group="Calls",
        link_column=Call.title,
    ),
    TableConfig(
        Criterion,
        validators=READ_ONLY,
        visible_columns=[
            Criterion.call,
            Criterion.code,
            Criterion.title,
            Criterion.kind,
            Criterion.max_points,
            Criterion.weight,
            Criterion.min_points,
        ],
        visible_filters=[Criterion.call, Criterion.kind],
        menu_group="Calls",
        link_column=Criterion.title,
    ),
]
