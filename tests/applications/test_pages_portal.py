"""The applicant portal (/my/…): the whole journey through the pages, as a browser without JavaScript."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from grants.calls.tables import Call
from grants.core.money import display_cents
from grants.core.time import format_riga, now
from tests.factories.accounts import post_form, staff_headers
from tests.factories.applications import (
    BUDGET,
    PROJECT,
    api_draft,
    applicant,
    complete_application,
    events_form,
    stored,
)
from tests.factories.calls import published_call
from tests.factories.registry import make_school
from tests.html import (
    attr_of,
    attrs_of,
    definitions,
    field_error,
    form_actions,
    notice,
    table_rows,
    text_of,
    texts_of,
)

pytestmark = pytest.mark.integration


async def test_whole_journey_from_the_call_page_to_submission(client, make_client, school):
    call = await published_call(client, municipality_code="LV-016")
    far_school = await make_school("LV-067", "Ogres sākumskola")
    anonymous = await make_client().get(f"/calls/{call['id']}")
    assert text_of(anonymous.text, f'a.button[href="/login?next=/calls/{call["id"]}"]') == "Log in to apply"
    assert "/apply" not in anonymous.text

    headers = await applicant(client)
    call_page = await client.get(f"/calls/{call['id']}")
    assert f"/my/calls/{call['id']}/apply" in form_actions(call_page.text)
    assert text_of(call_page.text, 'a[href="/my/"]') == "My applications"
    applied = await post_form(client, f"/my/calls/{call['id']}/apply", {"title": "Nometne"})
    assert applied.status_code == 302
    application_id = int(applied.headers["location"].split("/")[3])
    assert applied.headers["location"] == f"/my/applications/{application_id}/project?done=created"

    project = await client.get(applied.headers["location"])
    assert project.status_code == 200
    assert texts_of(project.text, 'a[aria-current="step"]') == ["Project"]
    assert (
        attr_of(project.text, 'a[aria-current="step"]', "href")
        == f"/my/applications/{application_id}/project"
    )
    assert text_of(project.text, '[id="f-end_date-hint"]').startswith("The project lasts 3 to 18 months;")
    saved = await post_form(client, f"/my/applications/{application_id}/project", PROJECT)
    assert (saved.status_code, saved.headers["location"]) == (
        302,
        f"/my/applications/{application_id}/events?done=saved",
    )

    events = await client.get(saved.headers["location"])
    assert (
        attr_of(events.text, 'a[aria-current="step"]', "href") == f"/my/applications/{application_id}/events"
    )
    local = events.text.index('<optgroup label="Schools in the call&#39;s municipality">')
    others = events.text.index('<optgroup label="Other schools">')
    assert local < events.text.index(f'<option value="{school}">Misas pamatskola</option>') < others
    assert (
        events.text.index(f'<option value="{far_school}">Ogres sākumskola (Ogres novads)</option>') > others
    )
    assert events.text.count('name="planned_events.') == 3 * 5  # no events yet: three blank rows
    saved = await post_form(client, f"/my/applications/{application_id}/events", events_form(school))
    assert (saved.status_code, saved.headers["location"]) == (
        302,
        f"/my/applications/{application_id}/budget?done=saved",
    )

    saved = await post_form(client, f"/my/applications/{application_id}/budget", BUDGET)
    assert (saved.status_code, saved.headers["location"]) == (
        302,
        f"/my/applications/{application_id}/attachments?done=saved",
    )
    budget = await client.get(f"/my/applications/{application_id}/budget")
    assert text_of(budget.text, "output#budget-total") == "€4,600.00"
    assert text_of(budget.text, "p#f-requested_amount") == "Total: €4,600.00 of at most €4,600.00"
    assert attr_of(budget.text, 'script[src="/static/js/budget.js"]', "defer") == ""

    review = await client.get(f"/my/applications/{application_id}/review")
    assert "The application is complete." in texts_of(review.text, "p")
    assert text_of(review.text, "td") == "Misas pamatskola"
    assert f"/my/applications/{application_id}/submit" in form_actions(review.text)
    submitted = await post_form(client, f"/my/applications/{application_id}/submit", {})
    assert submitted.headers["location"] == f"/my/applications/{application_id}/review?done=submitted"

    body = await stored(client, application_id, headers)
    assert {k: body[k] for k in ("status", "requested_amount", *PROJECT)} == {
        "status": "submitted",
        "requested_amount": "4600.00",
        **PROJECT,
    }
    assert [
        (e["school"], e["kind"], e["title"], e["planned_date"], e["expected_participants"])
        for e in body["planned_events"]
    ] == [(school, "camp", "Nometne", "2027-04-10", 25)]
    assert [(line["category"], line["quantity"], line["unit_cost"]) for line in body["budget_lines"]] == [
        ("services", 1, "1533.33"),
        ("catering", 2, "766.67"),
        ("transport", 1, "1533.33"),
    ]
    done = await client.get(submitted.headers["location"])
    assert notice(done.text) == "The application is submitted. You will hear from us after the deadline."
    assert definitions(done.text)["Reference"] == body["reference"]
    assert definitions(done.text)["Status"] == "Submitted"
    when = format_riga(datetime.fromisoformat(body["submitted_at"]), "en")
    assert definitions(done.text)["Submitted"] == f"{when} (Riga time)"
    assert f'action="/my/applications/{application_id}/submit"' not in done.text

    listing = await client.get("/my/")
    assert listing.status_code == 200
    assert text_of(listing.text, f'td > a[href="/my/applications/{application_id}/review"]') == (
        "Piedzīvojumu nometne"
    )
    row = next(row for row in table_rows(listing.text) if body["reference"] in row)
    assert "Submitted" in row and when in row
    assert text_of(listing.text, "td.number") == "€4,600.00"


async def test_another_organisation_gets_404_and_sees_nothing(client, make_client, school):
    call = await published_call(client)
    owner = await applicant(client)
    secret = "Slepenais projekts Zeltiņos"
    application_id = await api_draft(client, call["id"], owner, **complete_application(school, title=secret))
    stranger = make_client()
    await applicant(stranger)
    base = f"/my/applications/{application_id}"
    for step in ("project", "events", "budget", "review", "withdraw"):
        page = await stranger.get(f"{base}/{step}")
        assert page.status_code == 404, step
        assert secret not in page.text
    for path, form in [
        ("project", PROJECT | {"title": "Pārņemts"}),
        ("events", events_form(school)),
        ("budget", BUDGET),
        ("submit", {}),
        ("withdraw", {}),
        ("clarifications/1/answer", {"answer": "x"}),
    ]:
        response = await post_form(stranger, f"{base}/{path}", form)
        assert response.status_code == 404, path
        assert secret not in response.text
    assert secret not in (await stranger.get("/my/")).text
    body = await stored(client, application_id, owner)
    assert (body["title"], body["status"], len(body["budget_lines"])) == (secret, "draft", 3)


async def test_anonymous_visitors_are_sent_to_log_in(client):
    for path, target in [
        ("/my/", "/login?next=%2Fmy"),  # Litestar drops the trailing slash; /my serves the page too
        ("/my/applications/1/project", "/login?next=%2Fmy%2Fapplications%2F1%2Fproject"),
        ("/my/calls/1/apply", "/login?next=%2Fmy%2Fcalls%2F1%2Fapply"),
    ]:
        response = await client.get(path)
        assert (response.status_code, response.headers["location"]) == (302, target)


async def test_staff_have_no_portal(client):
    response = await client.get("/my/", headers=await staff_headers(client))
    assert response.status_code == 403


async def test_after_submission_the_steps_are_read_only(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, **complete_application(school))
    assert (
        await client.post(f"/api/applications/{application_id}/submit", headers=headers)
    ).status_code == 200
    base = f"/my/applications/{application_id}"
    for step in ("project", "events", "budget"):
        page = await client.get(f"{base}/{step}")
        assert page.status_code == 200
        assert f'<form method="post" action="{base}/{step}"' not in page.text
        assert (
            text_of(page.text, "p.notice") == "The application can no longer be changed (status: Submitted)."
        )
    assert "Piedzīvojumu nometne" in texts_of((await client.get(f"{base}/project")).text, "dd")
    for step, form in [("project", PROJECT | {"title": "Mainīts"}), ("events", {}), ("budget", BUDGET)]:
        response = await post_form(client, f"{base}/{step}", form)
        assert response.status_code == 409, step
        assert (
            text_of(response.text, "div.error-summary")
            == "The application can be changed only as a draft or while clarifying it."
        )
    body = await stored(client, application_id, headers)
    assert (body["title"], len(body["planned_events"]), body["requested_amount"]) == (
        "Piedzīvojumu nometne",
        1,
        "4600.00",
    )


async def test_withdrawal_needs_the_confirmation_post(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, **complete_application(school))
    await client.post(f"/api/applications/{application_id}/submit", headers=headers)
    base = f"/my/applications/{application_id}"
    review = await client.get(f"{base}/review")
    assert text_of(review.text, f'a.button.secondary[href="{base}/withdraw"]') == "Withdraw the application"
    confirm = await client.get(f"{base}/withdraw")
    assert confirm.status_code == 200
    assert text_of(confirm.text, "h1") == "Withdraw the application?"
    assert (await stored(client, application_id, headers))["status"] == "submitted"
    done = await post_form(client, f"{base}/withdraw", {})
    assert done.headers["location"] == f"{base}/review?done=withdrawn"
    assert (await stored(client, application_id, headers))["status"] == "withdrawn"
    page = await client.get(done.headers["location"])
    assert definitions(page.text)["Status"] == "Withdrawn"
    again = await post_form(client, f"{base}/withdraw", {})
    assert again.status_code == 409
    assert (
        text_of(again.text, "div.error-summary")
        == "Only a draft or a submitted application can be withdrawn."
    )
    assert form_actions((await client.get(f"{base}/withdraw")).text).count(f"{base}/withdraw") == 0


async def test_clarification_is_answered_on_the_review_page(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, **complete_application(school))
    await client.post(f"/api/applications/{application_id}/submit", headers=headers)
    due = now() + timedelta(days=5)
    asked = await client.post(
        f"/api/applications/{application_id}/clarifications",
        json={"question": "Precizējiet transporta izmaksas.", "due_at": due.isoformat()},
        headers=await staff_headers(client),
    )
    assert asked.status_code == 201
    base = f"/my/applications/{application_id}"
    review = await client.get(f"{base}/review")
    assert text_of(review.text, "p.pre") == "Precizējiet transporta izmaksas."
    assert (
        f"Answer by {format_riga(due, 'en')} (Riga time). "
        "You can also correct the application in the steps above before you answer."
    ) in texts_of(review.text, "p")
    action = f"{base}/clarifications/{asked.json()['id']}/answer"
    assert action in form_actions(review.text)
    # While clarifying, the steps can be changed again.
    assert (
        attrs_of((await client.get(f"{base}/project")).text, 'form[method="post"]', "action").count(
            f"{base}/project"
        )
        == 1
    )
    empty = await post_form(client, action, {"answer": "  "})
    assert empty.status_code == 422
    assert field_error(empty.text, "answer") == "Write the answer."
    answered = await post_form(client, action, {"answer": "Autobuss 2 dienām."})
    assert answered.headers["location"] == f"{base}/review?done=answered"
    body = await stored(client, application_id, headers)
    assert body["status"] == "submitted"
    assert [(c["question"], c["answer"]) for c in body["clarifications"]] == [
        ("Precizējiet transporta izmaksas.", "Autobuss 2 dienām.")
    ]
    twice = await post_form(client, action, {"answer": "Vēlreiz"})
    assert twice.status_code == 409
    assert text_of(twice.text, "div.error-summary") == "There is no open question on this application."


async def test_apply_refusals_are_explained(client):
    call = await published_call(client, applications_per_organisation=1)
    await applicant(client)
    untitled = await post_form(client, f"/my/calls/{call['id']}/apply", {"title": "  "})
    assert untitled.status_code == 422
    assert field_error(untitled.text, "title") == "Give the project a title (up to 300 characters)."
    assert (await post_form(client, f"/my/calls/{call['id']}/apply", {"title": "Pirmais"})).status_code == 302
    second = await post_form(client, f"/my/calls/{call['id']}/apply", {"title": "Otrais projekts"})
    assert second.status_code == 409
    assert (
        text_of(second.text, "div.error-summary")
        == "Your organisation may submit at most 1 application(s) to this call."
    )
    # The limit is used: the form is not offered again.
    assert f"/my/calls/{call['id']}/apply" not in form_actions(second.text)
    await Call.update({Call.closes_at: now() - timedelta(seconds=1)}).where(Call.id == call["id"])
    late = await post_form(client, f"/my/calls/{call['id']}/apply", {"title": "Vēls"})
    assert late.status_code == 409
    assert text_of(late.text, "div.error-summary") == "This call is not open for applications."
    assert f'action="/my/calls/{call["id"]}/apply"' not in (await client.get(f"/calls/{call['id']}")).text
    assert (await client.get("/my/calls/999999/apply")).status_code == 404


async def test_portal_speaks_latvian_by_default(make_client, school):
    client = make_client(language=None)
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    for path in (
        "/my/",
        *(f"/my/applications/{application_id}/{s}" for s in ("project", "events", "review")),
    ):
        page = await client.get(path)
        assert (page.status_code, attr_of(page.text, "html", "lang")) == (200, "lv"), path
    events = await client.get(f"/my/applications/{application_id}/events")
    assert text_of(events.text, 'option[value=""]') == "Izvēlieties…"
    budget = await client.get(f"/my/applications/{application_id}/budget")
    assert text_of(budget.text, 'output#budget-total[aria-live="polite"]') == display_cents(0, "lv")
    assert text_of(budget.text, "p#f-requested_amount") == (
        f"Kopā: {display_cents(0, 'lv')} (ne vairāk kā {display_cents(460_000, 'lv')})"
    )
