"""Browser tests: the app served by `grants serve` in a process of its own, driven by Debian's chromium.

The server runs against the suite's database (the environment tests/conftest.py
sets is inherited), so data the tests seed through the services or the server's
API is what the browser sees. Without chromium or axe-core the tests are skipped with the reason, except
in CI (CI=true), where a missing tool fails them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.browser import CHROMIUM, TIMEOUT_MS, need_tool
from tests.factories.servers import free_port


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def server(database: str, mail_server) -> Iterator[str]:
    """`grants serve` on a free loopback port over the suite's database, its mail to `mail_server`;
    yields its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(os.environ["GRANTS_VAR_DIR"]) / f"e2e-server-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    grants = Path(sys.executable).with_name("grants")
    # A connection pool, as in production (the in-process test app runs without one).
    smtp_url = f"smtp://127.0.0.1:{mail_server.port}?from=grants@example.lv"
    # Every browser and fixture registers from 127.0.0.1: the per-address limit of registrations
    # (5 an hour, tested in tests/accounts/test_service_registration.py) would refuse the later ones.
    env = dict(os.environ, BASE_URL=base_url, DB_POOL="1", SMTP_URL=smtp_url, REGISTER_MAX_PER_HOUR="10000")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(grants), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/api/registry/municipalities", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"`grants serve` did not start on {base_url}:\n{_log_tail(log_path)}")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator:
    need_tool(CHROMIUM, "Debian's chromium", "run `make browser` (apt-get install chromium)")
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=TIMEOUT_MS)

    playwright = await async_playwright().start()
    try:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        await launched.close()
    finally:
        await playwright.stop()


NewPage = Callable[..., Awaitable]


@pytest.fixture
async def new_page(browser, server: str) -> AsyncIterator[NewPage]:
    """A factory of pages, each in a browser context of its own (its own cookies: another person)."""
    contexts = []

    async def factory(locale: str = "en-GB", bypass_csp: bool = False):
        context = await browser.new_context(
            base_url=server,
            locale=locale,
            timezone_id="Europe/Riga",
            viewport={"width": 1280, "height": 900},
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return await context.new_page()

    yield factory
    for context in contexts:
        await context.close()
