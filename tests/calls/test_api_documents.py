"""Documents of a call: staff attach them, the public downloads those of published calls."""

from __future__ import annotations

import pytest

from grants.core.auth import Role
from tests.factories.accounts import bearer, login, make_user, staff_headers
from tests.factories.calls import call_payload, published_call
from tests.factories.files import ELF, pdf_bytes
from tests.html import attrs_of, texts_of

pytestmark = pytest.mark.integration


async def test_staff_attach_and_public_download(client, make_client):
    call = await published_call(client)
    staff = await staff_headers(client)
    content = pdf_bytes("Nolikums")
    added = await client.post(
        f"/api/calls/{call['id']}/documents",
        params={"title": "Konkursa nolikums"},
        files={"file": ("nolikums.pdf", content, "application/pdf")},
        headers=staff,
    )
    assert added.status_code == 201, added.text
    anonymous = make_client()
    listed = (await anonymous.get(f"/api/calls/{call['id']}/documents")).json()
    assert [(d["title"], d["filename"]) for d in listed] == [("Konkursa nolikums", "nolikums.pdf")]
    download = await anonymous.get(f"/api/calls/{call['id']}/documents/{listed[0]['id']}")
    assert download.content == content
    page = await anonymous.get(f"/calls/{call['id']}")
    assert "Konkursa nolikums" in texts_of(page.text, "a")
    assert 'enctype="multipart/form-data"' not in page.text  # the upload form is for staff only


async def test_documents_of_a_draft_call_are_hidden(client, make_client):
    staff = await staff_headers(client)
    draft = (await client.post("/api/calls", json=call_payload(), headers=staff)).json()
    added = await client.post(
        f"/api/calls/{draft['id']}/documents",
        files={"file": ("a.pdf", pdf_bytes(), "application/pdf")},
        headers=staff,
    )
    anonymous = make_client()
    assert (
        await anonymous.get(f"/api/calls/{draft['id']}/documents/{added.json()['id']}")
    ).status_code == 404
    assert (await anonymous.get(f"/api/calls/{draft['id']}/documents")).status_code == 404


async def test_only_staff_attach_documents(client):
    call = await published_call(client)
    applicant = await bearer(client, await make_user(Role.applicant))
    response = await client.post(
        f"/api/calls/{call['id']}/documents",
        files={"file": ("a.pdf", pdf_bytes(), "application/pdf")},
        headers=applicant,
    )
    assert response.status_code == 403


async def test_staff_upload_form_on_the_call_page(client):
    call = await published_call(client)
    await login(client, await make_user(Role.staff))
    page = await client.get(f"/calls/{call['id']}")
    assert "multipart/form-data" in attrs_of(page.text, "form", "enctype")
    token = client.cookies["grants_csrf"]
    response = await client.post(
        f"/calls/{call['id']}/documents",
        data={"_csrf_token": token, "title": "Veidlapa"},
        files={"file": ("veidlapa.pdf", pdf_bytes(), "application/pdf")},
    )
    assert response.status_code == 302
    assert response.headers["location"] == f"/calls/{call['id']}?document=added"
    refused = await client.post(
        f"/calls/{call['id']}/documents",
        data={"_csrf_token": token, "title": "Programma"},
        files={"file": ("programma.pdf", ELF, "application/pdf")},
    )
    assert refused.headers["location"].startswith(f"/calls/{call['id']}?document=refused")
    titles = [d["title"] for d in (await client.get(f"/api/calls/{call['id']}/documents")).json()]
    assert titles == ["Veidlapa"]
    # Without the CSRF token nothing is accepted.
    forged = await client.post(
        f"/calls/{call['id']}/documents", files={"file": ("x.pdf", pdf_bytes(), "application/pdf")}
    )
    assert forged.status_code == 403
