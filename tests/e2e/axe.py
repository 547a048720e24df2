"""axe-core in the page: the violations of impact serious or critical, and a readable account of them."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page

from tests.e2e.browser import AXE, need_tool

BLOCKING = ("serious", "critical")


def axe_script() -> Path:
    need_tool(AXE, "axe-core", "run `npm ci` (or `make browser`)")
    return AXE


async def blocking_violations(page: Page) -> list[dict]:
    """Runs axe on the page as it is now. The page's context must bypass our CSP (no inline scripts)."""
    await page.add_script_tag(path=str(axe_script()))
    result = await page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} – {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(
                f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}".replace("\n", " ")
            )
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)
