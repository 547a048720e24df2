"""The admin panel, built once at import: tables with readable columns, search and filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_admin.endpoints import TableConfig, create_admin
from piccolo_api.crud.endpoints import OrderBy, PiccoloCRUD
from piccolo_api.crud.validators import Validators
from piccolo_api.session_auth.tables import SessionsBase
from starlette.exceptions import HTTPException
from starlette.requests import Request

from admin.awards import AWARD_TABLES
from admin.calls import CALL_FORMS, CALL_TABLES
from admin.deletions import DELETION_FORMS
from admin.forms import FORMS
from admin.hooks import audit_hooks, user_hooks
from admin.translations import TRANSLATIONS
from grants.accounts.tables import ApiToken, Membership, Organisation, UserRole
from grants.core.auth import SESSION_MAX_LIFETIME
from grants.core.i18n import _
from grants.core.tables import AuditEntry
from grants.registry.tables import Municipality, School
from grants.settings import get_settings


def _read_only(piccolo_crud: PiccoloCRUD, request: Request) -> None:
    raise HTTPException(
        status_code=405,
        detail=_("Read-only here: the audit log is append-only; roles change through the role forms."),
    )


def _table_configs() -> list[Any]:
    read_only = Validators(
        post_single=[_read_only],
        put_single=[_read_only],
        patch_single=[_read_only],
        delete_single=[_read_only],
        delete_all=[_read_only],
    )
    return [
        *CALL_TABLES,
        *AWARD_TABLES,
        TableConfig(
            Municipality,
            hooks=audit_hooks(Municipality),
            visible_columns=[
                Municipality.code,
                Municipality.name,
                Municipality.kind,
                Municipality.valid_from,
                Municipality.valid_to,
                Municipality.successor,
            ],
            visible_filters=[Municipality.code, Municipality.name, Municipality.kind, Municipality.valid_to],
            menu_group="Registry",
            link_column=Municipality.name,
        ),
        TableConfig(
            School,
            hooks=audit_hooks(School),
            visible_columns=[
                School.registration_number,
                School.name,
                School.municipality,
                School.kind,
                School.pumpurs_since,
                School.pumpurs_until,
            ],
            visible_filters=[School.registration_number, School.name, School.municipality, School.kind],
            menu_group="Registry",
            link_column=School.name,
        ),
        TableConfig(
            Organisation,
            hooks=audit_hooks(Organisation),
            visible_columns=[
                Organisation.name,
                Organisation.registration_number,
                Organisation.legal_form,
                Organisation.municipality,
                Organisation.email,
                Organisation.contact_person,
            ],
            visible_filters=[
                Organisation.name,
                Organisation.registration_number,
                Organisation.legal_form,
                Organisation.municipality,
            ],
            menu_group="Accounts",
            link_column=Organisation.name,
        ),
        TableConfig(
            Membership,
            hooks=audit_hooks(Membership),
            visible_columns=[Membership.user, Membership.organisation, Membership.role],
            visible_filters=[Membership.user, Membership.organisation],
            menu_group="Accounts",
        ),
        TableConfig(
            UserRole,
            validators=read_only,
            visible_columns=[UserRole.user, UserRole.role, UserRole.municipality],
            visible_filters=[UserRole.user, UserRole.role, UserRole.municipality],
            menu_group="Accounts",
        ),
        TableConfig(
            BaseUser,
            hooks=user_hooks(BaseUser),
            visible_columns=[
                BaseUser.username,
                BaseUser.first_name,
                BaseUser.last_name,
                BaseUser.active,
                BaseUser.admin,
                BaseUser.superuser,
                BaseUser.last_login,
            ],
            visible_filters=[BaseUser.username, BaseUser.email, BaseUser.active, BaseUser.admin],
            menu_group="Accounts",
            link_column=BaseUser.username,
        ),
        TableConfig(
            ApiToken,
            hooks=audit_hooks(ApiToken),
            visible_columns=[ApiToken.user, ApiToken.created_at, ApiToken.expires_at],
            visible_filters=[ApiToken.user],
            menu_group="Accounts",
        ),
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
            validators=read_only,
            order_by=[OrderBy(AuditEntry.created_at, ascending=False)],
        ),
    ]


def build_admin() -> Any:
    settings = get_settings()
    return create_admin(
        _table_configs(),
        forms=[*FORMS, *CALL_FORMS, *DELETION_FORMS],
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
        sidebar_links={
            "My reviews": "/reviews",
            "Review and ranking": "/staff/calls",
            "Awards and agreements": "/staff/awards",
            "Payment register": "/staff/payments",
            "Reports": "/staff/reports",
        },
    )


ADMIN = build_admin()
