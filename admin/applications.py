"""Applications and awards in the Data section: to look up and filter, never to edit.

An application changes only through the applications service (the portal, the API, screening and
clarification in the back office) and an award through the awards service (the ranking page, the
decline and termination pages); the one-application view /admin/applications/{id} shows everything
about one of them.
"""

from __future__ import annotations

from piccolo_admin.endpoints import TableConfig
from piccolo_api.crud.endpoints import OrderBy

from admin.writes import read_only
from grants.applications.tables import Application
from grants.awards.tables import Award
from grants.core.i18n import _

READ_ONLY = read_only(
    lambda: _(
        "Read-only here: applications and awards change in the back office (a call's Applications and "
        "Ranking tabs) and in the portal."
    )
)

APPLICATION_TABLES = [
    TableConfig(
        Application,
        validators=READ_ONLY,
        visible_columns=[
            Application.reference,
            Application.title,
            Application.organisation,
            Application.call,
            Application.status,
            Application.requested_cents,
            Application.submitted_at,
        ],
        visible_filters=[
            Application.reference,
            Application.title,
            Application.call,
            Application.organisation,
            Application.status,
        ],
        menu_group="Applications",
        link_column=Application.reference,
        order_by=[OrderBy(Application.id, ascending=False)],
    ),
    TableConfig(
        Award,
        validators=READ_ONLY,
        visible_columns=[
            Award.application,
            Award.call,
            Award.amount_cents,
            Award.status,
            Award.decided_at,
        ],
        visible_filters=[Award.call, Award.application, Award.status],
        menu_group="Applications",
        order_by=[OrderBy(Award.decided_at, ascending=False)],
    ),
]
