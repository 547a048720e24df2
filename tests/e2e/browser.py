"""What the browser tests share besides their fixtures: the tools they need, the screenshots they take."""

from __future__ import annotations

import os
import re
from pathlib import Path

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


def screenshot_path(step: int, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{step:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"


async def shoot(page, step: int, name: str) -> None:
    """A full-page screenshot of a step, for people to look at: tests/e2e/screenshots/NN-name.png."""
    await page.screenshot(path=str(screenshot_path(step, name)), full_page=True)
