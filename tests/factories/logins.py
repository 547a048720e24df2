"""Every way to log in, with every body form each path takes, and the failures counted for an account."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx

from grants.core.auth import SESSION_COOKIE
from tests.factories.accounts import post_form

REDIS_URL = "redis://127.0.0.1:6379/15"

Attempt = Callable[[httpx.AsyncClient, str, str], Awaitable[httpx.Response]]


async def panel_csrf(client: httpx.AsyncClient) -> str:
    """The panel's CSRF cookie, as its page gets it."""
    if "csrftoken" not in client.cookies:
        await client.get("/admin/data/")
    return client.cookies["csrftoken"]


async def panel_post(
    client: httpx.AsyncClient, path: str = "/admin/data/public/login/", **kwargs
) -> httpx.Response:
    headers = {"X-CSRFToken": await panel_csrf(client), **kwargs.pop("headers", {})}
    return await client.post(path, headers=headers, **kwargs)


def _panel(kind: str) -> Attempt:
    async def attempt(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
        body = {"username": email, "password": password}
        if kind == "json":
            return await panel_post(client, json=body)
        if kind == "json, format html":
            return await panel_post(client, json={**body, "format": "html"})
        if kind == "form":
            return await panel_post(client, data=body)
        if kind == "form, format html":
            return await panel_post(client, data={**body, "format": "html"})
        if kind == "multipart":
            return await panel_post(client, data=body, files={"extra": ("x.txt", b"x", "text/plain")})
        if kind == "json as text/plain":
            return await panel_post(client, content=json.dumps(body), headers={"Content-Type": "text/plain"})
        raise ValueError(kind)

    return attempt


async def _site(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await post_form(client, "/login", {"email": email, "password": password})


async def _api(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/auth/token", json={"email": email, "password": password})


PANEL_FORMS = ("json", "json, format html", "form", "form, format html", "multipart", "json as text/plain")
PATHS: dict[str, Attempt] = {
    "site /login": _site,
    "api /api/auth/token": _api,
    **{f"panel {kind}": _panel(kind) for kind in PANEL_FORMS},
}


def logged_in(path: str, response: httpx.Response, client: httpx.AsyncClient) -> bool:
    """Whether the answer started a session (or, for the API, issued a token)."""
    if path.startswith("api"):
        return response.status_code == 200 and bool(response.json().get("token"))
    return response.status_code in (200, 302, 303) and SESSION_COOKIE in response.cookies


async def account_failures(email: str) -> int:
    """Failures counted against the account's key, in the store the app uses."""
    from grants.accounts.service.logins import limiter

    store = limiter()
    return await store.store.count(store.keys(email, "-")[0], store.window)


@contextlib.asynccontextmanager
async def with_redis_store() -> AsyncIterator[None]:
    """The app's limiter in Redis (the REDIS_URL setting) for the test, then back to the database."""
    from grants.settings import get_settings, override_settings

    before = get_settings()
    override_settings(dataclasses.replace(before, redis_url=REDIS_URL))
    try:
        yield
    finally:
        override_settings(before)
