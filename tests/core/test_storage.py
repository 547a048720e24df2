"""The file storage, the same tests on both backends: local files and S3 (moto's server over HTTP).

moto runs as a server process of its own on loopback, so boto3 speaks the real protocol to it, and
the memory the server keeps for the objects does not count in the memory check of our process.
"""

from __future__ import annotations

import hashlib
import tracemalloc
import uuid
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest

from grants.core.filetypes import content_disposition
from grants.core.storage import (
    IMAGE_TYPES,
    KEY_PATTERN,
    NotFound,
    StorageError,
    TooLarge,
    UnsupportedType,
    get_storage,
)
from tests.factories.files import (
    content_types_xml,
    docx_bytes,
    jpeg_bytes,
    odf_bytes,
    pdf_bytes,
    png_bytes,
    xlsx_bytes,
    zip_bytes,
)
from tests.factories.storage import (
    MB,
    REGION,
    chunks,
    read_all,
    s3_client,
    storage_settings,
    stored_keys,
    temp_files,
)

pytestmark = pytest.mark.integration


SAMPLES = {
    "pdf": ("Pārskats.pdf", pdf_bytes, "application/pdf"),
    "png": ("foto.png", png_bytes, "image/png"),
    "jpeg": ("foto.jpg", jpeg_bytes, "image/jpeg"),
    "docx": (
        "Pieteikums.docx",
        docx_bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ("Budžets.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": (
        "Apraksts.odt",
        lambda: odf_bytes("application/vnd.oasis.opendocument.text"),
        "application/vnd.oasis.opendocument.text",
    ),
    "ods": (
        "Tāme.ods",
        lambda: odf_bytes("application/vnd.oasis.opendocument.spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
}

REFUSED = {
    "elf": ("report.pdf", b"\x7fELF\x02\x01\x01\x00" + bytes(120)),
    "windows_exe": ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(120)),
    "html": ("report.pdf", b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"),
    "svg": ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "plain_zip": ("report.docx", zip_bytes({"report.txt": "not a document"})),
    "zip_with_word_folder_only": ("report.docx", zip_bytes({"word/document.xml": "<w:document/>"})),
    "macro_enabled_docm": (
        "report.docx",
        zip_bytes(
            {
                "[Content_Types].xml": content_types_xml(
                    "word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"
                ),
                "word/document.xml": "<w:document/>",
                "word/vbaProject.bin": b"\xd0\xcf\x11\xe0",
            }
        ),
    ),
    "odf_with_other_mimetype": ("report.odt", odf_bytes("application/vnd.oasis.opendocument.graphics")),
    "truncated_zip": ("report.xlsx", xlsx_bytes()[:200]),
}


# --- the two backends ---


# --- behaviour ---


@pytest.mark.parametrize("kind", sorted(SAMPLES))
async def test_save_round_trip_returns_same_bytes(storage, kind):
    filename, build, content_type = SAMPLES[kind]
    data = build()

    stored = await storage.save(chunks(data, size=100), filename)

    assert stored.content_type == content_type
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.filename == filename
    assert KEY_PATTERN.fullmatch(stored.key)
    assert await storage.exists(stored.key) is True
    assert await read_all(storage, stored.key) == data
    assert stored_keys(storage) == [stored.key]
    assert temp_files(storage) == []


async def test_save_over_limit_raises_too_large_and_keeps_nothing(storage, english):
    data = pdf_bytes() + bytes(11 * MB)
    consumed = 0

    async def upload() -> AsyncIterator[bytes]:
        nonlocal consumed
        async for chunk in chunks(data):
            consumed += len(chunk)
            yield chunk

    with pytest.raises(TooLarge) as raised:
        await storage.save(upload(), "big.pdf", max_bytes=10 * MB)

    assert raised.value.limit == 10 * MB
    assert raised.value.message == "The file is too large: the limit is 10 MB."
    assert consumed <= 10 * MB + 64 * 1024  # reading stopped at the chunk that passed the limit
    assert stored_keys(storage) == []
    assert temp_files(storage) == []


async def test_save_default_limit_comes_from_settings(storage):
    data = pdf_bytes() + bytes(storage.settings.upload_max_bytes)

    with pytest.raises(TooLarge) as raised:
        await storage.save(chunks(data), "big.pdf")

    assert raised.value.limit == 10 * MB
    assert stored_keys(storage) == []


async def test_save_exactly_at_limit_is_accepted(storage):
    data = pdf_bytes()

    stored = await storage.save(chunks(data, size=7), "limit.pdf", max_bytes=len(data))
    with pytest.raises(TooLarge):
        await storage.save(chunks(data + b"\n", size=7), "limit.pdf", max_bytes=len(data))

    assert stored.size == len(data)
    assert stored_keys(storage) == [stored.key]


@pytest.mark.parametrize("kind", sorted(REFUSED))
async def test_save_refuses_content_not_accepted_whatever_its_name(storage, kind):
    filename, data = REFUSED[kind]

    with pytest.raises(UnsupportedType):
        await storage.save(chunks(data), filename)

    assert stored_keys(storage) == []
    assert temp_files(storage) == []


async def test_save_empty_file_is_unsupported(storage, english):
    with pytest.raises(UnsupportedType) as raised:
        await storage.save(chunks(b""), "empty.pdf")

    assert raised.value.message.startswith("The file is empty.")
    assert stored_keys(storage) == []


async def test_save_broken_upload_keeps_nothing(storage):
    async def upload() -> AsyncIterator[bytes]:
        yield pdf_bytes()
        yield bytes(2 * MB)
        raise ConnectionResetError("the client went away")

    with pytest.raises(ConnectionResetError):
        await storage.save(upload(), "a.pdf")

    assert stored_keys(storage) == []
    assert temp_files(storage) == []


async def test_save_cancelled_upload_keeps_nothing(storage):
    with anyio.CancelScope() as scope:

        async def upload() -> AsyncIterator[bytes]:
            yield pdf_bytes()
            yield bytes(2 * MB)
            scope.cancel()
            await anyio.sleep(1)
            yield b"never read"

        await storage.save(upload(), "a.pdf")

    assert scope.cancelled_caught is True
    assert stored_keys(storage) == []
    assert temp_files(storage) == []


async def test_save_pdf_refused_where_only_images_are_allowed(storage, english):
    with pytest.raises(UnsupportedType) as raised:
        await storage.save(chunks(pdf_bytes()), "photo.jpg", allowed=IMAGE_TYPES)

    assert raised.value.message == "This type of file is not accepted. Accepted types: JPG, PNG."
    assert stored_keys(storage) == []


async def test_save_image_accepted_where_only_images_are_allowed(storage):
    stored = await storage.save(chunks(png_bytes()), "photo.png", allowed=IMAGE_TYPES)

    assert stored.content_type == "image/png"


async def test_save_path_traversal_filename_is_sanitised(storage):
    stored = await storage.save(chunks(pdf_bytes()), "../../etc/passwd")
    other = await storage.save(chunks(pdf_bytes()), "..\\..\\Windows\\system.ini\r\n.pdf")

    assert stored.filename == "passwd.pdf"
    assert other.filename == "system.ini .pdf"
    assert sorted(stored_keys(storage)) == sorted([stored.key, other.key])
    assert "passwd" not in stored.key


async def test_save_name_with_wrong_extension_gets_the_detected_one(storage):
    stored = await storage.save(chunks(png_bytes()), "photo.html")

    assert stored.filename == "photo.html.png"
    assert stored.content_type == "image/png"


async def test_save_same_file_twice_gets_two_random_keys(storage):
    data = pdf_bytes()

    first = await storage.save(chunks(data), "a.pdf")
    second = await storage.save(chunks(data), "a.pdf")

    assert first.key != second.key
    assert first.sha256 == second.sha256
    assert stored_keys(storage) == sorted([first.key, second.key])


async def test_delete_removes_the_file(storage):
    stored = await storage.save(chunks(pdf_bytes()), "a.pdf")
    kept = await storage.save(chunks(pdf_bytes()), "b.pdf")

    await storage.delete(stored.key)

    assert await storage.exists(stored.key) is False
    assert stored_keys(storage) == [kept.key]
    with pytest.raises(NotFound):
        await storage.open(stored.key)
    await storage.delete(stored.key)  # deleting again is no error


async def test_open_missing_key_raises_not_found(storage):
    with pytest.raises(NotFound):
        await storage.open("2026/03/01/" + "a" * 32)
    assert await storage.exists("2026/03/01/" + "a" * 32) is False


@pytest.mark.parametrize("key", ["../../etc/passwd", "2026/03/01/../../../../etc/passwd", "/etc/passwd", ""])
async def test_invalid_key_is_refused(storage, key):
    with pytest.raises(StorageError):
        await storage.open(key)
    with pytest.raises(StorageError):
        await storage.exists(key)
    with pytest.raises(StorageError):
        await storage.delete(key)


async def test_open_reads_in_chunks(storage):
    data = pdf_bytes() + bytes(MB)
    stored = await storage.save(chunks(data), "a.pdf")

    sizes = [len(chunk) async for chunk in await storage.open(stored.key)]

    assert sum(sizes) == len(data)
    assert max(sizes) <= 256 * 1024
    assert len(sizes) > 1


async def test_save_streams_without_holding_the_file_in_memory(storage):
    size = 25 * MB

    async def upload() -> AsyncIterator[bytes]:
        yield b"%PDF-1.4\n"
        for n in range(size // (64 * 1024)):
            yield bytes([n % 256]) * (64 * 1024)  # a new object each time, as a network read gives

    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        stored = await storage.save(upload(), "big.pdf", max_bytes=30 * MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert stored.size == size + 9
    assert peak - baseline < 8 * MB
    assert stored_keys(storage) == [stored.key]


async def test_url_for_download_local_is_none(local_storage):
    stored = await local_storage.save(chunks(pdf_bytes()), "a.pdf")

    assert await local_storage.url_for_download(stored.key, stored.filename, stored.content_type) is None


async def test_url_for_download_s3_downloads_as_attachment(s3_storage):
    data = pdf_bytes()
    stored = await s3_storage.save(chunks(data), "Pārskats par nometni.pdf")

    url = await s3_storage.url_for_download(stored.key, stored.filename, stored.content_type, expires=60)
    async with httpx.AsyncClient() as client:
        response = await client.get(url)

    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="Parskats par nometni.pdf"; '
        "filename*=UTF-8''P%C4%81rskats%20par%20nometni.pdf"
    )
    assert response.headers["content-disposition"] == content_disposition(stored.filename)


async def test_s3_bucket_prefix_keeps_objects_under_it(tmp_path, s3_endpoint):
    bucket = f"grants-test-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    storage = get_storage(
        storage_settings(
            tmp_path,
            STORAGE_URL=f"s3://{bucket}/grants/files",
            S3_ENDPOINT_URL=s3_endpoint,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION=REGION,
        )
    )

    stored = await storage.save(chunks(pdf_bytes()), "a.pdf")

    listing = client.list_objects_v2(Bucket=bucket)
    assert [item["Key"] for item in listing["Contents"]] == [f"grants/files/{stored.key}"]
    assert await read_all(storage, stored.key) == pdf_bytes()
