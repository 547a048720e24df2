"""What the security tests send and check over HTTP: a browser per address, the CSRF token, raw ASGI
requests, and the XSS payloads with the check that they come back escaped."""

from __future__ import annotations

import itertools
import re

import httpx

from grants.app import CSRF_COOKIE
from grants.core.auth import SESSION_COOKIE

_addresses = itertools.count(1)


def browser(app, session: str | None = None) -> httpx.AsyncClient:
    """A client with its own address (login counts stay apart), English, and the session cookie if given."""
    n = next(_addresses)
    transport = httpx.ASGITransport(app=app, client=(f"127.9.{n // 250}.{n % 250 + 1}", 50000))
    client = httpx.AsyncClient(
        transport=transport, base_url="http://127.0.0.1", headers={"Accept-Language": "en"}
    )
    if session:
        client.cookies.set(SESSION_COOKIE, session, domain="127.0.0.1")
    return client


async def csrf(client: httpx.AsyncClient) -> str:
    if CSRF_COOKIE not in client.cookies:
        await client.get("/login")
    return client.cookies[CSRF_COOKIE]


async def raw_request(
    app, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> tuple[int, bytes]:
    """Straight into the ASGI app, path and headers exactly as given: no client normalises "..",
    "//" or merges repeated headers."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"accept-language", b"en"), *headers],
        "client": (f"127.8.0.{next(_addresses) % 250 + 1}", 50000),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict] = []
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict:
        return pending.pop() if pending else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


TAIL = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{7*7}}'
DANGEROUS_URL = re.compile(r"""(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):""", re.IGNORECASE)


def payload(tag: str) -> str:
    return f"XSS{tag}{TAIL}"


def assert_escaped(body: str, tags: list[str]) -> None:
    """No payload runs, and each field named is on the page as the text it is."""
    assert "<script>alert(1)</script>" not in body
    assert "<img src=x" not in body
    assert DANGEROUS_URL.search(body) is None
    shown = [tag for tag in tags if f"XSS{tag}&lt;script&gt;alert(1)&lt;/script&gt;" in body]
    assert shown == tags
    assert body.count("onerror=alert(1)&gt;{{7*7}}") >= len(tags)  # template syntax is never evaluated
