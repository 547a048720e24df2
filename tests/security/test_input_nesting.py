"""Deeply nested JSON (100,000 `[`) on every route that takes a body: a 4xx, never a 5xx.

msgspec decodes JSON recursively and gives up with a RecursionError past the interpreter's
recursion limit; Litestar maps only msgspec's DecodeError to a 400, so the nesting came back as a
500. The routes are walked from the app's route table, so a new route is covered the day it exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import httpx
import pytest

from grants.core.auth import Role
from tests.factories.accounts import bearer, csrf_token, login, make_user, register_applicant

pytestmark = pytest.mark.integration

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
DEEP = b"[" * 100_000
DEEP_IN_A_FIELD = b'{"email": "a@example.lv", "title": ' + b"[" * 100_000
_PARAM = re.compile(r"\{(\w+):(\w+)\}")


def body_routes(app) -> list[tuple[str, str]]:
    """(method, path with its parameters filled) of every route that may read a body."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        handlers: Iterable[Any] = getattr(route, "route_handlers", None) or []
        for handler in handlers:
            for method in set(getattr(handler, "http_methods", ())) & WRITES:
                path = _PARAM.sub(lambda m: "LV-016" if m[2] == "str" else "1", route.path)
                found.add((method, path))
    return sorted(found)


# The panel (a mounted app outside the route table) reads JSON on these.
PANEL = [("POST", "/admin/data/api/tables/organisation/"), ("POST", "/admin/data/api/forms/grant-a-role/")]


async def _signed_in(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    """Bearer for the API, session cookie and CSRF header for the pages and the panel."""
    headers = await bearer(client, email)
    await login(client, email)
    return headers | {"X-CSRFToken": await csrf_token(client)}


async def _send(client: httpx.AsyncClient, method: str, path: str, body: bytes, headers: dict[str, str]):
    response = await client.request(
        method, path, content=body, headers=headers | {"Content-Type": "application/json"}
    )
    return response.status_code, response.text[:200]


def test_every_write_route_is_walked(app) -> None:
    routes = body_routes(app)
    assert ("POST", "/api/auth/token") in routes
    assert ("PATCH", "/api/applications/1") in routes
    assert len(routes) > 60


@pytest.mark.parametrize("body", [DEEP, DEEP_IN_A_FIELD], ids=["bare", "in-a-field"])
async def test_deep_nesting_is_refused_anonymously(app, make_client, body) -> None:
    client = make_client()
    headers = {"X-CSRFToken": await csrf_token(client)}  # so the anonymous pages read the body too
    answers = {f"{m} {p}": await _send(client, m, p, body, headers) for m, p in [*body_routes(app), *PANEL]}
    assert {route: answer for route, answer in answers.items() if answer[0] >= 500} == {}
    # The anonymous JSON routes read the body: a 400 in the API's shape.
    status, text = answers["POST /api/auth/token"]
    assert status == 400
    assert answers["POST /api/auth/register"][0] == 400


@pytest.mark.parametrize("role", ["staff", "applicant"])
async def test_deep_nesting_is_refused_when_signed_in(app, make_client, role) -> None:
    client = make_client()
    email = await make_user(Role.staff) if role == "staff" else (await register_applicant(client))[0]
    headers = await _signed_in(client, email)
    answers = {f"{m} {p}": await _send(client, m, p, DEEP, headers) for m, p in [*body_routes(app), *PANEL]}
    assert {route: answer for route, answer in answers.items() if answer[0] >= 500} == {}
    reached = "POST /api/calls" if role == "staff" else "PATCH /api/applications/1"
    assert answers[reached][0] == 400


async def test_deep_nesting_answer_is_the_api_error_shape(client) -> None:
    response = await client.post(
        "/api/auth/token", content=DEEP, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "status_code": 400,
        "detail": "The JSON is nested too deeply.",
        "extra": {"body": "The JSON is nested too deeply."},
    }


async def test_nesting_within_the_bound_still_decodes(client) -> None:
    """A body nested a little (as real clients send) is read as before: the field's own error."""
    body = b'{"email": [[[["a"]]]], "password": "x"}'
    response = await client.post(
        "/api/auth/token", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "email"


async def test_deep_nesting_answer_is_in_the_callers_language(make_client) -> None:
    client = make_client(language=None)  # Latvian, the default
    response = await client.post(
        "/api/auth/register", content=DEEP, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "JSON ir ligzdots pārāk dziļi."


# Litestar decodes a JSON route's body as JSON whatever its Content-Type says: a form's, a multipart
# one or none at all reached msgspec's recursion just the same (a 500 on every JSON route).
OTHER_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/plain",
    "application/json; charset=latin-1",
    None,
]


@pytest.mark.parametrize("content_type", OTHER_TYPES)
async def test_deep_nesting_under_another_content_type_is_refused(app, make_client, content_type) -> None:
    client = make_client()
    email, _ = await register_applicant(client)
    headers = await bearer(client, email) | ({"Content-Type": content_type} if content_type else {})
    answers = {}
    for method, path in body_routes(app):
        if path.startswith("/api/"):
            response = await client.request(method, path, content=DEEP, headers=headers)
            answers[f"{method} {path}"] = (response.status_code, response.text[:200])
    assert {route: answer for route, answer in answers.items() if answer[0] >= 500} == {}
    for reached in ("POST /api/auth/token", "POST /api/auth/register", "PATCH /api/applications/1"):
        assert answers[reached] == (
            400,
            '{"status_code":400,"detail":"The JSON is nested too deeply.",'
            '"extra":{"body":"The JSON is nested too deeply."}}',
        )
