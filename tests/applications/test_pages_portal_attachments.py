"""The applicant portal's attachments step: upload, list, download and remove files as a browser does."""

from __future__ import annotations

import pytest

from grants.applications.tables import Attachment
from grants.settings import get_settings
from tests.factories.accounts import bearer, csrf_token, login, post_form, register_applicant
from tests.factories.applications import complete_application
from tests.factories.calls import published_call
from tests.factories.files import ELF, pdf_bytes
from tests.factories.registry import make_school
from tests.factories.storage import stored_files
from tests.html import attr_of, form_actions, links, notice, parse, text_of, texts_of

pytestmark = pytest.mark.integration


async def signed_in_applicant(client) -> dict[str, str]:
    """An applicant signed in on `client` (cookie session); returns their bearer headers too."""
    email, _ = await register_applicant(client)
    await login(client, email)
    return await bearer(client, email)


async def draft_of(client, headers: dict[str, str], title: str = "Ar pielikumiem") -> int:
    call = await published_call(client)
    created = await client.post(
        f"/api/calls/{call['id']}/applications", json={"title": title}, headers=headers
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def upload(client, application_id: int, name: str, content: bytes, mime: str = "application/pdf"):
    return await client.post(
        f"/my/applications/{application_id}/attachments",
        data={"_csrf_token": await csrf_token(client)},
        files={"file": (name, content, mime)},
    )


async def files_of(application_id: int) -> list[tuple[str, int]]:
    rows = await Attachment.select(Attachment.filename, Attachment.size).where(
        Attachment.application == application_id
    )
    return sorted((r["filename"], r["size"]) for r in rows)


async def test_attachments_step_shows_the_upload_form_with_types_and_limit(client):
    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers)
    page = await client.get(f"/my/applications/{application_id}/attachments")
    assert page.status_code == 200
    assert text_of(page.text, 'a[aria-current="step"]') == "Attachments"
    assert (
        attr_of(page.text, 'a[aria-current="step"]', "href")
        == f"/my/applications/{application_id}/attachments"
    )
    form = parse(page.text).find("input", attrs={"name": "file"}).find_parent("form")
    assert form["enctype"] == "multipart/form-data"
    assert form.find("input", attrs={"name": "_csrf_token"}) is not None
    assert attr_of(form, 'input[name="file"]', "accept") == ".pdf,.ods,.odt,.xlsx,.docx,.jpg,.jpeg,.png"
    assert (
        text_of(page.text, "#f-file-hint")
        == "PDF, Word or OpenDocument text, Excel or OpenDocument spreadsheet, JPEG or PNG; at most 10 MB a file and 20 files in all."
    )
    assert text_of(page.text, "p#files") == "No files are attached."


async def test_upload_lists_the_file_with_size_and_a_download_link(client):
    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers)
    content = pdf_bytes("Atbalsta vēstule")
    response = await upload(client, application_id, "atbalsta vēstule.pdf", content)
    assert (response.status_code, response.headers["location"]) == (
        302,
        f"/my/applications/{application_id}/attachments?done=attached",
    )
    assert await files_of(application_id) == [("atbalsta vēstule.pdf", len(content))]
    file_id = (await Attachment.select(Attachment.id).where(Attachment.application == application_id))[0][
        "id"
    ]

    page = await client.get(response.headers["location"])
    assert notice(page.text) == "The file is attached."
    link = f'td > a[href="/api/attachments/{file_id}"][download]'
    assert text_of(page.text, link) == "atbalsta vēstule.pdf"
    assert text_of(page.text, "td.number") == f"{len(content)} B"
    assert f"/my/applications/{application_id}/attachments/{file_id}/remove" in links(page.text)

    downloaded = await client.get(f"/api/attachments/{file_id}")
    assert (downloaded.status_code, downloaded.content) == (200, content)

    review = await client.get(f"/my/applications/{application_id}/review")
    assert text_of(review.text, f'p > a[href="/my/applications/{application_id}/attachments"]') == (
        "Change – Attachments"
    )
    assert text_of(review.text, f'li > a[href="/api/attachments/{file_id}"]') == "atbalsta vēstule.pdf"


async def test_a_file_of_the_wrong_type_is_refused_with_415_next_to_the_field(client):
    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers)
    before = stored_files()
    response = await upload(client, application_id, "tāme.pdf", ELF)
    assert response.status_code == 415
    assert (
        text_of(response.text, "#f-file-error")
        == "This type of file is not accepted. Accepted types: DOCX, JPG, ODS, ODT, PDF, PNG, XLSX."
    )
    assert attr_of(response.text, 'input[name="file"]', "aria-invalid") == "true"
    assert attr_of(response.text, 'input[name="file"]', "aria-describedby") == "f-file-hint f-file-error"
    assert await files_of(application_id) == []
    assert stored_files() == before


async def test_a_file_over_the_limit_is_413_with_a_message_and_nothing_is_stored(client):
    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers)
    before = stored_files()
    content = pdf_bytes().ljust(get_settings().upload_max_bytes + 1, b" ")
    response = await upload(client, application_id, "liels.pdf", content)
    assert response.status_code == 413
    assert text_of(response.text, "p.error#f-file-error") == "The file is too large: the limit is 10 MB."
    assert await files_of(application_id) == []
    assert stored_files() == before


async def test_posting_without_a_file_is_422_asking_for_one(client):
    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers)
    response = await post_form(client, f"/my/applications/{application_id}/attachments", {})
    assert response.status_code == 422
    assert text_of(response.text, "p.error#f-file-error") == "Choose a file to upload."


async def test_remove_asks_first_and_then_removes_the_file(client):
    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers)
    await upload(client, application_id, "lieks.pdf", pdf_bytes())
    await upload(client, application_id, "paliek.pdf", pdf_bytes("paliek"))
    doomed = (
        await Attachment.select(Attachment.id)
        .where((Attachment.application == application_id) & (Attachment.filename == "lieks.pdf"))
        .first()
    )["id"]
    url = f"/my/applications/{application_id}/attachments/{doomed}/remove"

    confirm = await client.get(url)
    assert confirm.status_code == 200
    reference = (await client.get(f"/api/applications/{application_id}", headers=headers)).json()["reference"]
    assert (
        f"You are about to remove the file “lieks.pdf” ({len(pdf_bytes())} B) from the application {reference} "
        "“Ar pielikumiem”. It cannot be restored; you can attach it again."
    ) in texts_of(confirm.text, "p")
    assert url in form_actions(confirm.text)
    assert [name for name, _ in await files_of(application_id)] == ["lieks.pdf", "paliek.pdf"]

    removed = await post_form(client, url, {})
    assert (removed.status_code, removed.headers["location"]) == (
        302,
        f"/my/applications/{application_id}/attachments?done=removed",
    )
    assert [name for name, _ in await files_of(application_id)] == ["paliek.pdf"]
    assert (await client.get(f"/api/attachments/{doomed}")).status_code == 404


async def test_a_submitted_application_lists_files_but_takes_and_removes_none(client):
    school = await make_school()
    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers)
    await client.patch(
        f"/api/applications/{application_id}", json=complete_application(school), headers=headers
    )
    await upload(client, application_id, "pieteikums.pdf", pdf_bytes())
    submitted = await client.post(f"/api/applications/{application_id}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    file_id = (await Attachment.select(Attachment.id).where(Attachment.application == application_id))[0][
        "id"
    ]

    page = await client.get(f"/my/applications/{application_id}/attachments")
    assert text_of(page.text, "td") == "pieteikums.pdf"
    assert 'type="file"' not in page.text
    assert "/remove" not in page.text
    assert text_of(page.text, "p.notice") == "The application can no longer be changed (status: Submitted)."

    refused = await upload(client, application_id, "vēl.pdf", pdf_bytes())
    assert refused.status_code == 409
    assert (
        text_of(refused.text, "#main ul")
        == "Files can be added only to a draft or while clarifying the application."
    )
    gone = await post_form(client, f"/my/applications/{application_id}/attachments/{file_id}/remove", {})
    assert gone.status_code == 409
    assert (
        text_of(gone.text, "div.error-summary")
        == "Files can be removed only from a draft or while clarifying the application."
    )
    assert await files_of(application_id) == [("pieteikums.pdf", len(pdf_bytes()))]


async def test_another_organisation_gets_404_and_cannot_add_or_remove(client, make_client):
    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers, title="Slepenais projekts Zeltiņos")
    await upload(client, application_id, "slepens-plans.pdf", pdf_bytes())
    file_id = (await Attachment.select(Attachment.id).where(Attachment.application == application_id))[0][
        "id"
    ]
    stranger = make_client()
    own = await draft_of(stranger, await signed_in_applicant(stranger))

    base = f"/my/applications/{application_id}/attachments"
    for url in (base, f"{base}/{file_id}/remove"):
        page = await stranger.get(url)
        assert page.status_code == 404, url
        assert "slepens-plans.pdf" not in page.text
        assert "Slepenais projekts" not in page.text
    assert (await upload(stranger, application_id, "iebāzts.pdf", pdf_bytes())).status_code == 404
    assert (await post_form(stranger, f"{base}/{file_id}/remove", {})).status_code == 404
    # Their own application's address with someone else's file: not found either.
    crossed = await post_form(stranger, f"/my/applications/{own}/attachments/{file_id}/remove", {})
    assert crossed.status_code == 404
    assert await files_of(application_id) == [("slepens-plans.pdf", len(pdf_bytes()))]


async def test_staff_without_the_applicant_role_are_refused(client, make_client):
    from grants.core.auth import Role
    from tests.factories.accounts import make_user

    headers = await signed_in_applicant(client)
    application_id = await draft_of(client, headers)
    staff = make_client()
    await login(staff, await make_user(Role.staff))
    page = await staff.get(f"/my/applications/{application_id}/attachments")
    assert page.status_code == 403
