"""The journey's cast and what it learns along the way (ids, references), shared by its stages."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlparse

from playwright.async_api import Page, expect

from grants.core.mail import deliver_pending
from tests.e2e.browser import shoot
from tests.factories.accounts import PASSWORD
from tests.factories.mail import smtp_settings


@dataclass(frozen=True)
class Cast:
    staff: str
    reviewers: tuple[tuple[str, str], ...]  # (e-mail, name)
    coordinator: str
    schools: tuple[tuple[str, str], ...]  # (registration number, name)
    national: str = ""  # national programme staff (IKVD), who approve the award decision


def past_period() -> tuple[date, date]:
    """Three months from the first of last month: the events planned in it are already past."""
    start = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    month = start.month + 3
    end = date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


@dataclass
class Ngo:
    """One applying organisation and its one application."""

    organisation: str
    project: str
    email: str = ""
    application_id: int = 0
    reference: str = ""
    award_id: int = 0


@dataclass
class Story:
    cast: Cast
    title: str  # of the call
    ngos: tuple[Ngo, ...]
    amount: str = "€4,500.00"
    call_id: int = 0
    deadline: datetime | None = None  # the call's, as staff typed it
    grantee: int = 0  # which of the ngos holds the grant at the end
    period: tuple[date, date] = field(default_factory=past_period)
    step: int = 0
    mail: Any = None  # the SMTP server the site's mail goes to (tests.factories.smtp.Collector)
    requests: list[str] = field(default_factory=list)  # every URL a page of the journey asked for
    images: list[str] = field(default_factory=list)  # those of them that were pictures (<img>)
    visited: dict[str, list[str]] = field(default_factory=dict)  # back-office pages seen, by whom

    # The grantee's facts, as the stages after the award read them.
    @property
    def organisation(self) -> str:
        return self.ngos[self.grantee].organisation

    @property
    def project(self) -> str:
        return self.ngos[self.grantee].project

    @property
    def reference(self) -> str:
        return self.ngos[self.grantee].reference

    @property
    def application_id(self) -> int:
        return self.ngos[self.grantee].application_id

    @property
    def award_id(self) -> int:
        return self.ngos[self.grantee].award_id

    @award_id.setter
    def award_id(self, value: int) -> None:
        self.ngos[self.grantee].award_id = value

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

    def watch(self, page: Page) -> Page:
        """Record every request the page makes (the journey asserts none went to the JSON API)."""
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "request",
            lambda request: self.images.append(request.url) if request.resource_type == "image" else None,
        )
        return page

    def api_requests(self) -> list[str]:
        """The pages' requests to the JSON API: an <img> of an event photo, which the API serves to the
        grantee and staff, is a picture on a page, not a use of the API."""
        return [
            url for url in self.requests if urlparse(url).path.startswith("/api") and url not in self.images
        ]

    async def shoot(self, page: Page, name: str, who: str = "") -> None:
        """A screenshot of the step; a back-office page is remembered as seen by `who` (staff unless
        named), for the journey's second pass on a phone."""
        self.step += 1
        path = urlparse(page.url).path
        seen = self.visited.setdefault(who or self.cast.staff, [])
        if path.startswith("/admin/") and not path.startswith("/admin/data") and path not in seen:
            seen.append(path)
        await shoot(page, self.step, name)


async def site_login(page: Page, email: str, next_page: str | None = "/account") -> None:
    """Logs in; lands on `next_page`, or with None on the role's own home (/home redirects)."""
    await page.goto(f"/login?next={next_page}" if next_page else "/login")
    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(PASSWORD)  # a password input has no role to find it by
    await page.locator("main").get_by_role("button", name="Log in").click()
    # Signed in shows as the header's logout form.
    await page.wait_for_url(lambda url: "/login" not in url)
    await expect(page.locator("header form[action='/logout']")).to_have_count(1)


async def mail_to(story: Story, address: str, subject: str) -> EmailMessage:
    """The mail with this subject to `address`, once the outbox has reached the SMTP server (earlier
    mails to the same address do not count: a new one may still be on its way)."""
    deadline = time.monotonic() + 15
    while True:
        await deliver_pending(smtp_settings(story.mail.port), limit=1000)
        found = [m for m in story.mail.to(address) if m["Subject"] == subject]
        if found or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert found, f"no mail “{subject}” to {address}: {[m['Subject'] for m in story.mail.to(address)]}"
    return found[-1]
