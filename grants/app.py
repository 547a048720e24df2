"""create_app(settings) -> Litestar: the only place where the pieces are wired together."""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from admin import pages as back_office
from admin.mount import admin_mount
from grants import accounts, applications, awards, calls, registry, reporting, scoring
from grants.accounts.queries import principal_for_token
from grants.accounts.service.profiles import set_language
from grants.accounts.service.sessions import principal_for_session
from grants.applications.queries import municipality_of_application, municipality_of_attachment
from grants.awards.queries.scope import municipality_of_award, municipality_of_payment
from grants.calls.queries import municipality_of_call
from grants.core import db as core_db
from grants.core.auth import AuthMiddleware, MunicipalScope, caller_dependencies, public
from grants.core.db import configure
from grants.core.error_pages import error_handlers
from grants.core.i18n import LanguageMiddleware
from grants.core.inputs import refuse_unreadable_input
from grants.core.security import BearerAwareCSRFMiddleware, allowed_hosts, form_pages, security_headers
from grants.core.web import REMEMBER_LANGUAGE, PagesController, template_engine
from grants.registry.queries import municipality_id_of_code
from grants.reporting.queries.scope import (
    municipality_of_event,
    municipality_of_final_attachment,
    municipality_of_photo,
    municipality_of_photo_school,
)
from grants.scoring.queries.scope import municipality_of_assignment
from grants.settings import PROJECT_ROOT, Settings, get_settings

CSRF_COOKIE = "grants_csrf"  # its own name: piccolo-admin has a "csrftoken" of its own

# Every path parameter that names a record under a call, and how to find the call's municipality:
# a municipal staff member gets 404 for any record outside their municipalities (core.auth).
MUNICIPAL_SCOPE = MunicipalScope(
    resolvers={
        "call_id": municipality_of_call,
        "application_id": municipality_of_application,
        "attachment_id": municipality_of_attachment,
        "assignment_id": municipality_of_assignment,
        "award_id": municipality_of_award,
        "payment_id": municipality_of_payment,
        "event_id": municipality_of_event,
        "photo_id": municipality_of_photo,
        "code": municipality_id_of_code,
    },
    overrides={
        "/api/final-report-attachments/:attachment_id": municipality_of_final_attachment,
        "/municipality/:photo_id": municipality_of_photo_school,
    },
)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure(settings)

    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.production,
        cookie_samesite="lax",
        cookie_httponly=True,  # forms carry the token in a hidden field; no script needs the cookie
        header_name="x-csrftoken",
        # JSON-only endpoints that create a credential: no cookie session rides on them.
        exclude=["/admin/data", "/api/auth/token", "/api/auth/register"],
    )

    async def on_startup() -> None:
        engine = core_db.engine()
        if settings.database_kind == "postgres" and settings.db_pool:
            await engine.start_connection_pool()

    async def on_shutdown() -> None:
        engine = core_db.engine()
        if settings.database_kind == "postgres" and settings.db_pool:
            await engine.close_connection_pool()

    return Litestar(
        route_handlers=[
            PagesController,
            *accounts.routes,
            *registry.routes,
            *calls.routes,
            *applications.routes,
            *scoring.routes,
            *awards.routes,
            *reporting.routes,
            *back_office.routes,
            admin_mount,
            create_static_files_router(
                path="/static",
                directories=[PROJECT_ROOT / "static"],
                guards=[public],
                include_in_schema=False,
            ),
        ],
        middleware=[
            allowed_hosts(settings.allowed_hosts),
            form_pages,
            LanguageMiddleware,
            AuthMiddleware(session_resolver=principal_for_session, token_resolver=principal_for_token),
            DefineMiddleware(BearerAwareCSRFMiddleware, config=csrf),
        ],
        dependencies=caller_dependencies(),
        guards=[MUNICIPAL_SCOPE],
        template_config=TemplateConfig(instance=template_engine()),
        openapi_config=OpenAPIConfig(
            title="Grants API",
            version="1",
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
            openapi_router=Router(path="/schema", route_handlers=[], guards=[public]),
        ),
        exception_handlers=error_handlers(),
        # App-level, not middleware: also on 404s of unmatched paths and on refusals by the CSRF check.
        before_send=[security_headers(settings)],
        before_request=refuse_unreadable_input,
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        state=State({"settings": settings, "csrf_config": csrf, REMEMBER_LANGUAGE: set_language}),
        debug=False,
    )
