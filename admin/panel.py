"""The admin panel, built once at import: tables with readable columns, search and filters.

Business tables (calls, criteria, agreements, payments) are read-only here: they change through
their services, from the panel's forms or the back office pages. Master data is edited here with
validation and audit (admin.master, admin.writes); users, roles and tokens within their rules
(admin.accounts). Every table's query string is checked before piccolo reads it (admin.queries_check).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo.table import Table
from piccolo_admin.endpoints import TableConfig, create_admin
from piccolo_api.crud.endpoints import OrderBy
from piccolo_api.session_auth.tables import SessionsBase

from admin.accounts import ACCOUNT_TABLES
from admin.applications import APPLICATION_TABLES
from admin.awards import AWARD_TABLES
from admin.calls import CALL_TABLES
from admin.deletions import DELETION_FORMS
from admin.forms import FORMS
from admin.master import MASTER_TABLES
from admin.outbox import OUTBOX_FORMS, OUTBOX_TABLES
from admin.translations import TRANSLATIONS
from admin.writes import read_only
from grants.core.auth import SESSION_MAX_LIFETIME
from grants.core.i18n import _
from grants.core.tables import AuditEntry
from grants.settings import get_settings


def _table_configs() -> list[Any]:
    return [
        *CALL_TABLES,
        *APPLICATION_TABLES,
        *AWARD_TABLES,
        *MASTER_TABLES,
        *ACCOUNT_TABLES,
        TableConfig(
            AuditEntry,
            visible_columns=[
                AuditEntry.created_at,
                AuditEntry.actor_email,
                AuditEntry.action,
                AuditEntry.entity,
                AuditEntry.entity_id,
                AuditEntry.data,
            ],
            visible_filters=[
                AuditEntry.action,
                AuditEntry.entity,
                AuditEntry.entity_id,
                AuditEntry.actor_email,
            ],
            menu_group="Audit",
            validators=read_only(lambda: _("Read-only here: the audit log is append-only.")),
            order_by=[OrderBy(AuditEntry.created_at, ascending=False)],
        ),
        *OUTBOX_TABLES,
    ]


TABLE_CONFIGS = _table_configs()
# The panel's tables by the name in their URL (/admin/data/api/tables/<name>/).
PANEL_TABLES: dict[str, type[Table]] = {
    config.table_class._meta.tablename: config.table_class for config in TABLE_CONFIGS
}


def build_admin() -> Any:
    settings = get_settings()
    return create_admin(
        TABLE_CONFIGS,
        forms=[*FORMS, *DELETION_FORMS, *OUTBOX_FORMS],
        auth_table=BaseUser,
        session_table=SessionsBase,
        session_expiry=timedelta(hours=settings.session_hours),
        max_session_expiry=SESSION_MAX_LIFETIME,
        production=settings.production,
        site_name="Grants",
        allowed_hosts=list(settings.allowed_hosts),
        auto_include_related=False,
        default_language_code="lv",
        translations=TRANSLATIONS,
        sidebar_links={"Back office": "/admin/"},
    )


ADMIN = build_admin()
