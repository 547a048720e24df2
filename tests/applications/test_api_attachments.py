"""Application files through the API: streamed in, checked, shown only to whom they belong."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid

import boto3
import httpx
import pytest

from grants.applications.tables import Attachment
from grants.settings import get_settings, override_settings
from tests.factories.accounts import applicant_headers, staff_headers
from tests.factories.applications import complete_application
from tests.factories.calls import published_call
from tests.factories.files import ELF, pdf_bytes, png_bytes
from tests.factories.registry import make_school

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True, params=["local", "s3"])
def storage_backend(request):
    """Every test here runs against the local directory and against S3 (moto's server on loopback)."""
    if request.param == "local":
        yield "local"
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"grants-{uuid.uuid4().hex[:12]}"
    boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="eu-north-1",
    ).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    before = get_settings()
    override_settings(
        dataclasses.replace(
            before,
            storage_url=f"s3://{bucket}",
            s3_endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            aws_region="eu-north-1",
        )
    )
    yield "s3"
    override_settings(before)


async def fetch(client, url: str, headers: dict) -> httpx.Response:
    """A download as a browser gets it: on S3 the app answers with a redirect to a presigned URL."""
    response = await client.get(url, headers=headers)
    if response.status_code in (302, 303, 307):
        async with httpx.AsyncClient() as outside:
            return await outside.get(response.headers["location"])
    return response


async def new_draft(client, headers):
    call = await published_call(client)
    created = await client.post(
        f"/api/calls/{call['id']}/applications", json={"title": "Ar failiem"}, headers=headers
    )
    return created.json()


async def upload(client, application_id, headers, name, content, mime="application/pdf"):
    return await client.post(
        f"/api/applications/{application_id}/attachments",
        files={"file": (name, content, mime)},
        headers=headers,
    )


async def test_upload_then_download_the_same_bytes(client, storage_backend):
    headers = await applicant_headers(client)
    app = await new_draft(client, headers)
    content = pdf_bytes("Budžeta pamatojums")
    response = await upload(client, app["id"], headers, "Budžets 2027.pdf", content)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["filename"], body["content_type"], body["size"], body["sha256"]) == (
        "Budžets 2027.pdf",
        "application/pdf",
        len(content),
        hashlib.sha256(content).hexdigest(),
    )
    listed = (await client.get(f"/api/applications/{app['id']}", headers=headers)).json()["attachments"]
    assert listed == [body]
    download = await fetch(client, f"/api/attachments/{body['id']}", headers)
    assert download.status_code == 200
    assert download.content == content
    if storage_backend == "local":  # S3 serves the bytes itself, with the disposition we signed
        assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Bud%C5%BE" in download.headers["content-disposition"]


async def test_eleven_megabytes_get_413_and_nothing_is_kept(client):
    headers = await applicant_headers(client)
    app = await new_draft(client, headers)
    big = pdf_bytes() + b"0" * (11 * 1024 * 1024)
    response = await upload(client, app["id"], headers, "liels.pdf", big)
    assert response.status_code == 413
    assert await Attachment.count().where(Attachment.application == app["id"]) == 0


async def test_executable_renamed_pdf_gets_415(client):
    headers = await applicant_headers(client)
    app = await new_draft(client, headers)
    response = await upload(client, app["id"], headers, "pieteikums.pdf", ELF)
    assert response.status_code == 415
    assert response.json()["status_code"] == 415
    assert await Attachment.count().where(Attachment.application == app["id"]) == 0


async def test_path_traversal_name_is_stored_harmless(client):
    headers = await applicant_headers(client)
    app = await new_draft(client, headers)
    response = await upload(client, app["id"], headers, "../../etc/passwd", png_bytes(), "image/png")
    assert response.status_code == 201
    assert response.json()["filename"] == "passwd.png"


async def test_another_organisation_gets_404_on_download(client, make_client):
    owner = await applicant_headers(client)
    app = await new_draft(client, owner)
    stored = (await upload(client, app["id"], owner, "slepens.pdf", pdf_bytes("Slepens"))).json()
    stranger_client = make_client()
    stranger = await applicant_headers(stranger_client)
    response = await stranger_client.get(f"/api/attachments/{stored['id']}", headers=stranger)
    assert response.status_code == 404
    assert b"Slepens" not in response.content
    removed = await stranger_client.delete(f"/api/attachments/{stored['id']}", headers=stranger)
    assert removed.status_code == 404
    # Staff may read it.
    staff = await staff_headers(client)
    assert (await fetch(client, f"/api/attachments/{stored['id']}", staff)).content == pdf_bytes("Slepens")


async def test_no_files_after_submission(client):
    headers = await applicant_headers(client)
    school = await make_school()
    app = await new_draft(client, headers)
    await client.patch(f"/api/applications/{app['id']}", json=complete_application(school), headers=headers)
    assert (await client.post(f"/api/applications/{app['id']}/submit", headers=headers)).status_code == 200
    response = await upload(client, app["id"], headers, "vēlāk.pdf", pdf_bytes())
    assert response.status_code == 409
    assert await Attachment.count().where(Attachment.application == app["id"]) == 0


async def test_removing_a_file_deletes_it(client):
    headers = await applicant_headers(client)
    app = await new_draft(client, headers)
    stored = (await upload(client, app["id"], headers, "a.pdf", pdf_bytes())).json()
    assert (await client.delete(f"/api/attachments/{stored['id']}", headers=headers)).status_code == 204
    assert (await client.get(f"/api/attachments/{stored['id']}", headers=headers)).status_code == 404


async def test_upload_without_file_field_is_a_clear_400(client):
    headers = await applicant_headers(client)
    app = await new_draft(client, headers)
    response = await client.post(
        f"/api/applications/{app['id']}/attachments", files={"other": ("a.pdf", pdf_bytes())}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["extra"] == {"file": "The form has no file in the field “file”."}
