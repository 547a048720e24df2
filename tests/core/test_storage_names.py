"""File names, download headers and the choice of storage backend: no storage touched."""

from pathlib import Path

import pytest

from grants.core.filetypes import content_disposition, display_name
from grants.core.storage import LocalStorage, S3Storage, download_headers, get_storage, sanitize_filename
from grants.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("C:\\Users\\Anna\\Pārskats.pdf", "Pārskats.pdf"),
        ("/var/www/index.php", "index.php"),
        (
            "Ģimeņu nometne — Ķekava, Ļaudona, Čiekurkalns, Žagari.docx",
            "Ģimeņu nometne — Ķekava, Ļaudona, Čiekurkalns, Žagari.docx",
        ),
        ("a\x00b\r\nc\x1b[31m.pdf", "ab c[31m.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),  # a right-to-left override hides the real extension
        ('what "is" <this>?|*.pdf', "what _is_ _this____.pdf"),
        ("  many   spaces\t.pdf  ", "many spaces .pdf"),
        ("", "file"),
        ("..", "file"),
        ("...", "file"),
        ("../", "file"),
        ("\x00\x01", "file"),
        (".htaccess", "htaccess"),
    ],
)
def test_sanitize_filename_cases(original, expected):
    assert sanitize_filename(original) == expected


def test_sanitize_filename_keeps_decomposed_latvian_letters_composed():
    assert sanitize_filename("Pa\u0304rskats.pdf") == "Pārskats.pdf"


def test_sanitize_filename_long_name_keeps_extension():
    result = sanitize_filename("ā" * 300 + ".xlsx")

    assert result == "ā" * 145 + ".xlsx"
    assert len(result) == 150


def test_sanitize_filename_long_name_without_extension_is_cut():
    assert sanitize_filename("x" * 400) == "x" * 150


def test_display_name_adds_extension_of_detected_type():
    assert display_name("Pārskats", "application/pdf") == "Pārskats.pdf"
    assert display_name("foto.JPEG", "image/jpeg") == "foto.JPEG"
    assert display_name("foto.png", "image/jpeg") == "foto.png.jpg"
    assert display_name("", "image/png") == "file.png"


def test_download_headers_latvian_name():
    assert download_headers("Pārskats par nometni Ķekavā.pdf", "application/pdf") == {
        "Content-Type": "application/pdf",
        "Content-Disposition": 'attachment; filename="Parskats par nometni Kekava.pdf"; '
        "filename*=UTF-8''P%C4%81rskats%20par%20nometni%20%C4%B6ekav%C4%81.pdf",
        "X-Content-Type-Options": "nosniff",
    }


def test_content_disposition_quotes_and_header_injection_are_neutralised():
    result = content_disposition('a"b;d%e\r\nSet-Cookie: x=1.pdf')

    assert result == (
        'attachment; filename="a_b_d_e Set-Cookie_ x=1.pdf"; '
        "filename*=UTF-8''a_b%3Bd%25e%20Set-Cookie_%20x%3D1.pdf"
    )


def test_content_disposition_name_without_ascii_letters_gets_fallback():
    assert content_disposition("Отчёт.pdf") == (
        "attachment; filename=\"file.pdf\"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf"
    )


def settings(tmp_path: Path, **values: str) -> Settings:
    return Settings.from_env({"GRANTS_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "k" * 40, **values})


def test_get_storage_relative_file_url_is_under_project_root(tmp_path):
    storage = get_storage(settings(tmp_path, STORAGE_URL="file://var/files"))

    assert isinstance(storage, LocalStorage)
    assert storage.root == PROJECT_ROOT / "var" / "files"
    assert storage.temp_dir == PROJECT_ROOT / "var" / "files" / ".incoming"


def test_get_storage_absolute_file_url(tmp_path):
    assert get_storage(settings(tmp_path, STORAGE_URL="file:///srv/grants/files")).root == Path(
        "/srv/grants/files"
    )
    assert get_storage(settings(tmp_path, STORAGE_URL="file://localhost/srv/files")).root == Path(
        "/srv/files"
    )


def test_get_storage_s3_url(tmp_path):
    storage = get_storage(
        settings(tmp_path, STORAGE_URL="s3://grants-files/uploads", S3_ENDPOINT_URL="http://127.0.0.1:9000")
    )

    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix) == ("grants-files", "uploads")
    assert storage.client.meta.endpoint_url == "http://127.0.0.1:9000"
    assert storage.client.meta.region_name == "eu-north-1"
    assert storage.temp_dir == tmp_path / "var" / "uploads"


def test_get_storage_same_settings_same_storage(tmp_path):
    first = settings(tmp_path, STORAGE_URL="file://var/files")
    again = settings(tmp_path, STORAGE_URL="file://var/files")
    other = settings(tmp_path, STORAGE_URL="file://var/other")

    assert get_storage(first) is get_storage(again)
    assert get_storage(first) is not get_storage(other)
