"""What the application's steps say at once: a budget whose total does not fit the call and a planned
event outside the project period are saved as a draft but shown on the step right after the save
(and refused at submission), naming the sums and the event; every error of a step comes in one
answer, each naming its row or field in the summary."""

from __future__ import annotations

from datetime import date

import pytest

from grants.applications import rules
from grants.core.i18n import get_language, set_language
from tests.factories.accounts import post_form
from tests.factories.applications import (
    PROJECT,
    api_draft,
    applicant,
    complete_application,
    events_form,
    stored,
)
from tests.factories.calls import published_call
from tests.html import attrs_of, error_summary, field_error, text_of, texts_of

pytestmark = pytest.mark.integration


def _lines(*amounts: str) -> dict[str, str]:
    form: dict[str, str] = {}
    for i, amount in enumerate(amounts):
        form |= {
            f"budget_lines.{i}.category": "services",
            f"budget_lines.{i}.description": f"Pakalpojums {i + 1}",
            f"budget_lines.{i}.quantity": "1",
            f"budget_lines.{i}.unit_cost": amount,
        }
    return form


async def test_budget_over_the_cap_is_saved_and_shown_on_the_budget_step_at_once(client):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, **PROJECT)
    saved = await post_form(client, f"/my/applications/{application_id}/budget", _lines("2400.00", "2400.00"))
    # Saved, but back to the budget step rather than on to the attachments.
    assert (saved.status_code, saved.headers["location"]) == (
        302,
        f"/my/applications/{application_id}/budget",
    )
    assert (await stored(client, application_id, headers))["requested_amount"] == "4800.00"
    page = await client.get(saved.headers["location"])
    message = "The budget lines total €4,800.00, more than the €4,600.00 allowed."
    assert text_of(page.text, "#warnings h2") == "Saved, but not ready to submit"
    assert texts_of(page.text, "#warnings li") == [message]
    assert attrs_of(page.text, "#warnings li a", "href") == ["#f-requested_amount"]
    assert text_of(page.text, "#f-requested_amount + p.error") == message


async def test_fixed_amount_budget_short_of_it_names_both_sums_and_a_right_one_goes_on(client):
    call = await published_call(client, fixed_amount=True)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, **PROJECT)
    url = f"/my/applications/{application_id}/budget"
    short = await post_form(client, url, _lines("4000.00", "599.99"))
    assert short.headers["location"] == url
    assert texts_of((await client.get(url)).text, "#warnings li") == [
        "The budget lines total €4,599.99; the budget must total exactly €4,600.00."
    ]
    right = await post_form(client, url, _lines("4000.00", "600.00"))
    assert right.headers["location"] == f"/my/applications/{application_id}/attachments?done=saved"
    assert texts_of((await client.get(url)).text, "#warnings li") == []


async def test_event_outside_the_project_period_is_named_on_save_and_refused_at_submission(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    fields = complete_application(school)
    del fields["planned_events"]
    application_id = await api_draft(client, call["id"], headers, **fields)
    form = events_form(school) | {
        "planned_events.1.school": school,
        "planned_events.1.kind": "workshop",
        "planned_events.1.title": "Noslēguma pasākums",
        "planned_events.1.planned_date": "2027-06-15",
        "planned_events.1.expected_participants": "30",
    }
    saved = await post_form(client, f"/my/applications/{application_id}/events", form)
    assert (saved.status_code, saved.headers["location"]) == (
        302,
        f"/my/applications/{application_id}/events",
    )
    message = "Event 2 “Noslēguma pasākums” is dated Jun 15, 2027, outside the project period (Mar 1, 2027 – May 31, 2027)."
    page = await client.get(saved.headers["location"])
    assert texts_of(page.text, "#warnings li") == [message]
    assert attrs_of(page.text, "#warnings li a", "href") == ["#f-planned_events.1.planned_date"]
    assert len((await stored(client, application_id, headers))["planned_events"]) == 2  # the draft keeps it
    refused = await client.post(f"/api/applications/{application_id}/submit", headers=headers)
    assert refused.status_code == 422
    assert refused.json()["extra"] == {"planned_events.1.planned_date": message}
    # The review step links the problem to its row.
    review = await client.get(f"/my/applications/{application_id}/review")
    assert f"/my/applications/{application_id}/events#f-planned_events.1.planned_date" in attrs_of(
        review.text, "a", "href"
    )


async def test_project_step_reports_a_missing_title_and_a_backwards_period_at_once(client):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    form = PROJECT | {"title": " ", "start_date": "2027-05-31", "end_date": "2027-03-01"}
    response = await post_form(client, f"/my/applications/{application_id}/project", form)
    assert response.status_code == 422
    assert error_summary(response.text) == [
        "Project title: give the project a title (up to 300 characters).",
        "End date: the project must end after it starts.",
    ]
    assert field_error(response.text, "end_date") == "The project must end after it starts."


async def test_event_rows_errors_are_named_by_number_and_title_in_the_summary(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, **PROJECT)
    form = events_form(school) | {
        "planned_events.0.school": "",
        "planned_events.1.kind": "workshop",
        "planned_events.1.planned_date": "2027-04-01",
    }
    response = await post_form(client, f"/my/applications/{application_id}/events", form)
    assert response.status_code == 422
    assert error_summary(response.text) == [
        "Event 2: name the event in up to 300 characters.",
        "Event 1 “Nometne”: choose a school from the register.",
        "Event 2: choose a school from the register.",
    ]


@pytest.mark.unit
def test_budget_and_event_messages_in_latvian_use_its_money_and_date_words():
    call = {"fixed_amount": False, "max_amount_cents": 460000}
    before = get_language()
    set_language("lv")
    try:
        over = rules.budget_problem(480000, call)
        outside = rules.event_date_problems(
            [{"title": "Nometne", "planned_date": date(2027, 6, 15)}], date(2027, 3, 1), date(2027, 5, 31)
        )
    finally:
        set_language(before)
    assert over == "Budžeta pozīciju kopsumma ir 4\xa0800,00\xa0€, vairāk nekā atļautie 4\xa0600,00\xa0€."
    assert outside == {
        "planned_events.0.planned_date": "1. pasākuma «Nometne» datums (2027. gada 15. jūn.) ir ārpus "
        "projekta laika (2027. gada 1. marts – 2027. gada 31. maijs)."
    }
