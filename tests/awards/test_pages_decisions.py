"""Decisions explained in the portal: an ineligible application's failed criteria and the staff's note,
a rejected one's failing rules as the ranking counts them, the call's appeal route; nobody else's."""

from __future__ import annotations

import pytest

from grants.accounts.queries import load_principal, user_id_by_email
from grants.applications.service import drafts, submission
from grants.calls import service as calls
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.scoring import service as scoring
from tests.factories.accounts import (
    login,
    make_user,
    post_form,
    register_applicant,
    registered,
    staff_browser,
    unique_email,
)
from tests.factories.applications import complete_application
from tests.factories.awards import REVIEWER_NAME, TOP, member_of, scored_call, statuses
from tests.factories.calls import call_payload
from tests.factories.registry import make_school
from tests.html import links, text_of, texts_of

pytestmark = pytest.mark.integration

APPEAL = "Lēmumu var apstrīdēt Bauskas novada domē viena mēneša laikā no tā paziņošanas."


async def ineligible_application(note: str) -> tuple[int, str]:
    """A submitted application that staff found ineligible (A1 not met) with `note`; (id, member's e-mail)."""
    staff = await load_principal(await user_id_by_email(await make_user(Role.staff)))
    call_id = await calls.create_call(call_payload(), staff)
    await calls.publish(call_id, staff)
    email = unique_email("ngo")
    user_id, _ = await registered(email)
    applicant = await load_principal(user_id)
    created = await drafts.create_draft(call_id, applicant, "Projekts")
    await drafts.update_application(created["id"], applicant, complete_application(await make_school()))
    await submission.submit(created["id"], applicant)
    assert await scoring.check_eligibility(created["id"], staff, {"A1": False}, note) == "ineligible"
    await Call.update({Call.appeal_route: APPEAL}).where(Call.id == call_id)
    return created["id"], email


async def rejected_call(client, make_client, sheet: dict[str, int], threshold: str = "20") -> tuple[int, int]:
    """A call where the best application is awarded and `sheet`'s application rejected; (call id, rejected id)."""
    best = {"K1": 10, "K2": 10}  # 30: passes either threshold
    call_id, apps, _, _ = await scored_call(client, [best, sheet], budget="9200.00", quota=2)
    await Call.update({Call.score_threshold: threshold}).where(Call.id == call_id)
    staff = await staff_browser(make_client)
    assert (await post_form(staff, f"/admin/calls/{call_id}/awards/auto", {})).status_code == 302
    assert await statuses(apps) == ["awarded", "rejected"]
    return call_id, apps[1]


async def test_an_ineligible_application_shows_the_failed_criteria_the_note_and_the_appeal(
    client, make_client
):
    application_id, email = await ineligible_application("Statūtos nav minēts darbs ar jaunatni.")
    browser = make_client()
    await login(browser, email)
    index = await browser.get("/my/")
    assert f"/my/applications/{application_id}/decision" in links(index.text)
    own_page = await browser.get(f"/my/applications/{application_id}/review")
    assert f"/my/applications/{application_id}/decision" in links(own_page.text)

    page = await browser.get(f"/my/applications/{application_id}/decision")
    assert page.status_code == 200
    assert text_of(page.text, "#decision-status") == "Not eligible"
    assert texts_of(page.text, "ul#failed-criteria li") == ["A1 Iesniedzējs ir biedrība vai nodibinājums"]
    assert text_of(page.text, "#eligibility-note") == "Statūtos nav minēts darbs ar jaunatni."
    assert text_of(page.text, "#appeal-route") == APPEAL


async def test_a_rejected_application_shows_the_criterion_below_its_minimum(client, make_client):
    # 2 × 9 + 2 = 20 reaches the threshold of 20, but K2's 2 is below its minimum of 3.
    call_id, rejected = await rejected_call(client, make_client, {"K1": 9, "K2": 2})
    browser = make_client()
    await login(browser, await member_of(rejected))
    page = await browser.get(f"/my/applications/{rejected}/decision")
    assert page.status_code == 200
    assert text_of(page.text, "#decision-status") == "Not funded"
    assert texts_of(page.text, "ul#failing-rules li") == ["K2: 2 < 3 minimum"]
    assert REVIEWER_NAME not in page.text
    assert text_of(page.text, "#appeal-route") is None  # the call defines no appeal route: nothing shown


async def test_a_rejected_total_below_the_threshold_reads_kopa_in_latvian(client, make_client):
    # 2 × 9 + 9 = 27 against a threshold of 30; K2's 9 is above its minimum.
    call_id, rejected = await rejected_call(client, make_client, {"K1": 9, "K2": 9}, threshold="30")
    await Call.update({Call.appeal_route: APPEAL}).where(Call.id == call_id)
    browser = make_client(language="lv")
    await login(browser, await member_of(rejected))
    page = await browser.get(f"/my/applications/{rejected}/decision")
    assert texts_of(page.text, "ul#failing-rules li") == ["kopā 27 < 30"]
    assert text_of(page.text, "#appeal-route") == APPEAL


async def test_another_organisations_decision_is_not_visible(client, make_client):
    application_id, _ = await ineligible_application("LEAK-NOTE")
    other_email, _ = await register_applicant(client)
    other = make_client()
    await login(other, other_email)
    response = await other.get(f"/my/applications/{application_id}/decision")
    assert response.status_code == 404
    assert "LEAK-NOTE" not in response.text


async def test_an_application_without_a_negative_decision_has_no_decision_page(client, make_client):
    call_id, apps, _, _ = await scored_call(client, [TOP], budget="4600.00", quota=1)
    browser = make_client()
    await login(browser, await member_of(apps[0]))
    assert (await browser.get(f"/my/applications/{apps[0]}/decision")).status_code == 404
