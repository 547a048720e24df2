"""The applicant's pages say what state an application is in (a banner) and offer only what the
service would take now; the service still refuses what the pages leave out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.calls import service as calls
from grants.calls.tables import Call
from grants.core.time import format_riga, from_db, now
from tests.factories.accounts import post_form, staff_headers
from tests.factories.applications import PROJECT, api_draft, applicant, complete_application, stored
from tests.factories.awards import staff_principal
from tests.factories.calls import published_call
from tests.factories.files import pdf_bytes
from tests.html import definitions, form_actions, links, text_of, texts_of

pytestmark = pytest.mark.integration

STEPS = ("project", "events", "budget", "attachments", "review")
LATE = "The deadline has passed: the application can no longer be changed or submitted."


async def _closes_at(call_id: int):
    row = await Call.select(Call.closes_at).where(Call.id == call_id).first()
    return from_db(row["closes_at"])


async def _past_deadline(call_id: int):
    """The call's deadline moved an hour into the past (as if the applicant had waited too long)."""
    await Call.update({Call.closes_at: now() - timedelta(hours=1)}).where(Call.id == call_id)
    return await _closes_at(call_id)


async def test_draft_past_deadline_is_read_only_with_the_deadline_banner(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, title="Nepabeigts")  # steps left to do
    base = f"/my/applications/{application_id}"
    before = await client.get(f"{base}/review")
    assert text_of(before.text, "h2#h-problems") == "Before you can submit"
    deadline = await _past_deadline(call["id"])

    banner = f"The deadline was {format_riga(deadline, 'en')} (Riga time): the application can no longer be submitted."
    for step in STEPS:
        page = await client.get(f"{base}/{step}")
        assert page.status_code == 200, step
        assert text_of(page.text, "section.deadline-banner h2") == banner, step
        assert [a for a in form_actions(page.text) if a.startswith(base)] == [], step
        assert texts_of(page.text, "nav.steps .tag") == [], step  # no "to do" left to finish
    review = (await client.get(f"{base}/review")).text
    assert text_of(review, "h2#h-problems") is None
    assert f"{base}/withdraw" not in links(review)
    assert texts_of(review, "div.actions button") == []

    # What the page leaves out, the service refuses, with the same reason.
    saved = await post_form(client, f"{base}/project", PROJECT)
    assert (saved.status_code, text_of(saved.text, "div.error-summary")) == (409, LATE)
    patched = await client.patch(
        f"/api/applications/{application_id}", json={"title": "Vēlu"}, headers=headers
    )
    assert (patched.status_code, patched.json()["detail"]) == (409, LATE)
    submitted = await post_form(client, f"{base}/submit", {})
    assert submitted.status_code == 409
    assert (await stored(client, application_id, headers))["title"] == "Nepabeigts"

    listed = await client.get("/my/")
    assert texts_of(listed.text, "tbody td span.muted")[0] == (
        f"Not submitted: the deadline was {format_riga(deadline, 'en')}."
    )


async def test_draft_past_deadline_keeps_its_files(client):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    url = f"/api/applications/{application_id}/attachments"
    attached = await client.post(
        url, files={"file": ("plans.pdf", pdf_bytes(), "application/pdf")}, headers=headers
    )
    assert attached.status_code == 201, attached.text
    file_id = attached.json()["id"]
    await _past_deadline(call["id"])

    page = (await client.get(f"/my/applications/{application_id}/attachments")).text
    assert links(page, "#files a") == [f"/api/attachments/{file_id}"]  # to read, not to remove
    late = await client.post(
        url, files={"file": ("late.pdf", pdf_bytes(), "application/pdf")}, headers=headers
    )
    assert (late.status_code, late.json()["detail"]) == (409, LATE)
    removed = await post_form(client, f"/my/applications/{application_id}/attachments/{file_id}/remove", {})
    assert (removed.status_code, text_of(removed.text, "div.error-summary")) == (409, LATE)
    assert [f["filename"] for f in (await stored(client, application_id, headers))["attachments"]] == [
        "plans.pdf"
    ]


async def test_call_closed_early_shows_the_real_closing_time(client, school):
    call = await published_call(client)
    planned = await _closes_at(call["id"])
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, **complete_application(school))
    closed = await client.post(f"/api/calls/{call['id']}/close", headers=await staff_headers(client))
    assert closed.status_code == 200
    closed_at = await _closes_at(call["id"])
    assert closed_at < planned

    review = (await client.get(f"/my/applications/{application_id}/review")).text
    assert text_of(review, "section.deadline-banner h2") == (
        f"The call was closed early on {format_riga(closed_at, 'en')} (Riga time): "
        "the application can no longer be submitted."
    )
    assert (
        definitions(review, "dl.facts")["Deadline of the call"]
        == f"{format_riga(closed_at, 'en')} (Riga time)"
    )
    assert f"/my/applications/{application_id}/submit" not in form_actions(review)
    refused = await post_form(client, f"/my/applications/{application_id}/submit", {})
    assert (refused.status_code, text_of(refused.text, "div.error-summary")) == (
        409,
        "The call is closed: nothing can be submitted after its deadline.",
    )
    call_page = (await client.get(f"/calls/{call['id']}")).text
    assert text_of(call_page, "div.notice p") == f"Closed early on {format_riga(closed_at, 'en')}."
    assert f"/my/calls/{call['id']}/apply" not in form_actions(call_page)


async def test_extended_deadline_shows_the_new_one_on_the_draft(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    later = (await _closes_at(call["id"])) + timedelta(days=7)
    await calls.extend_deadline(call["id"], later, await staff_principal())
    page = (await client.get(f"/my/applications/{application_id}/project")).text
    assert text_of(page, "p.deadline") == f"Submit by {format_riga(later, 'en')} (Riga time)."


async def test_clarification_banner_says_what_is_asked_by_when_and_where(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, **complete_application(school))
    await client.post(f"/api/applications/{application_id}/submit", headers=headers)
    due = now() + timedelta(days=3)
    asked = await client.post(
        f"/api/applications/{application_id}/clarifications",
        json={"question": "Precizējiet skolu sarakstu.", "due_at": due.isoformat()},
        headers=await staff_headers(client),
    )
    question_id = asked.json()["id"]
    answer_here = f"/my/applications/{application_id}/review#answer-{question_id}"
    for path in (f"/my/applications/{application_id}/budget", "/my/"):
        page = (await client.get(path)).text
        assert text_of(page, "section.clarification-banner h2") == (
            f"Clarification requested: answer by {format_riga(due, 'en')} (Riga time)"
        ), path
        assert text_of(page, "section.clarification-banner p.pre") == "Precizējiet skolu sarakstu.", path
        assert links(page, "section.clarification-banner a") == [answer_here], path
        assert text_of(page, "section.deadline-banner") is None, path
    # Answering stays possible after the deadline, and so does correcting the steps.
    await _past_deadline(call["id"])
    budget = (await client.get(f"/my/applications/{application_id}/budget")).text
    assert f"/my/applications/{application_id}/budget" in form_actions(budget)
    review = (await client.get(f"/my/applications/{application_id}/review")).text
    assert f"/my/applications/{application_id}/clarifications/{question_id}/answer" in form_actions(review)


async def test_used_limit_hides_apply_on_my_and_the_call_page(client):
    call = await published_call(client, applications_per_organisation=1)
    await applicant(client)
    apply = f"/my/calls/{call['id']}/apply"
    assert apply in form_actions((await client.get(f"/calls/{call['id']}")).text)
    assert apply in links((await client.get("/my/")).text)
    created = await post_form(client, apply, {"title": "Pirmais"})
    application_id = int(created.headers["location"].split("/")[3])

    reason = "Your organisation may submit at most 1 application(s) to this call."
    my = (await client.get("/my/")).text
    assert apply not in links(my)
    assert text_of(my, "li.card p.apply-refusal") == reason
    assert f"/my/applications/{application_id}/review" in links(my, "li.card a")
    call_page = (await client.get(f"/calls/{call['id']}")).text
    assert apply not in form_actions(call_page)
    assert text_of(call_page, "p.apply-refusal") == f"{reason} See your organisation's applications"
    form = (await client.get(apply)).text
    assert (apply not in form_actions(form), text_of(form, "p.notice")) == (True, reason)
    refused = await post_form(client, apply, {"title": "Otrais"})
    assert (refused.status_code, text_of(refused.text, "div.error-summary")) == (409, reason)

    # Discarding the draft gives the place back: Apply returns.
    assert (await post_form(client, f"/my/applications/{application_id}/withdraw", {})).status_code == 302
    assert apply in links((await client.get("/my/")).text)
    assert apply in form_actions((await client.get(f"/calls/{call['id']}")).text)


async def test_draft_offers_discard_not_withdraw(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, **complete_application(school))
    base = f"/my/applications/{application_id}"
    review = (await client.get(f"{base}/review")).text
    assert texts_of(review, "div.actions button") == ["Submit the application"]
    assert texts_of(review, "div.actions a") == []
    assert text_of(review, f'section.discard a[href="{base}/withdraw"]') == "Discard the draft"
    confirm = (await client.get(f"{base}/withdraw")).text
    assert (text_of(confirm, "h1"), text_of(confirm, "button.danger")) == (
        "Discard the draft?",
        "Yes, discard the draft",
    )

    await _past_deadline(call["id"])
    review = (await client.get(f"{base}/review")).text
    assert text_of(review, "section.discard") is None
    late = (await client.get(f"{base}/withdraw")).text
    reason = "The deadline has passed: the application can no longer be withdrawn."
    assert (text_of(late, "p.notice"), f"{base}/withdraw" in form_actions(late)) == (reason, False)
    refused = await post_form(client, f"{base}/withdraw", {})
    assert (refused.status_code, text_of(refused.text, "div.error-summary")) == (409, reason)
    assert (await stored(client, application_id, headers))["status"] == "draft"


async def test_deadline_banner_speaks_latvian(make_client, school):
    client = make_client(language=None)
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers)
    deadline = await _past_deadline(call["id"])
    page = (await client.get(f"/my/applications/{application_id}/project")).text
    assert text_of(page, "section.deadline-banner h2") == (
        f"Termiņš bija {format_riga(deadline, 'lv')} (Rīgas laiks): pieteikumu vairs nevar iesniegt."
    )


SAVED = (
    "Saved. The application is not submitted yet: when every step is done, submit it on the last step, "
    "“Review and submit”, before the deadline."
)


async def test_saved_step_says_the_application_is_not_submitted_yet(client, school):
    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, title="Vēl strādājam")
    base = f"/my/applications/{application_id}"
    saved = await post_form(client, f"{base}/project", PROJECT)
    assert (saved.status_code, saved.headers["location"]) == (302, f"{base}/events?done=saved")
    page = await client.get(saved.headers["location"])
    assert text_of(page.text, "div.notice[role=status] p") == SAVED
    assert text_of((await client.get(f"{base}/events")).text, "div.notice[role=status] p") is None
