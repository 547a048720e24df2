"""Rendering pages: the Jinja environment, error responses, and the site-wide pages."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

from babel.dates import format_timedelta
from jinja2 import Environment, FileSystemLoader, pass_context
from litestar import Controller, Request, get
from litestar.exceptions import (
    MethodNotAllowedException,
    NotFoundException,
)
from litestar.params import FromPath, FromQuery
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from markdown_it import MarkdownIt
from markupsafe import Markup

from grants.core.auth import SESSION_COOKIE, Viewer, public
from grants.core.i18n import (
    LANG_COOKIE,
    LANGUAGES,
    get_language,
    gettext,
    ngettext,
)
from grants.core.money import display_cents
from grants.core.time import format_day, format_riga
from grants.core.uploads import file_input_attributes
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
SAFE_METHODS = frozenset({"GET", "HEAD"})
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
    if request.method in SAFE_METHODS:
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
    ended = request.method not in SAFE_METHODS or SESSION_COOKIE in request.cookies
    return f"/login?next={quote(form_page(request), safe='')}" + ("&expired=1" if ended else "")


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
