"""The Data section (piccolo-admin at /admin/data/) read in a browser by staff, in Latvian and English:
the calls and payments tables show euros and Riga time, never cents, UTC or microseconds; tables,
columns and the menu carry the site's words; a call's form shows its moment in Riga time."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Page, expect

from grants.accounts.service.users import ensure_user
from grants.core.auth import Role
from tests.e2e.axe import blocking_violations, describe
from tests.e2e.panel import panel_login
from tests.factories.accounts import PASSWORD, unique_email
from tests.factories.awards import signed_award
from tests.factories.calls import published_call

pytestmark = pytest.mark.e2e

CLOSES = "2031-01-15T08:30:00+00:00"  # 10:30 in Riga
EXPECTED = {
    "lv": {
        "calls": "Konkursi",
        "payments": "Maksājumi",
        "budget": "Budžets",
        "euros": "46\xa0000,00\xa0€",
        "closes": "2031. gada 15. janvāris 10:30",
        "advance": "4\xa0140,00\xa0€",
        "back": "Darba vide",
    },
    "en": {
        "calls": "Calls",
        "payments": "Payments",
        "budget": "Budget",
        "euros": "€46,000.00",
        "closes": "January 15, 2031 10:30\u202fAM",
        "advance": "€4,140.00",
        "back": "Back office",
    },
}
LOCALES = {"lv": "lv-LV", "en": "en-GB"}


@pytest.fixture(scope="module")
async def seeded(server: str) -> dict:
    async with httpx.AsyncClient(base_url=server, timeout=30) as http:
        call = await published_call(http, closes_at=CLOSES, budget="46000.00")
        award = await signed_award(http)  # its call closed: the advance falls due
    email = unique_email("staff")
    await ensure_user(email, PASSWORD, Role.staff, None, "Dace Datu-Lasītāja")
    return {"staff": email, "call": call["id"], "award": award["award_id"]}


async def _table_text(page: Page, address: str) -> str:
    await page.goto(address)
    listing = page.locator("table", has=page.locator("thead input[type=checkbox]"))  # the rows' table
    await expect(listing.locator("tbody tr").first).to_be_visible()
    return await listing.inner_text()


@pytest.mark.parametrize("lang", ["lv", "en"])
async def test_staff_read_euros_and_riga_time_in_the_data_section(new_page, seeded, lang):
    words = EXPECTED[lang]
    page = await new_page(locale=LOCALES[lang])
    await panel_login(page, seeded["staff"])
    await expect(page.locator("html")).to_have_attribute("lang", lang)
    sidebar = page.locator(".sidebar")
    await expect(sidebar.locator("a[href='#/grant_call/']")).to_have_text(words["calls"])
    await expect(sidebar.get_by_role("link", name=words["back"])).to_have_attribute("href", "/admin/")

    calls = await _table_text(page, f"/admin/data/#/grant_call/?id={seeded['call']}")
    await expect(page.locator("h1").nth(1)).to_have_text(words["calls"])
    assert words["budget"].upper() in calls.split("\n")[0]  # the column heading (in capitals by CSS)
    assert words["euros"] in calls
    assert words["closes"] in calls
    assert "4600000" not in calls and "460000" not in calls
    assert "2031-01-15" not in calls and "08:30" not in calls and "+00:00" not in calls

    payments = await _table_text(page, f"/admin/data/#/payment/?award={seeded['award']}")
    await expect(page.locator("h1").nth(1)).to_have_text(words["payments"])
    assert words["advance"] in payments
    assert "414000" not in payments

    # A call's form: the moment in Riga time (the panel's time zone starts at Europe/Riga).
    await _table_text(page, f"/admin/data/#/grant_call/?id={seeded['call']}")
    await page.locator(f"table a[href='#/grant_call/{seeded['call']}/']").first.click()
    closes = page.locator("div:has(> input[name=closes_at]) input[type=datetime-local]")
    await expect(closes).to_have_value("2031-01-15T10:30")


@pytest.mark.parametrize("lang", ["lv", "en"])
async def test_axe_on_the_data_section(new_page, seeded, lang):
    """axe on the Data section's home and the calls table: no violation, piccolo-admin's unnamed
    controls named by static/js/panel.js."""
    page = await new_page(locale=LOCALES[lang], bypass_csp=True)
    await panel_login(page, seeded["staff"])
    await page.goto("/admin/data/#/")
    await expect(page.locator(".sidebar a[href='#/grant_call/']")).to_be_visible()
    found = {"home": await blocking_violations(page)}
    await _table_text(page, f"/admin/data/#/grant_call/?id={seeded['call']}")
    found["calls"] = await blocking_violations(page)
    report = "\n".join(f"{address}:\n{describe(v)}" for address, v in found.items())
    print(report)
    ids = {address: sorted(v["id"] for v in violations) for address, violations in found.items()}
    assert ids == PICCOLO, report


# piccolo-admin 1.14 draws unlabelled row checkboxes, page-number and page-size fields and icon-only
# links (the row menu, the pagination arrows); static/js/panel.js names them, so nothing remains.
PICCOLO = {"home": [], "calls": []}
