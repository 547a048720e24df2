"""Agreements and payments in the admin panel: to look up and filter, never to edit.

Both change only through the awards services (the agreement with its document and the
advance; a payment's cap, its paid date and the award's state), on the staff pages
/admin/awards and /admin/payments, which the sidebar links to.
"""

from __future__ import annotations

from piccolo_admin.endpoints import TableConfig
from piccolo_api.crud.endpoints import OrderBy

from admin.writes import read_only
from grants.awards.tables import Agreement, Payment
from grants.core.i18n import _

READ_ONLY = read_only(
    lambda: _(
        "Read-only here: record agreements and payments in the back office, under Awards and agreements (/admin/awards)."
    )
)

AWARD_TABLES = [
    TableConfig(
        Agreement,
        validators=READ_ONLY,
        visible_columns=[
            Agreement.number,
            Agreement.award,
            Agreement.signed_on,
            Agreement.filename,
            Agreement.recorded_by,
            Agreement.recorded_at,
        ],
        visible_filters=[Agreement.number, Agreement.award, Agreement.signed_on],
        menu_group="Awards",
        order_by=[OrderBy(Agreement.signed_on, ascending=False)],
    ),
    TableConfig(
        Payment,
        validators=READ_ONLY,
        visible_columns=[
            Payment.award,
            Payment.kind,
            Payment.amount_cents,
            Payment.due_on,
            Payment.paid_on,
            Payment.note,
        ],
        visible_filters=[Payment.award, Payment.kind, Payment.due_on, Payment.paid_on],
        menu_group="Awards",
        order_by=[OrderBy(Payment.due_on)],
    ),
]
