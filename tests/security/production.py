"""The app as production builds it (GRANTS_ENV=production), for the tests of what only production
sends: HSTS and Secure cookies. Its browser speaks HTTPS, as production is served."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections.abc import AsyncIterator

import httpx

from grants.settings import get_settings

_addresses = itertools.count(1)


@contextlib.asynccontextmanager
async def production_app() -> AsyncIterator:
    """create_app with the test settings but env=production; the test settings come back after."""
    from grants.app import create_app
    from grants.core.db import configure

    previous = get_settings()
    try:
        yield create_app(dataclasses.replace(previous, env="production"))
    finally:
        configure(previous)


def https_browser(app) -> httpx.AsyncClient:
    """A browser on https://127.0.0.1 with its own address: it sends Secure cookies back."""
    n = next(_addresses)
    transport = httpx.ASGITransport(app=app, client=(f"127.7.{n // 250}.{n % 250 + 1}", 50000))
    return httpx.AsyncClient(
        transport=transport,
        base_url="https://127.0.0.1",
        headers={"Accept-Language": "en", "Origin": "https://127.0.0.1", "Referer": "https://127.0.0.1/"},
    )


def cookie_attributes(header: str) -> tuple[str, dict[str, str]]:
    """A Set-Cookie header as (name, {attribute in lower case: value}), the cookie's value left out."""
    first, *rest = header.split(";")
    name = first.split("=", 1)[0].strip()
    attributes = {}
    for part in rest:
        key, _, value = part.strip().partition("=")
        if key:
            attributes[key.lower()] = value
    return name, attributes
