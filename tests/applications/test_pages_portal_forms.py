"""The applicant portal's forms without JavaScript: what was typed comes back with the errors, rows are added,
the review step links each problem to its step, and a post without the CSRF token is refused."""

from __future__ import annotations

import pytest

from tests.factories.accounts import post_form
from tests.factories.applications import (
    PROJECT,
    api_draft,
    applicant,
    events_form,
    stored,
)
from tests.factories.calls import published_call
from tests.html import (
    attr_of,
    error_summary,
    field_error,
    input_value,
    parse,
    selected_option,
    text_of,
    textarea_value,
)

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("unit_cost", ["12,345", "abc"])
async def test_bad_unit_cost_comes_back_with_what_was_typed(client, unit_cost):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    form = {
        **{f"budget_lines.0.{f}": "" for f in ("category", "description", "quantity", "unit_cost")},
        "budget_lines.1.category": "materials",
        "budget_lines.1.description": "Krāsas <un> otas",
        "budget_lines.1.quantity": "3",
        "budget_lines.1.unit_cost": unit_cost,
    }
    response = await post_form(client, f"/my/applications/{application_id}/budget", form)
    assert response.status_code == 422
    # The row is the second on the page: the blank first row does not shift the message.
    assert (
        field_error(response.text, "budget_lines.1.unit_cost") == "Enter the unit cost in euros, e.g. 120.50."
    )
    assert input_value(response.text, "budget_lines.1.unit_cost") == unit_cost
    assert input_value(response.text, "budget_lines.1.description") == "Krāsas <un> otas"
    assert selected_option(response.text, "budget_lines.1.category") == "materials"
    assert error_summary(response.text) == [
        "Budget line 2 “Krāsas <un> otas”: enter the unit cost in euros, e.g. 120.50."
    ]
    assert attr_of(response.text, ".error-summary li a", "href") == "#f-budget_lines.1.unit_cost"
    assert (await stored(client, application_id, headers))["budget_lines"] == []


async def test_project_dates_outside_the_calls_limits_are_refused(client):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    form = PROJECT | {"end_date": "2027-05-30", "summary": "Mans <b>teksts</b>\nar rindām"}
    response = await post_form(client, f"/my/applications/{application_id}/project", form)
    assert response.status_code == 422
    assert field_error(response.text, "end_date") == "The project must last 3 to 18 months."
    assert input_value(response.text, "end_date") == "2027-05-30"
    assert textarea_value(response.text, "summary") == "Mans <b>teksts</b>\nar rindām"
    body = await stored(client, application_id, headers)
    assert (body["title"], body["summary"], body["end_date"]) == ("Projekts", "", None)
    fixed = await post_form(client, f"/my/applications/{application_id}/project", PROJECT)
    assert fixed.status_code == 302
    assert (await stored(client, application_id, headers))["end_date"] == "2027-05-31"


async def test_unknown_school_is_shown_on_its_row(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    form = events_form(school) | {"planned_events.2.school": "0000000000", "planned_events.2.title": "Cits"}
    response = await post_form(client, f"/my/applications/{application_id}/events", form)
    assert response.status_code == 422
    assert field_error(response.text, "planned_events.2.school") == "Choose a school from the register."
    assert field_error(response.text, "planned_events.2.kind") == "Choose the kind of event."
    assert input_value(response.text, "planned_events.2.title") == "Cits"
    assert (await stored(client, application_id, headers))["planned_events"] == []


async def test_save_and_add_more_rows(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    form = events_form(school) | {"action": "more"}
    response = await post_form(client, f"/my/applications/{application_id}/events", form)
    assert response.headers["location"] == f"/my/applications/{application_id}/events?blank=5&done=saved"
    page = await client.get(response.headers["location"])
    assert page.text.count('name="planned_events.') == (1 + 5) * 5
    assert len((await stored(client, application_id, headers))["planned_events"]) == 1


async def test_review_links_each_problem_to_the_step_that_fixes_it(client):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    review = await client.get(f"/my/applications/{application_id}/review")
    base = f"/my/applications/{application_id}"
    for step, field, message in [
        ("project", "summary", "Summarise the project."),
        ("project", "objectives", "Describe the objectives."),
        ("project", "start_date", "Give the start and end date of the project."),
        ("events", "planned_events", "Plan at least one event in a school."),
        ("budget", "budget_lines", "Add the budget lines of the project."),
    ]:
        assert text_of(review.text, f'a[href="{base}/{step}#f-{field}"]') == message
        target = await client.get(f"{base}/{step}")
        assert parse(target.text).find(id=f"f-{field}") is not None
    assert f'action="{base}/submit"' not in review.text
    assert review.text.count('<span class="tag">to do</span>') == 3
    refused = await post_form(client, f"{base}/submit", {})
    assert refused.status_code == 422
    assert text_of(refused.text, "div.error-summary") == "The application is not complete yet."
    assert (await stored(client, application_id, headers))["status"] == "draft"


async def test_form_post_without_csrf_token_is_refused(client):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    response = await client.post(f"/my/applications/{application_id}/project", data=PROJECT)
    assert response.status_code == 403
    assert (await stored(client, application_id, headers))["summary"] == ""


@pytest.mark.parametrize("index", ["500", "99999999"])
async def test_budget_row_beyond_the_form_is_refused_and_the_saved_lines_stay(client, index):
    """A hand-made post whose only row is beyond any form's: refused, not read as "no lines"."""
    call = await published_call(client)
    headers = await applicant(client)
    line = {"category": "services", "description": "Nometnes vadītāji", "quantity": 1, "unit_cost": "4600.00"}
    application_id = await api_draft(client, call["id"], headers, budget_lines=[line])
    lines_before = (await stored(client, application_id, headers))["budget_lines"]
    assert lines_before != []
    form = {
        f"budget_lines.{index}.category": "materials",
        f"budget_lines.{index}.description": "Krāsas",
        f"budget_lines.{index}.quantity": "1",
        f"budget_lines.{index}.unit_cost": "1",
    }
    response = await post_form(client, f"/my/applications/{application_id}/budget", form)
    assert response.status_code == 422
    assert text_of(response.text, "main p.lead") == "The form has more rows than it can take."
    assert (await stored(client, application_id, headers))["budget_lines"] == lines_before
