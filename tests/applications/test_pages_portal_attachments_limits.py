"""The attachments step never loses a file without a word: an oversize file shows the same step with
the limit named (in the user's language), a body far over it a page that names the limit and leads
back, and a file chosen when "Continue to the review" is pressed is uploaded with that press."""

from __future__ import annotations

import pytest

from grants.settings import get_settings
from tests.applications.test_pages_portal_attachments import draft_of, files_of, signed_in_applicant
from tests.factories.accounts import csrf_token
from tests.factories.files import pdf_bytes
from tests.factories.storage import stored_files
from tests.html import attr_of, notice, parse, text_of

pytestmark = pytest.mark.integration

MB = 1024 * 1024


async def send(client, application_id: int, files=None, **fields: str):
    return await client.post(
        f"/my/applications/{application_id}/attachments",
        data={"_csrf_token": await csrf_token(client), **fields},
        files=files,
    )


def padded_pdf(size: int) -> bytes:
    return pdf_bytes().ljust(size, b" ")


async def test_a_12_mb_file_shows_the_same_step_with_the_limit_next_to_the_field(client):
    application_id = await draft_of(client, await signed_in_applicant(client))
    before = stored_files()
    response = await send(
        client, application_id, {"file": ("liels.pdf", padded_pdf(12 * MB), "application/pdf")}
    )
    assert response.status_code == 413
    assert text_of(response.text, 'a[aria-current="step"]') == "Attachments"
    assert text_of(response.text, "p.error#f-file-error") == "The file is too large: the limit is 10 MB."
    assert attr_of(response.text, 'input[name="file"]', "aria-invalid") == "true"
    assert await files_of(application_id) == []
    assert stored_files() == before


async def test_a_12_mb_file_is_refused_in_latvian_for_a_latvian_user(client):
    application_id = await draft_of(client, await signed_in_applicant(client))
    await client.get("/lang/lv")
    response = await send(
        client, application_id, {"file": ("liels.pdf", padded_pdf(12 * MB), "application/pdf")}
    )
    assert response.status_code == 413
    assert (
        text_of(response.text, "p.error#f-file-error") == "Datne ir pārāk liela: maksimālais izmērs ir 10 MB."
    )
    assert text_of(response.text, 'a[aria-current="step"]') == "Pielikumi"


async def test_a_body_far_over_the_limit_is_a_page_naming_the_limit_with_the_way_back(client):
    application_id = await draft_of(client, await signed_in_applicant(client))
    step = f"/my/applications/{application_id}/attachments"
    too_big = padded_pdf(2 * get_settings().upload_max_bytes + MB)
    response = await client.post(
        step,
        data={"_csrf_token": await csrf_token(client)},
        files={"file": ("video.pdf", too_big, "application/pdf")},
        headers={"referer": f"http://127.0.0.1{step}"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert text_of(response.text, "main p.lead") == "The file is too large: the limit is 10 MB."
    assert attr_of(response.text, "main a.button", "href") == step
    assert await files_of(application_id) == []


async def test_the_api_answers_a_body_over_its_limit_with_json_naming_the_limit(client):
    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers)
    response = await client.post(
        f"/api/applications/{application_id}/attachments",
        files={"file": ("liels.pdf", padded_pdf(12 * MB), "application/pdf")},
        headers=headers,
    )
    assert response.status_code == 413
    assert response.json() == {
        "status_code": 413,
        "detail": "The file is too large: the limit is 10 MB.",
        "extra": {},
    }
    assert await files_of(application_id) == []


async def test_an_api_json_body_over_the_limit_is_413_without_a_word_on_files(client):
    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers)
    huge = b'{"title": "' + b"x" * (11 * MB) + b'"}'
    response = await client.patch(
        f"/api/applications/{application_id}",
        content=huge,
        headers=headers | {"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "The request is too large."


async def test_continue_to_the_review_uploads_the_chosen_file_and_goes_on(client):
    application_id = await draft_of(client, await signed_in_applicant(client))
    content = pdf_bytes("Vēstule")
    response = await send(
        client, application_id, {"file": ("vēstule.pdf", content, "application/pdf")}, step="review"
    )
    assert (response.status_code, response.headers["location"]) == (
        302,
        f"/my/applications/{application_id}/review?done=attached",
    )
    assert await files_of(application_id) == [("vēstule.pdf", len(content))]
    review = await client.get(response.headers["location"])
    assert notice(review.text) == "The file is attached."


async def test_continue_to_the_review_without_a_file_just_goes_on(client):
    application_id = await draft_of(client, await signed_in_applicant(client))
    response = await send(client, application_id, step="review")
    assert (response.status_code, response.headers["location"]) == (
        302,
        f"/my/applications/{application_id}/review",
    )
    assert await files_of(application_id) == []


async def test_continue_to_the_review_with_a_refused_file_stays_on_the_step(client):
    application_id = await draft_of(client, await signed_in_applicant(client))
    response = await send(
        client, application_id, {"file": ("liels.pdf", padded_pdf(12 * MB), "application/pdf")}, step="review"
    )
    assert response.status_code == 413
    assert text_of(response.text, 'a[aria-current="step"]') == "Attachments"
    assert text_of(response.text, "p.error#f-file-error") == "The file is too large: the limit is 10 MB."


@pytest.mark.parametrize(
    ("step", "goes_to"),
    [("project", "project"), ("attachments", "attachments"), ("//evil.example", "attachments")],
)
async def test_a_step_link_pressed_with_a_file_uploads_it_and_goes_to_a_known_step_only(
    client, step, goes_to
):
    application_id = await draft_of(client, await signed_in_applicant(client))
    response = await send(
        client, application_id, {"file": ("a.pdf", pdf_bytes(), "application/pdf")}, step=step
    )
    assert (response.status_code, response.headers["location"]) == (
        302,
        f"/my/applications/{application_id}/{goes_to}?done=attached",
    )
    assert await files_of(application_id) == [("a.pdf", len(pdf_bytes()))]


async def test_the_file_field_carries_the_rules_the_browser_checks(client):
    application_id = await draft_of(client, await signed_in_applicant(client))
    page = await client.get(f"/my/applications/{application_id}/attachments")
    field = 'input[name="file"]'
    assert attr_of(page.text, field, "data-max-bytes") == str(10 * MB)
    assert attr_of(page.text, field, "data-too-large") == "The file is too large: the limit is 10 MB."
    assert attr_of(page.text, field, "data-wrong-type") == (
        "This type of file is not accepted. Accepted types: DOCX, JPG, ODS, ODT, PDF, PNG, XLSX."
    )
    assert attr_of(page.text, field, "data-files-left") == "20"
    assert attr_of(page.text, field, "data-too-many") == "An application can have at most 20 files."
    assert attr_of(page.text, 'button[name="step"]', "value") == "review"
    scripts = [tag["src"] for tag in parse(page.text).find_all("script")]
    assert scripts == ["/static/js/drafts.js", "/static/js/uploads.js"]
