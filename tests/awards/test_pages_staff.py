"""The staff's award pages: recording the agreement with its upload, paying, lowering, terminating
after a confirmation, the payment register with its CSV link, and that only staff get in."""

from __future__ import annotations

import re

import pytest

from grants.awards.tables import Award
from grants.core.auth import Role
from tests.factories.accounts import csrf_token, login, make_user, post_form, staff_browser
from tests.factories.awards import award_payments, award_status, awarded_application, signed_award, today
from tests.factories.files import pdf_bytes
from tests.html import field_error, links, notice, parse, table_rows, text_of, texts_of

pytestmark = pytest.mark.integration


def section(html: str, award_id: int) -> str:
    """The part of the awards page about one award."""
    match = re.search(rf'<section class="apply-form" id="award-{award_id}".*?</section>', html, re.S)
    assert match, f"award {award_id} is not on the page"
    return match.group(0)


async def upload(browser, award_id: int, number: str, signed_on: str, file: tuple | None):
    token = await csrf_token(browser)
    files = {"file": file} if file else {"other": ("x.txt", b"x", "text/plain")}
    return await browser.post(
        f"/admin/awards/{award_id}/agreement",
        data={"number": number, "signed_on": signed_on, "_csrf_token": token},
        files=files,
    )


async def test_staff_record_the_agreement_on_the_awards_page(client, make_client):
    award = await awarded_application(client)
    award_id = award["award_id"]
    browser = await staff_browser(make_client)
    page = await browser.get(f"/admin/awards?award={award_id}")
    assert page.status_code == 200
    assert "Record the signed agreement" in texts_of(section(page.text, award_id), "legend")

    missing = await upload(browser, award_id, "", today().isoformat(), None)
    assert missing.status_code == 422
    html = section(missing.text, award_id)
    assert "This field is required." in texts_of(html, "p.error")
    assert "Choose the signed agreement's file." in texts_of(html, "p.error")
    assert await award_status(award_id) == "awarded"

    done = await upload(
        browser, award_id, "LĪG-77", today().isoformat(), ("ligums.pdf", pdf_bytes(), "application/pdf")
    )
    assert done.status_code == 302
    assert done.headers["location"] == f"/admin/awards?award={award_id}&done=signed"
    after = await browser.get(done.headers["location"])
    html = section(after.text, award_id)
    assert [text.split(", signed ")[0] for text in texts_of(html, "dd") if text.startswith("No.")] == [
        "No. LĪG-77"
    ]
    assert text_of(html, "td.number") == "€4,140.00"
    assert notice(after.text) == (
        "The agreement is recorded and the grantee is told by e-mail. Any advance is now due: mark it paid below once it is paid."
    )
    assert await award_status(award_id) == "agreement_signed"
    assert [(p["kind"], p["amount_cents"]) for p in await award_payments(award_id)] == [("advance", 414_000)]
    again = await upload(
        browser, award_id, "LĪG-78", today().isoformat(), ("ligums.pdf", pdf_bytes(), "application/pdf")
    )
    assert again.status_code == 409
    assert (
        text_of(again.text, "div.error-summary")
        == "An agreement can be recorded only for an award that is not signed yet."
    )


async def test_staff_pay_and_lower_payments_on_the_awards_page(client, make_client):
    award = await signed_award(client)
    award_id = award["award_id"]
    advance = (await award_payments(award_id))[0]
    browser = await staff_browser(make_client)
    no_reason = await post_form(
        browser, f"/admin/payments/{advance['id']}/lower", {"amount": "4000.00", "note": ""}
    )
    assert no_reason.status_code == 422
    assert field_error(no_reason.text, f"reason.{advance['id']}") == "This field is required."
    lowered = await post_form(
        browser, f"/admin/payments/{advance['id']}/lower", {"amount": "4000.00", "note": "Vienošanās"}
    )
    assert lowered.status_code == 302
    assert (await award_payments(award_id))[0]["amount_cents"] == 400_000
    future = await post_form(
        browser, f"/admin/payments/{advance['id']}/paid", {"paid_on": "2999-01-01", "note": ""}
    )
    assert future.status_code == 422
    assert "The date cannot be in the future." in texts_of(future.text, "p.error")
    paid = await post_form(
        browser,
        f"/admin/payments/{advance['id']}/paid",
        {"paid_on": today().isoformat(), "note": "Uzdevums 15"},
    )
    assert paid.status_code == 302
    html = section((await browser.get(paid.headers["location"])).text, award_id)
    assert text_of(html, "dd.award-status") == "In progress"
    assert text_of(html, "span.muted") == "Uzdevums 15"
    assert f"/admin/payments/{advance['id']}/paid" not in html  # nothing left to do with a paid payment
    twice = await post_form(
        browser, f"/admin/payments/{advance['id']}/paid", {"paid_on": today().isoformat(), "note": ""}
    )
    assert twice.status_code == 409
    assert (
        await post_form(browser, "/admin/payments/999999/paid", {"paid_on": today().isoformat()})
    ).status_code == 404


async def test_termination_asks_for_confirmation_and_a_reason(client, make_client):
    award = await signed_award(client)
    award_id = award["award_id"]
    browser = await staff_browser(make_client)
    confirm = await browser.get(f"/admin/awards/{award_id}/terminate")
    assert confirm.status_code == 200
    assert "These unpaid payments will be removed; payments already made stay as they are:" in texts_of(
        confirm.text, "p"
    )
    assert [item.split(", due ")[0] for item in texts_of(confirm.text, "ul#unpaid li")] == [
        "Advance: €4,140.00"
    ]
    assert await award_status(award_id) == "agreement_signed"  # looking changes nothing
    blank = await post_form(browser, f"/admin/awards/{award_id}/terminate", {"reason": ""})
    assert blank.status_code == 422
    assert text_of(blank.text, "#f-reason-error") == "This field is required."
    ended = await post_form(browser, f"/admin/awards/{award_id}/terminate", {"reason": "Nepilda līgumu."})
    assert ended.status_code == 302
    assert await award_status(award_id) == "terminated"
    assert await award_payments(award_id) == []
    html = section((await browser.get(ended.headers["location"])).text, award_id)
    assert text_of(html, "dd.pre") == "Nepilda līgumu."
    assert "Terminate the award" not in html
    closed = await browser.get(f"/admin/awards/{award_id}/terminate")
    assert "This award cannot be terminated: only a signed award that is not closed can be." in texts_of(
        closed.text, "p"
    )
    assert (
        await post_form(browser, f"/admin/awards/{award_id}/terminate", {"reason": "x"})
    ).status_code == 409


async def test_the_awards_page_filters_and_pages(client, make_client):
    signed = await signed_award(client)
    unsigned = await awarded_application(client)
    browser = await staff_browser(make_client)
    only_signed = await browser.get("/admin/awards", params={"status": "agreement_signed"})
    assert parse(only_signed.text).find(id=f"award-{signed['award_id']}") is not None
    assert f'id="award-{unsigned["award_id"]}"' not in only_signed.text
    by_call = await browser.get("/admin/awards", params={"call_id": unsigned["call_id"]})
    assert re.findall(r'<section class="apply-form" id="award-(\d+)"', by_call.text) == [
        str(unsigned["award_id"])
    ]
    total = await Award.count()
    last_page = -(-total // 20)
    page = await browser.get("/admin/awards", params={"page": last_page})
    shown = re.findall(r'<section class="apply-form" id="award-(\d+)"', page.text)
    assert len(shown) == total - 20 * (last_page - 1)


async def test_the_payment_register_page_lists_payments_with_the_csv_link(client, make_client):
    award = await signed_award(client)
    advance = (await award_payments(award["award_id"]))[0]
    browser = await staff_browser(make_client)
    page = await browser.get("/admin/payments", params={"call_id": award["call_id"]})
    assert page.status_code == 200
    row = table_rows(page.text, f"tr#payment-{advance['id']}")[0]
    assert row[1:4] == ["Not paid", "€4,140.00", "Advance"]
    assert f"/api/payments.csv?call_id={award['call_id']}" in links(page.text)
    csv_file = await browser.get(f"/api/payments.csv?call_id={award['call_id']}")
    assert csv_file.status_code == 200
    assert csv_file.text.count("\n") == 2  # the header and the one payment
    paid_only = await browser.get("/admin/payments", params={"call_id": award["call_id"], "status": "paid"})
    assert f'id="payment-{advance["id"]}"' not in paid_only.text
    assert "No payments match." in texts_of(paid_only.text, "p")


async def test_only_staff_reach_the_award_pages(client, make_client):
    award = await signed_award(client)
    advance = (await award_payments(award["award_id"]))[0]
    for role in (Role.applicant, Role.reviewer, Role.coordinator):
        browser = make_client()
        await login(
            browser, await make_user(role, municipality="LV-016" if role == Role.coordinator else None)
        )
        for url in ("/admin/awards", "/admin/payments", f"/admin/awards/{award['award_id']}/terminate"):
            assert (await browser.get(url)).status_code == 403
        refused = await post_form(
            browser, f"/admin/payments/{advance['id']}/paid", {"paid_on": today().isoformat()}
        )
        assert refused.status_code == 403
    anonymous = make_client()
    assert (await anonymous.get("/admin/awards")).status_code == 302
    assert (await award_payments(award["award_id"]))[0]["paid_on"] is None


async def test_the_back_office_links_to_the_award_pages(make_client):
    browser = await staff_browser(make_client)
    menu = links((await browser.get("/admin/")).text, "nav.back-office-nav a")
    assert {"/admin/awards", "/admin/payments", "/admin/data/"} <= set(menu)
    tables = (await browser.get("/admin/data/api/tables/")).json()
    assert {"agreement", "payment"} <= set(tables)


async def test_the_panel_shows_payments_read_only(client, make_client):
    award = await signed_award(client)
    advance = (await award_payments(award["award_id"]))[0]
    browser = await staff_browser(make_client)
    rows = (await browser.get(f"/admin/data/api/tables/payment/?award={award['award_id']}")).json()["rows"]
    assert [(r["id"], r["amount_cents"]) for r in rows] == [(advance["id"], "€4,140.00")]  # shown in euros
    if "csrftoken" not in browser.cookies:
        await browser.get("/admin/data/")
    csrf = {"X-CSRFToken": browser.cookies["csrftoken"]}
    url = f"/admin/data/api/tables/payment/{advance['id']}/"
    assert (await browser.patch(url, json={"amount_cents": 1}, headers=csrf)).status_code == 405
    assert (await browser.delete(url, headers=csrf)).status_code == 405
    assert (await award_payments(award["award_id"]))[0]["amount_cents"] == 414_000
