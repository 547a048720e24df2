"""Rendering pages: the Jinja environment, error responses, and the site-wide pages."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from datetime import date, datetime
from functools import lru_cache
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlsplit

from asyncpg.exceptions import IntegrityConstraintViolationError
from babel.dates import format_timedelta
from jinja2 import Environment, FileSystemLoader, pass_context
from litestar import Controller, MediaType, Request, Response, get
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.params import FromPath, FromQuery
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from markdown_it import MarkdownIt
from markupsafe import Markup

from grants.core.auth import SESSION_COOKIE, Role, Viewer, public
from grants.core.errors import (
    Conflict,
    Forbidden,
    InvalidCredentials,
    NotFound,
    TooManyAttempts,
    ValidationFailed,
    is_foreign_key_violation,
)
from grants.core.i18n import (
    LANG_COOKIE,
    LANGUAGES,
    _,
    get_language,
    gettext,
    negotiate,
    ngettext,
    set_language,
)
from grants.core.money import display_cents
from grants.core.time import format_day, format_riga
from grants.core.uploads import file_input_attributes, too_large_message
from grants.settings import PROJECT_ROOT, get_settings


@pass_context
def _template_caller(context: Any) -> Any:
    """`me()` in a template: the caller of the page being drawn, or None."""
    request = context.get("request")
    return request.scope.get("user") if request is not None else None


@pass_context
def _draft_owner(context: Any) -> str:
    """`draft_owner()`: whose drafts a signed-in page's forms keep in the browser (static/js/drafts.js),
    a name of the user that says nothing of them outside this site, the same on every page."""
    user = _template_caller(context)
    if user is None:
        return ""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"drafts:{user.user_id}".encode(), hashlib.sha256).hexdigest()[:20]


# CommonMark without raw HTML: what staff type is shown as text, links are checked by markdown-it.
_markdown = MarkdownIt("commonmark", {"html": False})


def render_markdown(text: str | None) -> Markup:
    return Markup(_markdown.render(text or ""))  # noqa: S704 - markdown-it escapes everything it does not render


# Babel takes 30–50 µs to format an amount or a moment, once per call card on a page; the same
# few values come back on every visit. Keyed by the language too, as the text depends on it.
@lru_cache(maxsize=4096)
def _money(cents: int, language: str) -> str:
    return display_cents(cents, language)


@lru_cache(maxsize=4096)
def _riga(moment: datetime | None, language: str) -> str:
    return format_riga(moment, language)


@lru_cache(maxsize=4096)
def _day(day: date | None, language: str) -> str:
    return format_day(day, language)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, with `row.name` on a plain dict (every database row) found without an exception.

    Jinja tries getattr() first and takes the item when that raises; a plain dict has no attributes
    but its class's, so for any other name the item is what Jinja would find: the same answer, faster.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def template_engine() -> JinjaTemplateEngine:
    env = _Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        # Outside development templates do not change under a running server: no stat() per render.
        auto_reload=get_settings().env == "development",
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        me=_template_caller,
        languages=LANGUAGES,
        language=get_language,
        draft_owner=_draft_owner,
        file_input=file_input_attributes,
    )
    env.filters.update(
        riga=lambda moment: _riga(moment, get_language()),
        day=lambda day: _day(day, get_language()),
        urlquote=lambda value: quote(str(value), safe=""),
        markdown=render_markdown,
        duration=lambda delta: format_timedelta(delta, threshold=1.1, locale=get_language()),
        euros=lambda cents: _money(cents, get_language()),
    )
    return JinjaTemplateEngine.from_environment(env)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


# The address of a form's page, not its action (the answer to a POST that the session no longer
# covers): where the login sends the user back, and where a refused form's token leads.
_NOT_PAGES = ("/api/", "/schema", "/static/")
_SAFE_METHODS = frozenset({"GET", "HEAD"})
CSRF_REFUSAL = "CSRF token verification failed"  # Litestar's CSRF middleware's detail


def shows_a_page(app: Any, path: str) -> bool:
    """Whether a GET of the path (without its query) reaches a page of the app: no 404, no 405."""
    if not path.startswith("/") or path.startswith(_NOT_PAGES):
        return False
    try:
        app.asgi_router.handle_routing(path, "GET")
    except (NotFoundException, MethodNotAllowedException):
        return False
    return True


def page_to_return_to(app: Any, target: str | None, default: str = "/") -> str:
    """safe_next(target), as a page a GET can show: a form's POST-only action (…/submit) becomes the
    nearest page above it, so a login never sends anyone to a 405."""
    target = safe_next(target, default)
    if not target or target == default:
        return target
    path, _, _query = target.partition("?")
    if shows_a_page(app, path):
        return target
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) or "/"
        if shows_a_page(app, candidate):
            return candidate
    return default


def form_page(request: Request[Any, Any, Any]) -> str:
    """The page a request came from: itself for a GET; for a form's POST the page the form was on
    (its Referer, when on this site), else the nearest page to the action."""
    url = request.url
    here = url.path + (f"?{url.query}" if url.query else "")
    if request.method in _SAFE_METHODS:
        return here
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == url.netloc and referer.path:  # the scheme may differ behind a TLS proxy
        from_page = safe_next(referer.path + (f"?{referer.query}" if referer.query else ""), "")
        if from_page and shows_a_page(request.app, referer.path):
            return from_page
    return page_to_return_to(request.app, here)


def login_for(request: Request[Any, Any, Any]) -> str:
    """The login page that leads back to the page of this request: with the notice that the session
    ended when a form was sent, or when the session cookie no longer names a session."""
    ended = request.method not in _SAFE_METHODS or SESSION_COOKIE in request.cookies
    return f"/login?next={quote(form_page(request), safe='')}" + ("&expired=1" if ended else "")


def is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(("/api/", "/schema"))


def _json_error(status: int, detail: str, extra: Any = None) -> Response[Any]:
    return Response(
        {"status_code": status, "detail": detail, "extra": extra or {}},
        status_code=status,
        media_type=MediaType.JSON,
    )


def _headings() -> dict[int, str]:  # what happened, in words; the page shows the code small
    return {
        400: _("The request could not be understood"),
        403: _("Access denied"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        409: _("This cannot be done right now"),
        413: _("What you sent is too large"),
        422: _("What you sent could not be accepted"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
    }


def _advice() -> dict[int, str]:  # what to do next, when the cause gave no sentence of its own
    return {
        400: _("Go back, check what you entered and try again."),
        403: _("You do not have access to this page."),
        404: _("This page does not exist, or it is not visible to you. Check the address, or go back."),
        405: _("This address cannot be used this way. Open it from a link or a button on the site."),
        409: _("It clashes with the current state of the record: reload the page to see it, then try again."),
        413: _("The file or the form is larger than allowed. Make it smaller and send it again."),
        422: _("Go back, check what you entered and try again."),
        429: _("Too many attempts. Wait a few minutes and try again."),
        500: _("Something went wrong on our side. Try again; if it happens again, tell us when it happened."),
    }


def _ways_back(request: Request[Any, Any, Any], status: int) -> list[tuple[str, str]]:
    """Links out of an error: the previous page (ours), a section's start, the login, the home page."""
    links: list[tuple[str, str]] = []
    path = request.url.path
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path and referer.path != path:
        previous = safe_next(referer.path + (f"?{referer.query}" if referer.query else ""), "")
        if previous and shows_a_page(request.app, referer.path):
            links.append((previous, _("Back to the previous page")))
    user = request.scope.get("user")  # unset on a path no route matches: its session cookie tells
    signed_in = user is not None or ("user" not in request.scope and SESSION_COOKIE in request.cookies)
    sections = (
        ("/admin", _("Back to the back office"), (Role.staff, Role.reviewer)),
        ("/my", _("Back to my applications"), (Role.applicant,)),
    )
    for start, label, users in sections:  # after a 403 their own section, not the one that refused them
        wanted = user is not None and user.has(*users) if status == 403 else path.startswith(start + "/")
        if signed_in and wanted and shows_a_page(request.app, start):
            links.append((start, label))
    if not signed_in and status in (403, 404) and request.method in _SAFE_METHODS:
        links.append((f"/login?next={quote(path, safe='')}", _("Log in")))
    links.append(("/", _("Back to the home page")))
    return links


def _error_page(request: Request[Any, Any, Any], status: int, detail: str | None = None) -> Response[Any]:
    if "user" not in request.scope:  # no route matched, so LanguageMiddleware did not run: choose here
        set_language(negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")))
    context = {
        "status": status,
        "heading": _headings().get(status) or _("The request could not be completed"),
        "detail": detail or _advice().get(status, ""),
        "links": _ways_back(request, status),
    }
    return Template("errors/error.html", context=context, status_code=status)


def _too_large(request: Request[Any, Any, Any]) -> Response[Any]:
    """A body over the route's limit, refused before any handler ran: a form with a file (multipart)
    hears the file's limit in the user's words; a page also gets the way back to its form."""
    multipart = request.headers.get("content-type", "").startswith("multipart/form-data")
    message = too_large_message() if multipart else _("The request is too large.")
    if is_api(request):
        return _json_error(HTTP_413_REQUEST_ENTITY_TOO_LARGE, message)
    context = {"status": HTTP_413_REQUEST_ENTITY_TOO_LARGE, "detail": message, "back": form_page(request)}
    return Template("errors/error.html", context=context, status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE)


def _http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
        return _too_large(request)
    if is_api(request):
        extra = exc.extra if isinstance(exc.extra, dict | list) else {}
        return _json_error(exc.status_code, exc.detail, extra)
    if isinstance(exc, NotAuthorizedException):
        return Redirect(login_for(request))
    if isinstance(exc, PermissionDeniedException) and exc.detail == CSRF_REFUSAL:
        # A form kept open past its token (the browser's cookies gone, another login meanwhile):
        # the way back to the form, where the browser puts back what was typed (static/js/drafts.js).
        message = _(
            "This form could not be sent because it was open for too long. What you typed is kept: go back to the form and send it again."
        )
        context = {"status": 403, "heading": _("The form was open too long"), "detail": message}
        context |= {"back": form_page(request), "links": [("/", _("Back to the home page"))]}
        return Template("errors/error.html", context=context, status_code=403)
    # Litestar's own details ("Not Found") are English for developers; a 403 or 409 of ours says why.
    ours = exc.status_code in (403, 409) and exc.detail != HTTPStatus(exc.status_code).phrase
    return _error_page(request, exc.status_code, exc.detail if ours else None)


def _validation_failed(request: Request[Any, Any, Any], exc: ValidationFailed) -> Response[Any]:
    if is_api(request):
        return _json_error(422, exc.message or _("Please correct the marked fields."), exc.errors)
    # A page whose form did not catch it: the messages themselves, as there are no fields to mark.
    return _error_page(request, 422, exc.message or " ".join(exc.errors.values()) or None)


def _conflict(request: Request[Any, Any, Any], exc: Conflict) -> Response[Any]:
    if is_api(request):
        return _json_error(409, exc.message, {exc.field: exc.message} if exc.field else {})
    return _error_page(request, 409, exc.message)


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    request.logger.exception("unhandled error on %s", request.url.path, exc_info=exc)
    if is_api(request):
        return _json_error(HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error")
    return _error_page(request, HTTP_500_INTERNAL_SERVER_ERROR)


def _integrity_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A foreign key's RESTRICT (any delete of a row that history refers to) is the caller's 409."""
    if not is_foreign_key_violation(exc):
        return _internal_error(request, exc)
    request.logger.info("refused by a foreign key on %s: %s", request.url.path, exc)
    message = _("Other records still refer to this one (history is kept), so it cannot be deleted.")
    if is_api(request):
        return _json_error(HTTP_409_CONFLICT, message)
    return _error_page(request, HTTP_409_CONFLICT, message)


def _too_many_attempts(request: Request[Any, Any, Any], exc: TooManyAttempts) -> Response[Any]:
    if is_api(request):
        response = _json_error(429, _("Too many attempts. Wait a few minutes and try again."))
    else:
        response = _error_page(request, 429)
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def error_handlers() -> dict[Any, Any]:
    return {
        sqlite3.IntegrityError: _integrity_error,
        IntegrityConstraintViolationError: _integrity_error,
        HTTPException: _http_exception,
        ValidationFailed: _validation_failed,
        Conflict: _conflict,
        TooManyAttempts: _too_many_attempts,
        InvalidCredentials: lambda request, exc: _json_error(401, _("Wrong e-mail or password.")),
        NotFound: lambda request, exc: _http_exception(request, NotFoundException(_("Not found."))),
        Forbidden: lambda request, exc: _http_exception(request, PermissionDeniedException(exc.message)),
        HTTP_500_INTERNAL_SERVER_ERROR: _internal_error,
    }


# The app state's key of `async (user_id, language) -> Any`, which stores a signed-in user's language.
REMEMBER_LANGUAGE = "remember_language"


class PagesController(Controller):
    guards = [public]

    @get("/lang/{code:str}", name="language")
    async def switch_language(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        viewer: Viewer,
        next: FromQuery[str | None] = None,
    ) -> Redirect:
        """Switch the language and come back to the same page; a signed-in user's choice is also
        stored (app.py wires `remember_language`: core knows no accounts), so their mail follows it."""
        response = Redirect(safe_next(next))
        if code in LANGUAGES:
            response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
            remember = request.app.state.get(REMEMBER_LANGUAGE)
            if viewer is not None and remember is not None:
                await remember(viewer.user_id, code)
        return response

    @get("/docs/api", name="api_docs")
    async def api_docs(self, request: Request[Any, Any, Any]) -> Template:
        """The API reference from our own OpenAPI schema, readable without any CDN."""
        schema = request.app.openapi_schema.to_schema()
        operations = [
            {
                "method": method.upper(),
                "path": path,
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
            }
            for path, item in sorted(schema.get("paths", {}).items())
            for method, op in item.items()
            if isinstance(op, dict) and path.startswith("/api")
        ]
        return Template("api_docs.html", context={"operations": operations})
