"""The answers to errors: JSON on the API as the contract says, and on the site a page that names
what happened in the user's language, says what to do, and links back (error_handlers)."""

from __future__ import annotations

import sqlite3
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlsplit

from asyncpg.exceptions import IntegrityConstraintViolationError
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from grants.core.auth import SESSION_COOKIE, Role
from grants.core.errors import (
    Conflict,
    Forbidden,
    InvalidCredentials,
    NotFound,
    TooManyAttempts,
    ValidationFailed,
    is_foreign_key_violation,
)
from grants.core.i18n import LANG_COOKIE, _, negotiate, set_language
from grants.core.inputs import UnreadableInput
from grants.core.uploads import too_large_message
from grants.core.web import CSRF_REFUSAL, SAFE_METHODS, form_page, login_for, safe_next, shows_a_page


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
    if not signed_in and status in (403, 404) and request.method in SAFE_METHODS:
        links.append((f"/login?next={quote(path, safe='')}", _("Log in")))
    links.append(("/", _("Back to the home page")))
    return links


def _error_page(
    request: Request[Any, Any, Any], status: int, detail: str | None = None, back: str | None = None
) -> Response[Any]:
    if "user" not in request.scope:  # no route matched, so LanguageMiddleware did not run: choose here
        set_language(negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")))
    context = {
        "status": status,
        "heading": _headings().get(status) or _("The request could not be completed"),
        "detail": detail or _advice().get(status, ""),
        "links": _ways_back(request, status),
        "back": back,  # the form the request came from, when going back to it keeps what was typed
    }
    return Template("errors/error.html", context=context, status_code=status)


def _too_large(request: Request[Any, Any, Any]) -> Response[Any]:
    """A body over the route's limit, refused before any handler ran: a form with a file (multipart)
    hears the file's limit in the user's words; a page also gets the way back to its form."""
    multipart = request.headers.get("content-type", "").startswith("multipart/form-data")
    message = too_large_message() if multipart else None  # else the page's own advice
    if is_api(request):
        return _json_error(HTTP_413_REQUEST_ENTITY_TOO_LARGE, message or _("The request is too large."))
    return _error_page(request, HTTP_413_REQUEST_ENTITY_TOO_LARGE, message, back=form_page(request))


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
    if isinstance(exc, UnreadableInput):  # our own words (a NUL character), and the form to go back to
        return _error_page(request, exc.status_code, exc.detail, back=form_page(request))
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
