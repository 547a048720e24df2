"""Driving the admin panel (piccolo-admin, a Vue app) as a person does: its login page, add-row forms,
key-search pickers and custom forms. Field names are the tables' column names."""

from __future__ import annotations

from datetime import datetime

from playwright.async_api import Page, expect

from tests.factories.accounts import PASSWORD


async def panel_login(page: Page, email: str, password: str = PASSWORD) -> None:
    await page.goto("/admin/data/")
    await page.locator("input[name=username]").fill(email)
    await page.locator("input[name=password]").fill(password)
    await page.locator("[data-uitest=login_button]").click()
    await expect(page.locator("[data-uitest=nav_dropdown_button]")).to_have_attribute("title", email)


async def pick(page: Page, column: str, search: str, choice: str) -> None:
    """A foreign key: open the key-search picker of the column, filter, choose the row."""
    field = page.locator(f".key_search:has(input[name={column}])")
    await field.locator("input[type=text]").click()
    await field.locator("input[type=search]").fill(search)
    await field.locator(".results_list a", has_text=choice).click()
    await expect(field.locator(f"input[name={column}]")).not_to_have_value("")


async def moment(page: Page, column: str, when: datetime, zone: str = "Europe/Riga") -> None:
    """A timestamp: the panel's datetime-local input plus, for a table's aware column, its time-zone
    select (a custom form's moment has none: the form reads it as Riga time)."""
    field = page.locator(f"div:has(> input[name={column}])")
    zones = field.locator("select")
    if await zones.count():
        await zones.select_option(zone)
    await field.locator("input[type=datetime-local]").fill(when.strftime("%Y-%m-%dT%H:%M:%S"))


async def open_add_form(page: Page, table: str, default: tuple[str, str]) -> None:
    """The add-row form of a table, once its defaults have arrived (filling earlier gets overwritten)."""
    await page.goto(f"/admin/data/#/{table}/")
    await page.locator(f".title_bar a[href='#/{table}/add/']").click()  # "Pievienot rindu" (Add row)
    name, value = default
    await expect(page.locator(f"[name={name}]")).to_have_value(value)


async def create_row(page: Page) -> None:
    await page.locator("[data-uitest=create_button]").click()
    popup = page.locator("#message_popup")
    await expect(popup).to_contain_text("Successfully added row")
    await popup.locator(".close a").click()  # it stays over the form's button otherwise
    await expect(popup).to_be_hidden()


async def row_id(page: Page, table: str, link_text: str) -> int:
    """The id of a row, read from its link in the table's list, as staff find a call's number."""
    await page.goto(f"/admin/data/#/{table}/")
    link = page.locator(f"a[href^='#/{table}/']", has_text=link_text)
    href = await link.get_attribute("href")
    assert href is not None
    return int(href.strip("/").rsplit("/", 1)[-1])


async def run_form(page: Page, slug: str, values: dict[str, str | datetime]) -> str:
    """Fill and submit one of the panel's custom forms; returns the message it answers with.
    A datetime goes into the panel's moment input (Riga time), a choice into its select."""
    await page.goto("/admin/data/#/")
    await page.locator(f".sidebar a[href='#/forms/{slug}/']").click()
    for name, value in values.items():
        if isinstance(value, datetime):
            await moment(page, name, value)
            continue
        field = page.locator(f"input[name={name}], select[name={name}], textarea[name={name}]").first
        if await field.evaluate("element => element.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)
    await page.locator("[data-uitest=submit_custom_form_button]").click()
    message = page.locator("#success_message")
    await expect(message).not_to_be_empty()
    return (await message.inner_text()).strip()
