"""What an uploaded file is, told from its content (magic bytes and the ZIP directory), never its name;
and the name it is shown and downloaded under.

Only the types the programme needs are recognised; anything else (executables,
HTML, SVG, a plain ZIP, macro-enabled Office files) is None, so it is refused.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from pathlib import Path
from urllib.parse import quote

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

IMAGE_TYPES: frozenset[str] = frozenset({JPEG, PNG})
DOCUMENT_TYPES: frozenset[str] = frozenset({PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS})

# The first extension is the one a file of that type is given when its name has none of them.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    ODT: (".odt",),
    ODS: (".ods",),
}

# The folder and main part type of each OOXML package, as [Content_Types].xml names it; the macro-enabled
# variants (docm, xlsm) name a different type, so they are not recognised.
_OOXML = {
    DOCX: ("word/", b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    XLSX: ("xl/", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
_ODF = {ODT.encode(), ODS.encode()}
_MAX_MANIFEST_BYTES = 1024 * 1024  # [Content_Types].xml is a few kB; more is not an office file

MAX_FILENAME_LENGTH = 150
_FORBIDDEN_IN_NAMES = frozenset('<>:"/\\|?*')


def sniff(path: Path) -> str | None:
    """The MIME type of the file at `path`, or None when it is none of the known types."""
    with path.open("rb") as file:
        head = file.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head == b"\x89PNG\r\n\x1a\n":
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(path)
    return None


def _zip_type(path: Path) -> str | None:
    """DOCX/XLSX/ODT/ODS from the ZIP directory; only small entries are read, so a ZIP bomb costs nothing."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if not entries:
                return None
            names = {entry.filename for entry in entries}
            first = entries[0]
            # ODF: the first entry is an uncompressed "mimetype" holding the media type.
            if first.filename == "mimetype" and first.file_size <= 100:
                mimetype = archive.read(first).strip()
                return mimetype.decode() if mimetype in _ODF else None
            if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
                return None
            manifest = archive.getinfo("[Content_Types].xml")
            if manifest.file_size > _MAX_MANIFEST_BYTES:
                return None
            content_types = archive.read(manifest)
            for mime, (folder, main_type) in _OOXML.items():
                if main_type in content_types and any(n.startswith(folder) for n in names):
                    return mime
    except (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        KeyError,
        OSError,
        EOFError,
        ValueError,
    ):
        return None
    return None


def sanitize_filename(name: str, max_length: int = MAX_FILENAME_LENGTH) -> str:
    """A display name: no directories or traversal, no control characters, bounded length, never empty."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = (
        " " if char.isspace() else "_" if char in _FORBIDDEN_IN_NAMES else char
        for char in name
        # other controls, format characters (bidi overrides), unassigned code points go
        if char.isspace() or not unicodedata.category(char).startswith("C")
    )
    cleaned = " ".join("".join(kept).split()).strip(" .")
    if len(cleaned) > max_length:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and stem and len(extension) <= 10:
            cleaned = f"{stem[: max_length - len(extension) - 1].rstrip(' .')}.{extension}"
        else:
            cleaned = cleaned[:max_length].rstrip(" .")
    return cleaned or "file"


def display_name(filename: str, content_type: str) -> str:
    """The sanitised name, with the extension of the detected type added when the name lacks it."""
    extensions = EXTENSIONS[content_type]
    name = sanitize_filename(filename, MAX_FILENAME_LENGTH - len(extensions[0]))
    return name if name.lower().endswith(extensions) else name + extensions[0]


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / RFC 5987)."""
    name = sanitize_filename(filename)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r'["\\%;]', "_", ascii_name).strip()
    if not fallback or fallback.startswith("."):
        fallback = "file" + fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_headers(filename: str, content_type: str) -> dict[str, str]:
    """The headers of a download served by the app itself: always an attachment, never sniffed."""
    return {
        "Content-Type": content_type,
        "Content-Disposition": content_disposition(filename),
        "X-Content-Type-Options": "nosniff",
    }
