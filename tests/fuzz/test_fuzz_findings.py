"""What the fuzzing found, pinned down: each of these answered 500 before it was fixed."""

from __future__ import annotations

import pytest

from grants.core.auth import SESSION_COOKIE
from tests.factories.accounts import PASSWORD, applicant_headers, post_form, register_applicant
from tests.factories.calls import published_call
from tests.html import text_of

pytestmark = pytest.mark.integration


async def _draft(client) -> tuple[dict[str, str], int]:
    call = await published_call(client)
    headers = await applicant_headers(client)
    created = await client.post(f"/api/calls/{call['id']}/applications", json={"title": "A"}, headers=headers)
    assert created.status_code == 201, created.text
    return headers, created.json()["id"]


@pytest.mark.parametrize("number", ["2147483648", "99999999999999999999999", "0", "-1"])
async def test_id_beyond_the_id_columns_is_bad_input(client, number):
    """The database driver could not take such a number (OverflowError, int4 out of range)."""
    response = await client.get(f"/api/calls/{number}")
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "call_id"


async def test_largest_id_is_merely_not_found(client):
    response = await client.get("/api/calls/2147483647")
    assert response.status_code == 404


async def test_nul_character_in_json_text_is_refused(client):
    headers, app_id = await _draft(client)
    response = await client.patch(
        f"/api/applications/{app_id}", json={"title": "Nometne\x00"}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["extra"] == {"body": "Text must not contain the NUL character."}
    stored = await client.get(f"/api/applications/{app_id}", headers=headers)
    assert stored.json()["title"] == "A"


async def test_the_text_backslash_u0000_is_ordinary_text(client):
    headers, app_id = await _draft(client)
    response = await client.patch(f"/api/applications/{app_id}", json={"title": "C:\\u0000"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "C:\\u0000"


async def test_nul_character_in_query_is_refused(client):
    response = await client.get("/api/registry/schools", params={"municipality": "LV-016\x00"})
    assert response.status_code == 400
    assert response.json()["extra"] == {"query": "Text must not contain the NUL character."}


async def test_nul_character_in_a_form_is_refused(client):
    email, _ = await register_applicant(client)
    response = await post_form(client, "/login", {"email": email + "\x00", "password": PASSWORD})
    assert response.status_code == 400
    assert SESSION_COOKIE not in client.cookies
    assert text_of(response.text, "main p.lead") == "Text must not contain the NUL character."


async def test_nul_character_in_a_page_form_sent_as_multipart_is_refused(client):
    """A page's form sent as multipart/form-data (a file-less form, as any browser may send it) is
    parsed for the handler all the same: its text is checked as a URL-encoded one is."""
    from tests.factories.accounts import csrf_token
    from tests.factories.applications import PROJECT, api_draft, applicant

    call = await published_call(client)
    headers = await applicant(client)
    application_id = await api_draft(client, call["id"], headers, title="Pirms")
    fields = {**PROJECT, "title": "T\x00itle", "_csrf_token": await csrf_token(client)}
    response = await client.post(
        f"/my/applications/{application_id}/project",
        files={key: (None, value) for key, value in fields.items()},  # multipart, no file in it
    )
    assert response.status_code == 400
    assert text_of(response.text, "main p.lead") == "Text must not contain the NUL character."
    stored = await client.get(f"/api/applications/{application_id}", headers=headers)
    assert stored.json()["title"] == "Pirms"
