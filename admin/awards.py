"""Agreements and payments in the admin panel: to look up and filter, never to edit.

Both change only through the awards services (the agreement with its document and the
advance; a payment's cap, its paid date and the award's state), on the staff pages
/staff/awards and /staff/payments, which the sidebar links to.
"""

from __future__ import annotations

from piccolo_admin.endpoints import TableConfig
from piccolo_api.crud.endpoints import OrderBy, PiccoloCRUD
from piccolo_api.crud.validators import Validators
from starlette.exceptions import HTTPException
from starlette.requests import Request

from grants.awards.tables import Agreement, Payment
from grants.core.i18n import _


def _read_only(piccolo_crud: PiccoloCRUD, request: Request) -> None:
    raise HTTPException(
        status_code=405,
        detail=_(
            "Read-only here: record agreements and payments on the staff pages (Awards and agreements)."
        ),
    )


READ_ONLY = Validators(
    post_single=[_read_only],
    put_single=[_read_only],
    patch_single=[_read_only],
    delete_single=[_read_only],
    delete_all=[_read_only],
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
