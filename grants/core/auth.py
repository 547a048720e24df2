"""Who is calling, and the guards every route must declare.

The middleware resolves the caller from a bearer token or the session cookie
through resolvers that app.py wires in (core knows no domain tables). A
request with an Authorization header is judged by it alone, so a browser's
cookie never stands in for a missing or bad token.

Every route handler carries at least one guard marked with `access_rule`;
`unguarded_routes(app)` lists the ones that do not, and a test fails on any.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from litestar import Litestar, Request
from litestar._parsers import parse_cookie_string
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from grants.core.i18n import _

SESSION_COOKIE = "id"  # piccolo-admin's cookie name: one login for the site and the panel
# A session's lifetime, the same for a login on the site and on the panel: it ends after
# settings.session_hours without use (each use near the end adds SESSION_EXTENSION), and at the
# latest SESSION_MAX_LIFETIME after the login; its cookie ends with the browser session.
SESSION_EXTENSION = timedelta(minutes=20)
SESSION_MAX_LIFETIME = timedelta(days=7)


def session_cookie(token: str, *, secure: bool) -> Cookie:
    """The session cookie, as the site and the panel set it (admin/mount.py rewrites the panel's)."""
    return Cookie(key=SESSION_COOKIE, value=token, path="/", httponly=True, samesite="lax", secure=secure)


class Role(StrEnum):
    staff = "staff"
    reviewer = "reviewer"
    coordinator = "coordinator"
    applicant = "applicant"


@dataclass(frozen=True)
class Principal:
    user_id: int
    email: str
    name: str
    roles: frozenset[Role]
    # Municipality codes a coordinator is scoped to.
    municipalities: frozenset[str] = field(default_factory=frozenset)
    # The municipalities (ids, with those merged into them) a municipal staff member runs calls of;
    # None for national staff (IKVD), who see every municipality. Means nothing without Role.staff.
    staff_municipality_ids: frozenset[int] | None = None
    organisation_id: int | None = None
    via: str = "session"  # "session" or "token"
    session_token: str | None = None

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def national(self) -> bool:
        """National programme staff (IKVD): every municipality, approvals, master data."""
        return Role.staff in self.roles and self.staff_municipality_ids is None

    @property
    def staff_scope(self) -> frozenset[int] | None:
        """The municipality ids whose calls this staff member may see and run; None: all of them.
        Lists filter by it (`Call.municipality.is_in(scope)` when not None)."""
        return None if self.national else (self.staff_municipality_ids or frozenset())

    def covers(self, municipality_id: int | None) -> bool:
        """Whether this staff member's scope takes in a municipality's calls."""
        if Role.staff not in self.roles:
            return False
        scope = self.staff_municipality_ids
        return scope is None or municipality_id in scope


Resolver = Callable[[str], Awaitable[Principal | None]]


class AuthMiddleware(ASGIMiddleware):
    """Puts the caller (a Principal or None) into scope["user"]."""

    scopes = (ScopeType.HTTP, ScopeType.WEBSOCKET)
    exclude_path_pattern = ("^/static/", "^/admin/data/", "^/admin/data$")

    def __init__(self, session_resolver: Resolver, token_resolver: Resolver) -> None:
        self.session_resolver = session_resolver
        self.token_resolver = token_resolver

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        # The two headers straight from the scope (the first of each, as Litestar's Headers.get):
        # cheaper than an ASGIConnection on every request, most of which carry neither.
        header = cookies = None
        for name, value in scope["headers"]:
            if name == b"authorization" and header is None:
                header = value.decode("latin-1")
            elif name == b"cookie" and cookies is None:
                cookies = value.decode("latin-1")
        principal: Principal | None = None
        scope["auth"] = None
        if header is not None:
            scheme, _, token = header.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                principal = await self.token_resolver(token.strip())
            scope["auth"] = "token" if principal else "invalid-token"
        elif cookies and (cookie := parse_cookie_string(cookies).get(SESSION_COOKIE)):
            principal = await self.session_resolver(cookie)
            scope["auth"] = "session" if principal else None
        scope["user"] = principal
        await next_app(scope, receive, send)


def current(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    return connection.scope.get("user")


# --- the caller as a dependency ------------------------------------------------
# app.py provides these to every handler: a handler declares `me: Me` (signed in, behind a guard
# that requires it) or `viewer: Viewer` (maybe nobody, on a public route) instead of reading the scope.


async def provide_me(request: Request[Any, Any, Any]) -> Principal:
    """The signed-in caller. The route's guard has already refused anonymous callers with 401."""
    return _require_principal(request)


async def provide_me_as_applicant(request: Request[Any, Any, Any]) -> Principal:
    """The caller as an applicant only, for the applicant's own pages (/my/…): there even a staff
    member sees just their own organisation's applications and awards."""
    return dataclasses.replace(await provide_me(request), roles=frozenset({Role.applicant}))


async def provide_viewer(request: Request[Any, Any, Any]) -> Principal | None:
    """The caller if signed in, else None: for pages everyone may see but some see more of."""
    return current(request)


# The handler's annotation: `me: Me`, `viewer: Viewer` (marked, so Litestar does not have to infer it).
Me = NamedDependency[Principal]
Viewer = NamedDependency[Principal | None]


def caller_dependencies() -> dict[str, Provide]:
    return {"me": Provide(provide_me), "viewer": Provide(provide_viewer)}


# --- guards -----------------------------------------------------------------

# Guards are coroutines: Litestar runs a plain function guard in a worker thread on every request.
Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Any]


def _rule(name: str) -> Callable[[Guard], Guard]:
    def mark(guard: Guard) -> Guard:
        guard.access_rule = name  # type: ignore[attr-defined]
        return guard

    return mark


@_rule("public")
async def public(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Anyone, signed in or not."""


@_rule("delegated")
async def delegated(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """A mounted app that checks access itself (the admin panel; see admin/access.py)."""


def _require_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = current(connection)
    if principal is None:
        if connection.scope.get("auth") == "invalid-token":
            raise NotAuthorizedException(_("Invalid or expired token"))
        raise NotAuthorizedException(_("Authentication required"))
    return principal


@_rule("authenticated")
async def authenticated(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Any signed-in user."""
    _require_principal(connection)


def roles(*allowed: Role) -> Guard:
    """Signed in and holding one of the roles."""

    @_rule("roles:" + ",".join(sorted(allowed)))
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        if not _require_principal(connection).has(*allowed):
            raise PermissionDeniedException(_("You do not have access to this page."))

    guard.__name__ = "roles_" + "_".join(sorted(allowed))
    return guard


@_rule("national-staff")
async def national_staff(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """National programme staff only (IKVD): approvals, organisations, master data."""
    if not _require_principal(connection).national:
        raise PermissionDeniedException(_("Only national programme staff may open this page."))


# --- municipal scope ----------------------------------------------------------
# A municipal staff member reaches only their municipalities' calls and what hangs under them. One
# app-level guard checks every path parameter that names such a record (call_id, application_id,
# award_id …) through a resolver app.py wires in (core knows no domain tables), so a new route with
# one of these parameters is scoped without anyone remembering to. Outside the scope the record is
# "not found"; a caller who also holds another role (an applicant) goes on without the staff role.

ScopeResolver = Callable[[Any], Awaitable[int | None]]  # a record's id -> its call's municipality id


class MunicipalScope:
    def __init__(self, resolvers: dict[str, ScopeResolver], overrides: dict[str, ScopeResolver]) -> None:
        self.resolvers = resolvers  # by path parameter name
        self.overrides = overrides  # "path prefix:parameter" where one name means another table

    def resolver_for(self, template: str, param: str) -> ScopeResolver | None:
        for key, resolver in self.overrides.items():
            prefix, _, name = key.rpartition(":")
            if name == param and template.startswith(prefix):
                return resolver
        return self.resolvers.get(param)

    async def __call__(
        self, connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
    ) -> None:
        principal = current(connection)
        if principal is None or Role.staff not in principal.roles or principal.national:
            return
        if not _staff_route(handler):
            return  # a public or applicant page: the same for a staff member as for anyone
        template = connection.scope.get("path_template", "")
        for param, value in connection.path_params.items():
            resolver = self.resolver_for(template, param)
            if resolver is None or principal.covers(await resolver(value)):
                continue
            others = principal.roles - {Role.staff}
            if not others:
                raise NotFoundException(_("Not found."))
            principal = dataclasses.replace(principal, roles=others)
            connection.scope["user"] = principal
            return


def within(column: Any, scope: frozenset[int] | None) -> Any:
    """The WHERE condition "this municipality column is in a staff member's scope" (Principal.staff_scope),
    or None when the scope is everything (national staff): `query.where(cond)` only when not None.
    An empty scope (no staff role) matches nothing."""
    if scope is None:
        return None
    return column.is_in(sorted(scope)) if scope else column.is_null() & column.is_not_null()


def scoped(query: Any, column: Any, scope: frozenset[int] | None) -> Any:
    """The query narrowed to rows whose `column` (a call's municipality) is in `scope`; None: as it is."""
    condition = within(column, scope)
    return query if condition is None else query.where(condition)


def _staff_route(handler: BaseRouteHandler) -> bool:
    """Whether staff reach the route as staff (a rule names them), read once per handler."""
    known = getattr(handler, "_staff_route", None)
    if known is None:
        known = any("staff" in rule for rule in access_rules(handler))
        handler._staff_route = known  # type: ignore[attr-defined]
    return known


def access_rules(handler: BaseRouteHandler) -> list[str]:
    # Litestar wraps each guard in an AsyncCallable whose `func` is the guard itself.
    guards = [getattr(g, "func", g) for g in handler.resolve_guards()]
    return [rule for g in guards if (rule := getattr(g, "access_rule", None))]


def _is_generated_options(handler: BaseRouteHandler) -> bool:
    fn = getattr(handler, "fn", None)
    return (
        getattr(handler, "http_methods", None) == {"OPTIONS"}
        and getattr(fn, "__name__", "") == "options_handler"
    )


def unguarded_routes(app: Litestar) -> list[str]:
    """Every "METHOD path" of the app whose handler declares no access rule."""
    missing: list[str] = []
    for route in app.routes:
        handlers: Iterable[BaseRouteHandler] = getattr(route, "route_handlers", None) or [
            route.route_handler  # type: ignore[attr-defined]
        ]
        for handler in handlers:
            if _is_generated_options(handler):
                continue  # Litestar answers OPTIONS itself with the Allow header, nothing more
            if not access_rules(handler):
                methods = sorted(getattr(handler, "http_methods", None) or ["ASGI"])
                missing.append(f"{','.join(methods)} {route.path}")
    return sorted(missing)
