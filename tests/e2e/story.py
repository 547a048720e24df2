"""The journey's cast and what it learns along the way (ids, the reference), shared by its stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.browser import shoot
from tests.factories.accounts import PASSWORD


@dataclass(frozen=True)
class Cast:
    staff: str
    reviewers: tuple[tuple[str, str], ...]  # (e-mail, name)
    coordinator: str
    schools: tuple[tuple[str, str], ...]  # (registration number, name)


def past_period() -> tuple[date, date]:
    """Three months from the first of last month: the events planned in it are already past."""
    start = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    month = start.month + 3
    end = date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


@dataclass
class Story:
    cast: Cast
    title: str  # of the call
    organisation: str
    project: str = "Piedzīvojumu diena skolās"
    amount: str = "€4,500.00"
    call_id: int = 0
    application_id: int = 0
    reference: str = ""
    award_id: int = 0
    period: tuple[date, date] = field(default_factory=past_period)
    step: int = 0
    mail: Any = None  # the SMTP server the site's mail goes to (tests.factories.smtp.Collector)

    def events(self) -> list[tuple[str, str, str, date, int]]:
        """The two planned (and later held) events: school, kind, title, date, participants."""
        start = self.period[0]
        return [
            (
                self.cast.schools[0][0],
                "team_building",
                "Komandas saliedēšanas diena",
                start + timedelta(days=20),
                24,
            ),
            (self.cast.schools[1][0], "workshop", "Radošā darbnīca", start + timedelta(days=27), 18),
        ]

    async def shoot(self, page: Page, name: str) -> None:
        self.step += 1
        await shoot(page, self.step, name)


async def site_login(page: Page, email: str) -> None:
    """Logs in and lands on the account page (without `next`, each role now lands on its own home)."""
    await page.goto("/login?next=/account")
    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(PASSWORD)  # a password input has no role to find it by
    await page.locator("main").get_by_role("button", name="Log in").click()
    # Each role lands on its own home (/home redirects); signed in shows as the header's logout form.
    await page.wait_for_url(lambda url: "/login" not in url)
    await expect(page.locator("header form[action='/logout']")).to_have_count(1)
