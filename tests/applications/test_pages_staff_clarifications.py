"""Clarification (precizēšana) from the back office: staff ask on /admin/applications/{id}/clarification,
the applicant is mailed and sees a banner in the portal, answers, and the staff member is mailed back.
Real SMTP (the `smtp` fixture) for the mails; the pages as a browser without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.applications.forms import default_due_date, read_due
from grants.applications.tables import Application, Clarification
from grants.core.auth import Role
from grants.core.errors import ValidationFailed
from grants.core.time import format_riga, riga_local, riga_today
from grants.settings import get_settings
from tests.factories.accounts import login, make_user, post_form
from tests.factories.applications import api_draft, applicant, complete_application
from tests.factories.calls import published_call
from tests.factories.smtp import body_text, delivered_to
from tests.html import (
    definitions,
    error_summary,
    field_error,
    form_actions,
    input_value,
    notice,
    text_of,
    texts_of,
)

pytestmark = pytest.mark.integration

QUESTION = "Precizējiet, cik skolēnu brauks ar autobusu."


async def submitted_application(client, school, **call) -> tuple[int, dict]:
    """A call and an application of a new organisation submitted to it; the applicant is logged in
    on `client`. Returns (application id, the applicant's bearer headers)."""
    found = await published_call(client, **call)
    headers = await applicant(client)
    application_id = await api_draft(client, found["id"], headers, **complete_application(school))
    assert (
        await client.post(f"/api/applications/{application_id}/submit", headers=headers)
    ).status_code == 200
    return application_id, headers


async def staff_member(make_client):
    """A staff member's address and a browser of theirs, logged in (English pages)."""
    email = await make_user(Role.staff)
    browser = make_client()
    await login(browser, email)
    return email, browser


async def status_of(application_id: int) -> str:
    row = await Application.select(Application.status).where(Application.id == application_id).first()
    return row["status"]


async def test_clarification_asked_in_the_back_office_is_mailed_shown_answered_and_reported(
    client, make_client, school, smtp
):
    application_id, headers = await submitted_application(client, school)
    app = (await client.get(f"/api/applications/{application_id}", headers=headers)).json()
    applicant_email = (await client.get("/api/me", headers=headers)).json()["email"]
    staff_email, staff = await staff_member(make_client)
    page_url = f"/admin/applications/{application_id}/clarification"

    page = await staff.get(page_url)
    assert page.status_code == 200
    facts = definitions(page.text, "dl.facts")
    assert (facts["Reference"], facts["Project"], facts["Status"]) == (
        app["reference"],
        app["title"],
        "Submitted",
    )
    assert facts["Organisation"].startswith("Biedrība “Tests”, registration number ")
    assert input_value(page.text, "due_date") == default_due_date().isoformat()
    assert text_of(page.text, "#h-questions ~ p") == "No question has been asked about this application."

    due_day = riga_today() + timedelta(days=10)
    asked = await post_form(
        staff, page_url, {"question": QUESTION, "due_date": due_day.isoformat(), "due_time": "16:00"}
    )
    assert (asked.status_code, asked.headers["location"]) == (302, f"{page_url}?done=asked")
    after = await staff.get(asked.headers["location"])
    assert notice(after.text) == (
        "The question is sent: the applicant's members were e-mailed, and the application waits for their answer."
    )
    assert text_of(after.text, "#h-ask ~ p.notice") == (
        "A question is open: the application waits for the applicant's answer. You can ask again once it is answered."
    )
    assert page_url not in form_actions(after.text)
    assert texts_of(after.text, "article.question p.pre") == [QUESTION]
    assert await status_of(application_id) == "clarification"

    # The mail: in the applicant's language (English), the due date in Riga time, the answer link.
    due = riga_local(due_day, 16, 0)
    mailed = await delivered_to(smtp, applicant_email)
    assert mailed["Subject"] == f"Please clarify application {app['reference']}"
    body = body_text(mailed)
    assert (
        f"Please answer by {format_riga(due, 'en')} (Riga time). Until then you can also correct the application."
        in body
    )
    assert f"Answer here: {get_settings().base_url}/my/applications/{application_id}/review" in body
    assert QUESTION in body

    # The portal: a banner on the list and on every page of the application.
    banner = f"Clarification requested: answer by {format_riga(due, 'en')} (Riga time)"
    answer_link = f"/my/applications/{application_id}/review#answer-"
    listing = await client.get("/my/")
    assert texts_of(listing.text, ".clarification-banner h2") == [banner]
    assert texts_of(listing.text, ".clarification-banner p.pre") == [QUESTION]
    assert text_of(listing.text, ".clarification-banner a").startswith("Answer the question")
    link = listing.text.split(answer_link, 1)[1].split('"', 1)[0]
    clarification_id = int(link)
    project = await client.get(f"/my/applications/{application_id}/project")
    assert texts_of(project.text, ".clarification-banner h2") == [banner]
    assert texts_of(project.text, ".clarification-banner p.pre") == [QUESTION]
    review = await client.get(f"/my/applications/{application_id}/review")
    assert texts_of(review.text, ".clarification-banner h2") == [banner]
    assert texts_of(review.text, f"#answer-{clarification_id} p.pre") == [QUESTION]

    answered = await post_form(
        client,
        f"/my/applications/{application_id}/clarifications/{clarification_id}/answer",
        {"answer": "Brauks 25 skolēni."},
    )
    assert answered.headers["location"] == f"/my/applications/{application_id}/review?done=answered"
    assert await status_of(application_id) == "submitted"
    assert texts_of((await client.get("/my/")).text, ".clarification-banner h2") == []

    # The staff member who asked hears of it, in their language (Latvian: they chose none).
    report = await delivered_to(smtp, staff_email)
    assert report["Subject"] == f"{app['reference']}: pieteicējs atbildēja uz jautājumu"
    text = body_text(report)
    assert "Brauks 25 skolēni." in text
    assert f"{get_settings().base_url}/admin/applications/{application_id}/clarification" in text
    history = await staff.get(page_url)
    assert texts_of(history.text, "article.question p.pre") == [QUESTION, "Brauks 25 skolēni."]
    assert page_url in form_actions(history.text)  # submitted again: another question may be asked


async def test_answer_goes_to_the_calls_municipal_staff_when_the_asker_is_gone(
    client, make_client, school, smtp
):
    """The call is of LV-016: its municipal staff hear of the answer, not another municipality's."""
    application_id, headers = await submitted_application(client, school)
    asker_email, asker = await staff_member(make_client)
    colleague = await make_user(Role.staff, "LV-016")
    elsewhere = await make_user(Role.staff, "LV-041")
    due = (riga_today() + timedelta(days=7)).isoformat()
    await post_form(
        asker, f"/admin/applications/{application_id}/clarification", {"question": QUESTION, "due_date": due}
    )
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.email == asker_email)
    question = (
        await Clarification.select(Clarification.id)
        .where(Clarification.application == application_id)
        .first()
    )
    await post_form(
        client, f"/my/applications/{application_id}/clarifications/{question['id']}/answer", {"answer": "Jā."}
    )
    reference = (await client.get(f"/api/applications/{application_id}", headers=headers)).json()["reference"]
    mailed = await delivered_to(smtp, colleague)
    assert mailed["Subject"] == f"{reference}: pieteicējs atbildēja uz jautājumu"
    assert (smtp.to(asker_email), smtp.to(elsewhere)) == ([], [])


async def test_refused_question_is_shown_again_with_what_was_typed(client, make_client, school):
    application_id, _headers = await submitted_application(client, school)
    _email, staff = await staff_member(make_client)
    url = f"/admin/applications/{application_id}/clarification"

    blank = await post_form(staff, url, {"question": "  ", "due_date": "15.13.2027", "due_time": "25:00"})
    assert blank.status_code == 422
    assert error_summary(blank.text) == [
        "Write the question.",
        "Give the due date as a date, e.g. 2027-03-15.",
        "Give the time as hours and minutes, e.g. 16:00, or leave it empty.",
    ]
    assert input_value(blank.text, "due_date") == "15.13.2027"

    yesterday = (riga_today() - timedelta(days=1)).strftime("%d.%m.%Y")
    past = await post_form(staff, url, {"question": QUESTION, "due_date": yesterday, "due_time": ""})
    assert past.status_code == 422
    assert field_error(past.text, "due_date") == "The due date must be in the future."
    assert text_of(past.text, "textarea#f-question") == QUESTION

    too_long = await post_form(staff, url, {"question": "x" * 20_001, "due_date": "2099-01-01"})
    assert too_long.status_code == 422
    assert field_error(too_long.text, "question") == "At most 20000 characters."
    # A question too long and a past date: both in one answer.
    both = await post_form(staff, url, {"question": "x" * 20_001, "due_date": yesterday})
    assert (field_error(both.text, "question"), field_error(both.text, "due_date")) == (
        "At most 20000 characters.",
        "The due date must be in the future.",
    )
    bad_date = await post_form(staff, url, {"question": "x" * 20_001, "due_date": "vakar"})
    assert (field_error(bad_date.text, "question"), field_error(bad_date.text, "due_date")) == (
        "At most 20000 characters.",
        "Give the due date as a date, e.g. 2027-03-15.",
    )
    assert await status_of(application_id) == "submitted"
    assert await Clarification.count().where(Clarification.application == application_id) == 0


async def test_only_a_submitted_application_can_be_asked(client, make_client, school):
    found = await published_call(client)
    headers = await applicant(client)
    draft = await api_draft(client, found["id"], headers, **complete_application(school))
    _email, staff = await staff_member(make_client)
    url = f"/admin/applications/{draft}/clarification"
    page = await staff.get(url)
    assert text_of(page.text, "#h-ask ~ p.notice") == (
        "Only a submitted application can be returned for clarification; this one's status is “Draft”."
    )
    assert url not in form_actions(page.text)
    refused = await post_form(staff, url, {"question": QUESTION, "due_date": "2099-01-01"})
    assert refused.status_code == 409
    assert (
        text_of(refused.text, "div.error-summary")
        == "Only a submitted application can be returned for clarification."
    )
    assert await status_of(draft) == "draft"
    assert (await staff.get("/admin/applications/999999999/clarification")).status_code == 404


async def test_another_organisation_can_neither_see_nor_answer_the_question(client, make_client, school):
    application_id, _headers = await submitted_application(client, school)
    _email, staff = await staff_member(make_client)
    due = (riga_today() + timedelta(days=7)).isoformat()
    await post_form(
        staff, f"/admin/applications/{application_id}/clarification", {"question": QUESTION, "due_date": due}
    )
    question = (
        await Clarification.select(Clarification.id)
        .where(Clarification.application == application_id)
        .first()
    )

    other = make_client()
    await applicant(other)
    assert (await other.get(f"/my/applications/{application_id}/review")).status_code == 404
    answer = await post_form(
        other, f"/my/applications/{application_id}/clarifications/{question['id']}/answer", {"answer": "Nē."}
    )
    assert answer.status_code == 404
    listing = await other.get("/my/")
    assert QUESTION not in listing.text
    assert texts_of(listing.text, ".clarification-banner h2") == []
    assert await status_of(application_id) == "clarification"


@pytest.mark.parametrize("role", [Role.reviewer, Role.coordinator, Role.applicant])
async def test_other_roles_cannot_open_the_staff_page(client, make_client, school, role):
    application_id, _headers = await submitted_application(client, school)
    browser = make_client()
    await login(browser, await make_user(role, "LV-016" if role == Role.coordinator else None))
    url = f"/admin/applications/{application_id}/clarification"
    page = await browser.get(url)
    assert page.status_code == 403
    assert QUESTION not in page.text
    posted = await post_form(browser, url, {"question": QUESTION, "due_date": "2099-01-01"})
    assert posted.status_code == 403
    assert await Clarification.count().where(Clarification.application == application_id) == 0
    anonymous = await make_client().get(url)
    assert (anonymous.status_code, anonymous.headers["location"]) == (
        302,
        f"/login?next={quote(url, safe='')}",
    )


@pytest.mark.unit
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 3, 1), date(2027, 3, 8)),  # Monday → next Monday
        (date(2027, 3, 5), date(2027, 3, 12)),  # Friday → next Friday
        (date(2027, 3, 6), date(2027, 3, 12)),  # Saturday → Friday
    ],
)
def test_default_due_date_is_five_working_days_on(today, expected):
    assert default_due_date(today) == expected


@pytest.mark.unit
def test_due_date_is_read_in_riga_time_across_daylight_saving():
    assert read_due("2027-01-15", "") == riga_local(date(2027, 1, 15), 23, 59)
    assert read_due("15.07.2027", "9.30").isoformat() == "2027-07-15T06:30:00+00:00"  # EEST, UTC+3
    assert read_due("2027-01-15", "09:30").isoformat() == "2027-01-15T07:30:00+00:00"  # EET, UTC+2
    with pytest.raises(ValidationFailed) as refused:
        read_due("", "")
    assert list(refused.value.errors) == ["due_date"]


@pytest.mark.unit
@pytest.mark.usefixtures("english")
def test_a_due_moment_before_any_utc_is_refused_by_field():
    from grants.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        read_due("0001-01-01", "00:30")  # Riga's 00:30 of the year 1 is before UTC's year 1
    assert refused.value.errors == {"due_date": "Give the due date as a date, e.g. 2027-03-15."}
