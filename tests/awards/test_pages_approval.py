"""The approval pages: national staff approve or return a call's award decision (each after a
confirmation page), municipal staff read the banner and their queue, the grantee reads that the
decision awaits approval; the agreement form waits for it."""

from __future__ import annotations

import pytest

from grants.awards.tables import DecisionReview
from grants.core.auth import Role
from tests.factories.accounts import login, make_user, post_form
from tests.factories.awards import award_status, awarded_application, member_of
from tests.html import error_summary, notice, text_of

pytestmark = pytest.mark.integration


async def browser_of(make_client, email: str):
    browser = make_client()
    await login(browser, email)
    return browser


async def review_count(call_id: int) -> int:
    return await DecisionReview.count().where(DecisionReview.call == call_id)


async def test_national_staff_approve_after_the_confirmation(client, make_client):
    award = await awarded_application(client, requires_approval=True)
    national = await browser_of(make_client, await make_user(Role.staff))
    page = await national.get(f"/admin/calls/{award['call_id']}/approval")
    assert page.status_code == 200
    assert text_of(page.text, "#summary [data-key=awarded]") == "1"
    assert text_of(page.text, "#summary [data-key=waiting]") == "1 award, €4,600.00"
    assert text_of(page.text, "#history") is None  # no approval or return yet
    confirm = await post_form(
        national,
        f"/admin/calls/{award['call_id']}/approval/confirm",
        {"outcome": "approved", "comment": "Labi."},
    )
    assert confirm.status_code == 200
    assert text_of(confirm.text, "h1") == "Approve the decision?"
    assert text_of(confirm.text, "#comment") == "Labi."
    assert await award_status(award["award_id"]) == "awarded"  # the confirmation writes nothing
    done = await post_form(
        national, f"/admin/calls/{award['call_id']}/approval", {"outcome": "approved", "comment": "Labi."}
    )
    assert (done.status_code, done.headers["location"]) == (
        302,
        f"/admin/approvals?done=approved&call={award['call_id']}",
    )
    assert await award_status(award["award_id"]) == "approved"
    listed = await national.get(done.headers["location"])
    assert notice(listed.text) == "The award decision of “Jauniešu iniciatīvu projektu konkurss” is approved."
    assert text_of(listed.text, f"#waiting-{award['call_id']}") is None
    assert (
        text_of(listed.text, "#recent li[data-outcome=approved] a") == "Jauniešu iniciatīvu projektu konkurss"
    )


async def test_a_return_without_a_comment_is_refused_on_the_first_step_keeping_nothing_written(
    client, make_client
):
    award = await awarded_application(client, requires_approval=True)
    national = await browser_of(make_client, await make_user(Role.staff))
    refused = await post_form(
        national,
        f"/admin/calls/{award['call_id']}/approval/confirm",
        {"outcome": "returned", "comment": "  "},
    )
    assert refused.status_code == 422
    assert error_summary(refused.text) == ["Say why the decision is returned."]
    too_long = "x" * 2001
    refused = await post_form(
        national,
        f"/admin/calls/{award['call_id']}/approval/confirm",
        {"outcome": "returned", "comment": too_long},
    )
    assert refused.status_code == 422
    assert text_of(refused.text, "textarea[id='f-comment.returned']") == too_long  # kept as typed
    assert error_summary(refused.text) == ["At most 2000 characters."]
    assert await review_count(award["call_id"]) == 0


async def test_municipal_staff_see_the_banner_and_no_agreement_form_while_pending(client, make_client):
    award = await awarded_application(client, requires_approval=True)
    municipal_email = await make_user(Role.staff, "LV-016")
    municipal = await browser_of(make_client, municipal_email)
    ranking = await municipal.get(f"/admin/calls/{award['call_id']}/ranking")
    assert text_of(ranking.text, ".approval-banner strong") == "Awaiting national approval."
    awards = await municipal.get(f"/admin/awards?call_id={award['call_id']}")
    assert f"/admin/awards/{award['award_id']}/agreement" not in awards.text
    assert text_of(awards.text, f"#awaiting-{award['award_id']}") == (
        "Awaiting national approval: the agreement can be recorded once national programme staff "
        "approve the award decision."
    )
    refused = await municipal.get(f"/admin/calls/{award['call_id']}/approval")
    assert refused.status_code == 403
    national = await browser_of(make_client, await make_user(Role.staff))
    await post_form(
        national,
        f"/admin/calls/{award['call_id']}/approval",
        {"outcome": "returned", "comment": "Pārskaitiet <b>punktus</b>."},
    )
    ranking = await municipal.get(f"/admin/calls/{award['call_id']}/ranking")
    assert text_of(ranking.text, ".approval-comment") == "Pārskaitiet <b>punktus</b>."  # escaped, as typed
    home = await municipal.get("/admin/")
    # This call among the returned decisions of LV-016 (other tests' calls of LV-016 may be there too).
    assert (
        text_of(home.text, f"#queue-returned a[href='/admin/calls/{award['call_id']}/ranking']") is not None
    )
    await post_form(
        national, f"/admin/calls/{award['call_id']}/approval", {"outcome": "approved", "comment": ""}
    )
    ranking = await municipal.get(f"/admin/calls/{award['call_id']}/ranking")
    assert (text_of(ranking.text, ".approval-banner strong") or "").startswith("Approved on ")
    awards = await municipal.get(f"/admin/awards?call_id={award['call_id']}")
    assert f"/admin/awards/{award['award_id']}/agreement" in awards.text


async def test_the_approvals_page_and_queue_are_for_national_staff(client, make_client):
    award = await awarded_application(client, requires_approval=True)
    national = await browser_of(make_client, await make_user(Role.staff))
    page = await national.get("/admin/approvals")
    row = text_of(page.text, f"#waiting-{award['call_id']}")
    assert row is not None and "Jauniešu iniciatīvu projektu konkurss" in row and "€4,600.00" in row
    assert text_of(page.text, "nav.back-office-nav a[href='/admin/approvals']") == "Approvals"
    home = await national.get("/admin/")
    assert int(text_of(home.text, "#queue-approvals .count") or 0) >= 1
    assert f"/admin/calls/{award['call_id']}/approval" in home.text
    municipal = await browser_of(make_client, await make_user(Role.staff, "LV-016"))
    assert (await municipal.get("/admin/approvals")).status_code == 403
    home = await municipal.get("/admin/")
    assert "/admin/approvals" not in home.text
    assert text_of(home.text, "#queue-approvals") is None


async def test_the_grantee_reads_that_the_decision_awaits_approval(client, make_client):
    award = await awarded_application(client, requires_approval=True)
    grantee = await browser_of(make_client, await member_of(award["application_id"]))
    page = await grantee.get(f"/my/applications/{award['application_id']}/decision")
    assert page.status_code == 200
    assert text_of(page.text, "#approval-pending strong") == "The decision awaits national approval."
    national = await browser_of(make_client, await make_user(Role.staff))
    await post_form(
        national, f"/admin/calls/{award['call_id']}/approval", {"outcome": "approved", "comment": ""}
    )
    page = await grantee.get(f"/my/applications/{award['application_id']}/decision")
    assert text_of(page.text, "#approval-approved strong") == "The decision is approved nationally."
    plain = await awarded_application(client)
    other = await browser_of(make_client, await member_of(plain["application_id"]))
    assert (await other.get(f"/my/applications/{plain['application_id']}/decision")).status_code == 404


async def test_the_decision_page_writes_scores_as_the_language_does(make_client):
    from grants.calls.tables import Call
    from tests.factories.scoring import scored_call

    call_id, apps, _staff = await scored_call()
    await Call.update({Call.requires_approval: True}).where(Call.id == call_id)
    latvian = make_client(language="lv")
    await login(latvian, await make_user(Role.staff))
    page = await latvian.get(f"/admin/calls/{call_id}/approval")
    assert page.status_code == 200
    # apps[1]: K1 8 × weight 2 + K2 4 = 20; apps[3]: 6 × 2 + 4 = 16.
    assert text_of(page.text, f"#app-{apps[1]} td:nth-of-type(4)") == "20,00"
    assert text_of(page.text, f"#app-{apps[3]} td:nth-of-type(4)") == "16,00"
    assert text_of(page.text, f"#app-{apps[4]} td:nth-of-type(4)") == "—"
    english = await browser_of(make_client, await make_user(Role.staff))
    page = await english.get(f"/admin/calls/{call_id}/approval")
    assert text_of(page.text, f"#app-{apps[1]} td:nth-of-type(4)") == "20.00"


async def test_a_call_without_approval_shows_no_waiting_line(client, make_client):
    award = await awarded_application(client)  # requires_approval False
    national = await browser_of(make_client, await make_user(Role.staff))
    page = await national.get(f"/admin/calls/{award['call_id']}/approval")
    assert page.status_code == 200
    assert text_of(page.text, "#not-required") == (
        "This call does not require national approval of its award decision."
    )
    assert text_of(page.text, "#summary [data-key=waiting]") is None
    assert text_of(page.text, "#summary [data-key=awarded]") == "1"


async def test_the_approvals_notice_takes_only_an_id_within_range(client, make_client):
    award = await awarded_application(client, requires_approval=True)
    national = await browser_of(make_client, await make_user(Role.staff))
    await post_form(
        national, f"/admin/calls/{award['call_id']}/approval", {"outcome": "approved", "comment": ""}
    )
    for call in ("9999999999", "2147483648", "0", "²"):
        page = await national.get(f"/admin/approvals?done=approved&call={call}")
        assert page.status_code == 200, call
        assert notice(page.text) is None
    page = await national.get(f"/admin/approvals?done=approved&call={award['call_id']}")
    assert notice(page.text) == "The award decision of “Jauniešu iniciatīvu projektu konkurss” is approved."
