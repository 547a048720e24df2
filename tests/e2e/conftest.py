"""Browser tests: the app served by `grants serve` in a process of its own, driven by Debian's chromium.

The server runs against the suite's database (the environment tests/conftest.py
sets is inherited), so data the tests seed through the services or the server's
API is what the browser sees. Without chromium or axe-core the tests are skipped with the reason, except
in CI (CI=true), where a missing tool fails them.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from grants.settings import PROJECT_ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TIMEOUT_MS = 15_000  # long enough for a slow CI machine, short enough to fail before the suite's patience


def need_tool(path: Path, what: str, how: str) -> None:
    """Skip (or, in CI, fail) when a tool the browser tests use is missing."""
    if path.exists():
        return
    message = f"{what} is missing at {path}: {how}"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def server(database: str) -> Iterator[str]:
    """`grants serve` on a free loopback port over the suite's database; yields its base URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(os.environ["GRANTS_VAR_DIR"]) / f"e2e-server-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    grants = Path(sys.executable).with_name("grants")
    # A connection pool, as in production (the in-process test app runs without one).
    env = dict(os.environ, BASE_URL=base_url, DB_POOL="1")
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


def screenshot_path(step: int, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{step:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"


async def shoot(page, step: int, name: str) -> None:
    """A full-page screenshot of a step, for people to look at: tests/e2e/screenshots/NN-name.png."""
    await page.screenshot(path=str(screenshot_path(step, name)), full_page=True)
