"""Driving the Data section (piccolo-admin, a Vue app) as a person does: its login page. (Calls are set
up in the back office now; the journey no longer fills piccolo's forms.)"""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.factories.accounts import PASSWORD


async def panel_login(page: Page, email: str, password: str = PASSWORD) -> None:
    await page.goto("/admin/data/")
    await page.locator("input[name=username]").fill(email)
    await page.locator("input[name=password]").fill(password)
    await page.locator("[data-uitest=login_button]").click()
    await expect(page.locator("[data-uitest=nav_dropdown_button]")).to_have_attribute("title", email)
