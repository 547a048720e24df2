"""The award decision on the staff's ranking page: award one, award down the ranking, the next reserve."""

from __future__ import annotations

import pytest

from grants.applications.tables import Application
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.core.money import parse_cents
from tests.factories.accounts import login, make_user, post_form, register_applicant, staff_browser
from tests.factories.awards import FAILS, SECOND, THIRD, TOP, live_awards, scored_call, statuses
from tests.html import attr_of, field_error, form_actions, notice, parse, text_of, texts_of

pytestmark = pytest.mark.integration


async def references(apps: list[int]) -> list[str]:
    rows = await Application.select(Application.id, Application.reference).where(Application.id.is_in(apps))
    by_id = {r["id"]: r["reference"] for r in rows}
    return [by_id[a] for a in apps]


async def test_ranking_shows_an_award_form_per_awardable_application(client, make_client):
    call_id, apps, _, _ = await scored_call(client, [TOP, FAILS], budget="9200.00", quota=2)
    staff = await staff_browser(make_client)
    page = await staff.get(f"/admin/calls/{call_id}/ranking")
    assert page.status_code == 200
    assert (
        text_of(page.text, f'a.button[href="/admin/calls/{call_id}/awards/auto"]') == "Award down the ranking"
    )
    assert "Awarded so far: €0.00 of €9,200.00; 0 of 2 projects." in texts_of(page.text, "p")
    for application_id in apps:
        hidden = parse(page.text).find("input", attrs={"type": "hidden", "value": str(application_id)})
        assert hidden["name"] == "application_id"
        amount = f'input[id="f-amount.{application_id}"][name="amount"][inputmode="decimal"]'
        assert attr_of(page.text, amount, "value") == "4600.00"
    assert "Award the next reserve" not in page.text  # nobody is on the reserve list yet


async def test_award_down_the_ranking_says_what_will_happen_then_does_it(client, make_client):
    call_id, apps, _, _ = await scored_call(client, [FAILS, TOP, THIRD, SECOND], budget="9200.00", quota=2)
    refs = await references(apps)
    staff = await staff_browser(make_client)
    confirm = await staff.get(f"/admin/calls/{call_id}/awards/auto")
    assert confirm.status_code == 200
    assert texts_of(confirm.text, "ul#plan-awarded li") == [
        f"1. {refs[1]} – Piedzīvojumu nometne: €4,600.00",
        f"2. {refs[3]} – Piedzīvojumu nometne: €4,600.00",
    ]
    assert texts_of(confirm.text, "ul#plan-reserve li") == [f"3. {refs[2]} – Piedzīvojumu nometne"]
    assert texts_of(confirm.text, "ul#plan-rejected li") == [f"4. {refs[0]} – Piedzīvojumu nometne"]
    assert "Left now: €9,200.00 of €9,200.00 and 2 of 2 projects." in texts_of(confirm.text, "p")
    assert await live_awards(call_id) == []  # the confirmation page changes nothing

    done = await post_form(staff, f"/admin/calls/{call_id}/awards/auto", {})
    assert (done.status_code, done.headers["location"]) == (
        302,
        f"/admin/calls/{call_id}/ranking?done=auto&awarded=2&reserve=1&rejected=1",
    )
    assert await statuses(apps) == ["rejected", "awarded", "reserve", "awarded"]
    page = await staff.get(done.headers["location"])
    assert notice(page.text) == (
        "Awarded down the ranking: 2 projects. On the reserve list: 1; rejected: 1. The call is decided."
    )
    assert "Awarded so far: €9,200.00 of €9,200.00; 2 of 2 projects." in texts_of(page.text, "p")
    # Only the reserve application is still awardable; the next reserve does not fit the quota: 409.
    assert len(parse(page.text).find_all("input", attrs={"name": "application_id"})) == 1
    refused = await post_form(staff, f"/admin/calls/{call_id}/awards/next-reserve", {})
    assert refused.status_code == 409
    assert (
        text_of(refused.text, 'div.error-summary[role="alert"] > p')
        == "The call's quota of 2 award(s) is used up."
    )
    assert await live_awards(call_id) == [(apps[1], 460_000), (apps[3], 460_000)]


async def test_a_lower_amount_needs_a_reason_next_to_the_field_then_is_awarded(client, make_client):
    call_id, apps, _, _ = await scored_call(client, [TOP, SECOND], budget="9200.00", quota=2)
    staff = await staff_browser(make_client)
    target = apps[1]
    url = f"/admin/calls/{call_id}/awards"
    refused = await post_form(staff, url, {"application_id": str(target), "amount": "4000.00", "reason": ""})
    assert refused.status_code == 422
    assert field_error(refused.text, f"reason.{target}") == "Give the reason for changing the amount."
    assert attr_of(refused.text, f'input[id="f-amount.{target}"][name="amount"]', "value") == "4000.00"
    assert await live_awards(call_id) == []

    form = {"application_id": str(target), "amount": "4000.00", "reason": "Nometnes izmaksas mazākas."}
    made = await post_form(staff, url, form)
    assert (made.status_code, made.headers["location"]) == (
        302,
        f"/admin/calls/{call_id}/ranking?done=awarded&application={target}#app-{target}",
    )
    page = await staff.get(made.headers["location"])
    assert notice(page.text) == f"{(await references([target]))[0]} is awarded."
    assert await live_awards(call_id) == [(target, 400_000)]


async def test_an_award_over_the_budget_shows_the_services_message_with_409(client, make_client):
    call_id, apps, _, _ = await scored_call(client, [TOP, SECOND], budget="4600.00", quota=2)
    staff = await staff_browser(make_client)
    url = f"/admin/calls/{call_id}/awards"
    assert (await post_form(staff, url, {"application_id": str(apps[0])})).status_code == 302
    refused = await post_form(staff, url, {"application_id": str(apps[1])})
    assert refused.status_code == 409
    assert text_of(refused.text, "div.error-summary > p") == (
        "An award of €4,600.00 would exceed the call's budget: €0.00 of €4,600.00 remain."
    )
    assert await live_awards(call_id) == [(apps[0], 460_000)]


async def test_award_the_next_reserve_when_the_budget_allows(client, make_client):
    call_id, apps, _, _ = await scored_call(client, [TOP, SECOND], budget="4600.00", quota=2)
    staff = await staff_browser(make_client)
    await post_form(staff, f"/admin/calls/{call_id}/awards/auto", {})
    assert await statuses(apps) == ["awarded", "reserve"]
    await Call.update({Call.budget_cents: parse_cents("9200.00")}).where(Call.id == call_id)
    page = await staff.get(f"/admin/calls/{call_id}/ranking")
    assert f"/admin/calls/{call_id}/awards/next-reserve" in form_actions(page.text)
    made = await post_form(staff, f"/admin/calls/{call_id}/awards/next-reserve", {})
    assert made.headers["location"] == (
        f"/admin/calls/{call_id}/ranking?done=reserve&application={apps[1]}#app-{apps[1]}"
    )
    after = await staff.get(made.headers["location"])
    assert notice(after.text) == f"{(await references([apps[1]]))[0]} from the reserve list is awarded."
    assert await live_awards(call_id) == [(apps[0], 460_000), (apps[1], 460_000)]


async def test_an_open_call_shows_no_award_forms_and_refuses_with_409(client, make_client):
    call_id, apps, _, _ = await scored_call(client, [TOP], budget="4600.00", quota=1, close=False)
    staff = await staff_browser(make_client)
    page = await staff.get(f"/admin/calls/{call_id}/ranking")
    assert "Awards are made after the call's deadline and before it is archived." in texts_of(page.text, "p")
    assert 'name="application_id"' not in page.text
    refused = await post_form(staff, f"/admin/calls/{call_id}/awards", {"application_id": str(apps[0])})
    assert refused.status_code == 409
    assert await live_awards(call_id) == []


async def test_an_application_of_another_call_is_404(client, make_client):
    call_id, _, _, _ = await scored_call(client, [TOP], budget="4600.00", quota=1)
    _, others, _, _ = await scored_call(client, [TOP], budget="4600.00", quota=1)
    staff = await staff_browser(make_client)
    response = await post_form(staff, f"/admin/calls/{call_id}/awards", {"application_id": str(others[0])})
    assert response.status_code == 404
    assert await live_awards(call_id) == []


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
async def test_only_staff_reach_the_award_buttons(client, make_client, role):
    call_id, apps, _, _ = await scored_call(client, [TOP], budget="4600.00", quota=1)
    other = make_client()
    if role == "applicant":
        email, _ = await register_applicant(other)
    else:
        email = await make_user(Role.reviewer)
    await login(other, email)
    assert (await other.get(f"/admin/calls/{call_id}/awards/auto")).status_code == 403
    for path, form in [
        ("awards", {"application_id": str(apps[0])}),
        ("awards/auto", {}),
        ("awards/next-reserve", {}),
    ]:
        response = await post_form(other, f"/admin/calls/{call_id}/{path}", form)
        assert response.status_code == 403, path
    assert await live_awards(call_id) == []
    assert await statuses(apps) == ["in_review"]
