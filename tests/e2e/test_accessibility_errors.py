"""Accessibility of the error pages: axe-core finds no serious or critical violation on a missing
page or a wrong method's page, in Latvian and in English, and the heading in words is what is read."""

from __future__ import annotations

import pytest

from tests.e2e.axe import axe_script, blocking_violations, describe
from tests.e2e.browser import TIMEOUT_MS

pytestmark = pytest.mark.e2e

PAGES = {  # path → (status, heading in lv, heading in en)
    "/nav-tadas-lapas": (404, "Lapa nav atrasta", "Page not found"),
    "/logout": (405, "Šī darbība šeit nav atļauta", "This action is not allowed here"),
}


@pytest.mark.parametrize("language", ("lv", "en"))
@pytest.mark.parametrize("path", list(PAGES))
async def test_error_page_has_no_serious_accessibility_violations(browser, server: str, path, language):
    axe_script()
    status, *headings = PAGES[path]
    context = await browser.new_context(base_url=server, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        await context.add_cookies([{"name": "lang", "value": language, "url": server}])
        page = await context.new_page()
        response = await page.goto(path)
        assert response is not None and response.status == status
        assert await page.locator("h1").inner_text() == headings[0 if language == "lv" else 1]
        violations = await blocking_violations(page)
        assert violations == [], f"{path} in {language}:\n{describe(violations)}"
    finally:
        await context.close()
