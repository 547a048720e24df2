"""The back-office home (/admin/): staff see what waits for them, call by call, with links to the
page where the work is done; the call's early close shows its real closing time."""

from __future__ import annotations

import uuid

import pytest

from grants.calls.tables import Call
from tests.factories.accounts import staff_browser
from tests.factories.awards import awarded_application, sign
from tests.html import parse

pytestmark = pytest.mark.integration


def queue(html: str, key: str) -> dict[str, tuple[str, str]]:
    """A queue's rows on the home page: the call's title → (its count as shown, or "" where the queue
    shows none, its link)."""
    section = parse(html).select_one(f"#queue-{key}")
    assert section is not None, key
    rows = {}
    for item in section.select("li"):
        link, count = item.select_one("a"), item.select_one("strong")
        rows[link.get_text(strip=True)] = (count.get_text(strip=True) if count else "", link["href"])
    return rows


async def test_home_counts_an_award_without_agreement_then_its_advance_due(client, make_client):
    title = f"Konkurss {uuid.uuid4().hex[:8]}"
    award = await awarded_application(client, title=title)
    staff = await staff_browser(make_client)
    home = (await staff.get("/admin/")).text
    assert queue(home, "agreements")[title] == (
        "1",
        f"/admin/awards?call_id={award['call_id']}",
    )
    assert title not in queue(home, "payments")

    assert (await sign(client, award)).status_code == 201
    home = (await staff.get("/admin/")).text
    assert title not in queue(home, "agreements")
    assert queue(home, "payments")[title] == (
        "1",
        f"/admin/payments?call_id={award['call_id']}&status=unpaid",
    )


async def test_home_lists_an_agreement_to_record_only_once_the_decision_is_approved(client, make_client):
    from grants.awards.service import approval
    from tests.factories.awards import staff_principal

    title = f"Konkurss {uuid.uuid4().hex[:8]}"
    award = await awarded_application(client, title=title, requires_approval=True)
    staff = await staff_browser(make_client)
    assert title not in queue((await staff.get("/admin/")).text, "agreements")  # national staff's turn

    await approval.approve_decision(award["call_id"], await staff_principal(), "")
    assert queue((await staff.get("/admin/")).text, "agreements")[title] == (
        "1",
        f"/admin/awards?call_id={award['call_id']}",
    )


async def test_home_lists_a_call_closed_early_to_decide(client, make_client):
    title = f"Konkurss {uuid.uuid4().hex[:8]}"
    award = await awarded_application(client, title=title)  # closes the call before its deadline
    call = await Call.select(Call.closes_at, Call.closed_early).where(Call.id == award["call_id"]).first()
    assert call["closed_early"] is True
    home = (await (await staff_browser(make_client)).get("/admin/")).text
    assert queue(home, "calls")[title] == ("", f"/admin/calls/{award['call_id']}/ranking")


async def test_home_is_for_staff_and_reviewers_only(client, make_client):
    from grants.core.auth import Role
    from tests.factories.accounts import login, make_user

    for role in (Role.applicant, Role.coordinator):
        browser = make_client()
        await login(browser, await make_user(role, "LV-016" if role == Role.coordinator else None))
        response = await browser.get("/admin/")
        assert response.status_code == 403
        assert "queue-" not in response.text
