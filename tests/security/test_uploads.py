"""Upload attacks: too large, a wrong type behind a good name, hostile file names, a huge image.

Multipart bodies are written by hand, so the file name reaches the server exactly as an
attacker sends it (httpx would percent-encode control characters).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from grants.applications.tables import Attachment
from grants.calls.tables import CallDocument
from grants.core.storage import KEY_PATTERN, get_storage
from grants.settings import get_settings
from tests.factories.accounts import applicant_headers, staff_headers
from tests.factories.calls import published_call
from tests.security.web import browser
from tests.security.world import pdf

pytestmark = pytest.mark.integration

BOUNDARY = b"----security-suite-boundary"


def multipart(
    filename: bytes, content: bytes, content_type: bytes = b"application/pdf"
) -> tuple[bytes, dict]:
    body = (
        b"--" + BOUNDARY + b"\r\n"
        b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
        b"Content-Type: " + content_type + b"\r\n\r\n" + content + b"\r\n--" + BOUNDARY + b"--\r\n"
    )
    return body, {"content-type": f"multipart/form-data; boundary={BOUNDARY.decode()}"}


def stored_files() -> set[Path]:
    root = get_storage().root
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}


def png(width: int, height: int) -> bytes:
    """A valid PNG header declaring width × height, with one tiny compressed row: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
async def draft(app) -> tuple[int, dict[str, str]]:
    """A draft application and its owner's bearer headers."""
    async with browser(app) as http:
        call = await published_call(http)
        headers = await applicant_headers(http)
        created = await http.post(
            f"/api/calls/{call['id']}/applications", json={"title": "Files"}, headers=headers
        )
        return created.json()["id"], headers


async def upload(
    client, application_id: int, headers: dict, name: bytes, content: bytes, kind=b"application/pdf"
):
    body, type_header = multipart(name, content, kind)
    return await client.post(
        f"/api/applications/{application_id}/attachments", content=body, headers=headers | type_header
    )


@pytest.mark.parametrize("extra", [1, 128 * 1024], ids=["one byte over", "body over the door limit"])
async def test_oversize_upload_is_413_and_nothing_is_stored(client, draft, extra):
    application_id, headers = draft
    before_rows = await Attachment.count().where(Attachment.application == application_id)
    before_files = stored_files()
    content = pdf().ljust(get_settings().upload_max_bytes + extra, b" ")
    response = await upload(client, application_id, headers, b"big.pdf", content)
    assert response.status_code == 413
    assert response.json()["status_code"] == 413
    assert await Attachment.count().where(Attachment.application == application_id) == before_rows
    assert stored_files() == before_files


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (b"report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200),  # a Windows executable
        (b"report.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),  # a Linux executable
        (b"photo.png", b"<!doctype html><script>alert(1)</script>"),
        (b"photo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        (b"letter.docx", b"PK\x03\x04" + b"\x00" * 200),  # a zip that is no office file
        (b"empty.pdf", b""),
    ],
    ids=["exe as pdf", "elf as pdf", "html as png", "svg as png", "zip as docx", "empty"],
)
async def test_content_that_is_not_an_accepted_type_is_415_whatever_its_name(client, draft, name, content):
    application_id, headers = draft
    before_files = stored_files()
    response = await upload(client, application_id, headers, name, content)
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/json"
    assert stored_files() == before_files


async def test_staff_document_upload_refuses_a_disguised_file(client):
    call = await published_call(client)
    headers = await staff_headers(client)
    body, type_header = multipart(b"rules.pdf", b"<html><script>alert(1)</script></html>")
    response = await client.post(
        f"/api/calls/{call['id']}/documents", content=body, headers=headers | type_header
    )
    assert response.status_code == 415
    assert await CallDocument.count().where(CallDocument.call == call["id"]) == 0


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        (b"../../etc/passwd.pdf", "passwd.pdf"),
        (b"..\\..\\windows\\x.pdf", "x.pdf"),
        (b"/etc/cron.d/job.pdf", "job.pdf"),
        (b"evil\x00.pdf", "evil.pdf"),
        (b"a\x00/../../b.pdf", "b.pdf"),
        (b"x\r\nSet-Cookie: planted=1.pdf", "_x.pdf"),  # the part's header ends at the CRLF
        ("\u202egpj.exe".encode(), "gpj.exe.pdf"),
        (b"   ...   ", "file.pdf"),
        (b"A" * 3000 + b".pdf", "A" * 142 + ".pdf"),
    ],
    ids=[
        "traversal",
        "windows traversal",
        "absolute",
        "nul",
        "nul traversal",
        "crlf",
        "bidi",
        "dots",
        "long",
    ],
)
async def test_hostile_names_are_stored_under_a_random_key_and_sanitised(client, draft, sent, shown):
    application_id, headers = draft
    response = await upload(client, application_id, headers, sent, pdf("named"))
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == shown
    row = (
        await Attachment.select(Attachment.storage_key).where(Attachment.id == response.json()["id"]).first()
    )
    assert KEY_PATTERN.fullmatch(row["storage_key"])
    assert (get_storage().root / row["storage_key"]).is_file()
    download = await client.get(f"/api/attachments/{response.json()['id']}", headers=headers)
    assert download.status_code == 200
    assert download.content == pdf("named")
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "/" not in disposition.split(";")[1] and ".." not in disposition
    assert "\r" not in disposition and "\n" not in disposition and "\x00" not in disposition
    assert "planted" not in download.headers.get("set-cookie", "")
    assert download.headers["x-content-type-options"] == "nosniff"
    await client.delete(f"/api/attachments/{response.json()['id']}", headers=headers)


async def test_name_longer_than_a_part_header_may_be_is_a_clean_400(client, draft):
    application_id, headers = draft
    before_files = stored_files()
    response = await upload(client, application_id, headers, b"A" * 5000 + b".pdf", pdf())
    assert response.status_code == 400
    assert response.json()["extra"] == {"file": "The form is not a valid multipart/form-data body."}
    assert stored_files() == before_files


async def test_html_that_starts_like_a_pdf_is_only_ever_downloaded_as_a_pdf(client, draft):
    application_id, headers = draft
    polyglot = b"%PDF-1.4\n<html><script>alert(1)</script></html>"
    response = await upload(client, application_id, headers, b"page.html", polyglot, b"text/html")
    assert response.status_code == 201
    assert response.json()["filename"] == "page.html.pdf"
    download = await client.get(f"/api/attachments/{response.json()['id']}", headers=headers)
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    await client.delete(f"/api/attachments/{response.json()['id']}", headers=headers)


async def test_decompression_bomb_png_as_attachment_is_kept_as_bytes_without_decoding(client, draft):
    """Attachments are never decoded (no thumbnails): the bomb is a small file, stored and served as one."""
    application_id, headers = draft
    bomb = png(100_000, 100_000)
    response = await upload(client, application_id, headers, b"bomb.png", bomb, b"image/png")
    assert response.status_code == 201
    assert (response.json()["content_type"], response.json()["size"]) == ("image/png", len(bomb))
    download = await client.get(f"/api/attachments/{response.json()['id']}", headers=headers)
    assert download.content == bomb
    assert download.headers["content-disposition"].startswith("attachment;")
    await client.delete(f"/api/attachments/{response.json()['id']}", headers=headers)


# --- event photos: the one place images are decoded (thumbnails) ------------------------------------


def photo_count(event_id: int):
    from grants.reporting.tables import EventPhoto

    return EventPhoto.count().where(EventPhoto.event == event_id)


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [
        (b"bomb.png", png(100_000, 100_000), 422),  # ten gigapixels declared in a few hundred bytes
        (b"wide.png", png(50_000, 1_000), 422),  # fifty megapixels: over the limit, however thin
        (b"broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 415),  # a PNG signature and nothing else
        (b"photo.png", b"<svg onload=alert(1)>", 415),
        (b"photo.jpg", pdf(), 415),
    ],
    ids=["bomb", "too many pixels", "truncated", "svg", "pdf as jpg"],
)
async def test_event_photo_that_cannot_be_decoded_safely_is_refused_cleanly(
    api, world, name, content, status
):
    before_rows, before_files = await photo_count(world.ids["event_a"]), stored_files()
    body, type_header = multipart(name, content, b"image/png")
    response = await api.post(
        f"/api/events/{world.ids['event_a']}/photos", content=body, headers=world.headers("a") | type_header
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert await photo_count(world.ids["event_a"]) == before_rows
    assert stored_files() == before_files


async def test_event_photo_bomb_through_the_page_form_is_refused_cleanly(browsers, world):
    from tests.security.web import csrf

    client = browsers["a"]
    before_rows, before_files = await photo_count(world.ids["event_a"]), stored_files()
    response = await client.post(
        f"/my/events/{world.ids['event_a']}/photos",
        data={"_csrf_token": await csrf(client)},
        files={"file": ("bomb.png", png(100_000, 100_000), "image/png")},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert await photo_count(world.ids["event_a"]) == before_rows
    assert stored_files() == before_files


@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("/api/applications/{a_draft}/attachments", "a"),
        ("/api/calls/{call_open}/documents", "s"),
        ("/api/events/{event_a}/photos", "a"),
        ("/api/awards/{award_a_fin}/final-report/attachments", "a"),
        ("/api/awards/{award_a}/agreement", "s"),
    ],
)
async def test_overlong_part_header_is_bad_input_on_every_upload_route(api, world, url, role):
    """python-multipart refuses a part header over 4 kB; that is the client's error, never a 500."""
    before_files = stored_files()
    body, type_header = multipart(b"A" * 5000 + b".pdf", pdf())
    response = await api.post(
        url.format(**world.ids), content=body, headers=world.headers(role) | type_header
    )
    assert response.status_code in (400, 422), response.text
    assert stored_files() == before_files


@pytest.mark.parametrize(
    "url",
    [
        "/api/applications/{a_draft}/attachments",
        "/api/calls/{call_open}/documents",
        "/api/events/{event_a}/photos",
        "/api/awards/{award_a_fin}/final-report/attachments",
        "/api/awards/{award_a}/agreement",
    ],
)
async def test_a_boundary_longer_than_the_parser_takes_is_bad_input(api, world, url):
    """python-multipart refuses a boundary over 256 bytes when the parser is made: was a 500."""
    role = "s" if "documents" in url or "agreement" in url else "a"
    boundary = b"b" * 300
    body = multipart(b"a.pdf", pdf())[0].replace(BOUNDARY, boundary)
    headers = world.headers(role) | {"content-type": f"multipart/form-data; boundary={boundary.decode()}"}
    response = await api.post(url.format(**world.ids), content=body, headers=headers)
    assert response.status_code in (400, 422), response.text
    assert "multipart/form-data" in response.text
