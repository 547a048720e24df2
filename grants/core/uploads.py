"""The one upload path: a multipart/form-data body read as it arrives, never whole, for the API and the pages.

Litestar's own form parsing buffers the whole body first; an API upload route
reads `request.stream()` through this instead and hands the file's chunks to
the storage, which counts, hashes and sniffs them on the way to disk or S3.
A page form (whose body the CSRF check has already parsed) hands its file the
same way through `form_file`. `upload_refusal` is the one mapping of a refused
upload (size, type, a malformed body) to its message and status code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Redirect, Response, Stream
from markupsafe import Markup
from python_multipart.exceptions import FormParserError, MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from grants.core.errors import ValidationFailed
from grants.core.filetypes import EXTENSIONS
from grants.core.i18n import _
from grants.core.storage import (
    DOCUMENT_TYPES,
    IMAGE_TYPES,
    StorageError,
    StoredFile,
    TooLarge,
    UnsupportedType,
    download_headers,
    get_storage,
    kept_if_recorded,
)
from grants.core.storage import NotFound as StorageNotFound
from grants.settings import get_settings

T = TypeVar("T")


class UploadError(ValueError):
    """The body is not a multipart form with the expected file field."""


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None


class MultipartFile:
    """`await reader.open(field)` gives the file's name; then iterate `reader.chunks()`."""

    def __init__(self, stream: AsyncIterator[bytes], content_type: str) -> None:
        kind, params = parse_options_header(content_type)
        boundary = params.get(b"boundary")
        if kind != b"multipart/form-data" or not boundary:
            raise UploadError(_("Send the file as multipart/form-data."))
        self._stream = stream
        self._pending: list[bytes] = []
        self._part = _Part()
        self._header_field = b""
        self._in_file = False
        self._file_done = False
        self._wanted = ""
        self.filename: str | None = None
        callbacks = {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field_data,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }
        try:
            self._parser = MultipartParser(boundary, callbacks=callbacks)
        except FormParserError:  # a boundary over the parser's 256 bytes: the client's error
            raise UploadError(_("The form is not a valid multipart/form-data body.")) from None
        self._value = b""

    # --- parser callbacks (synchronous, called from write()) ---------------------------
    def _part_begin(self) -> None:
        self._part = _Part()

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._part.headers[self._header_field.lower()] = self._value
        self._header_field = b""
        self._value = b""

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self._part.headers.get(b"content-disposition", b""))
        self._part.name = params.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = params.get(b"filename")
        self._part.filename = raw_filename.decode("utf-8", "replace") if raw_filename is not None else None
        if not self._file_done and self._part.name == self._wanted and self._part.filename is not None:
            self._in_file = True
            self.filename = self._part.filename

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._pending.append(data[start:end])

    def _part_end(self) -> None:
        if self._in_file:
            self._in_file = False
            self._file_done = True

    # --- async side ----------------------------------------------------------------------
    async def open(self, field_name: str = "file") -> str:
        """Read until the file part starts; returns its filename."""
        self._wanted = field_name
        async for chunk in self._stream:
            self._feed(chunk)
            if self.filename is not None:
                return self.filename
            if not chunk:
                break
        raise UploadError(_("The form has no file in the field “{name}”.").format(name=field_name))

    async def chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes, chunk by chunk, as the client sends them."""
        while True:
            while self._pending:
                yield self._pending.pop(0)
            if self._file_done:
                return
            chunk = await anext(self._stream, b"")
            if not chunk:
                self._feed(None)
                while self._pending:
                    yield self._pending.pop(0)
                if not self._file_done:
                    raise UploadError(_("The upload was cut off before the file ended."))
                return
            self._feed(chunk)

    def _feed(self, chunk: bytes | None) -> None:
        """The next bytes to the parser (None: the body ended); a malformed body is the client's error."""
        try:
            if chunk is None:
                self._parser.finalize()
            else:
                self._parser.write(chunk)
        except MultipartParseError:
            # e.g. a part header over the parser's limit (a file name of thousands of characters)
            raise UploadError(_("The form is not a valid multipart/form-data body.")) from None


FIELD_LIMIT = 4096  # bytes of one text field; more is not a number or a date


class FormWithFile(MultipartFile):
    """A multipart form of a few short text fields and one file (the agreement's number, date and
    document). The text parts sent before the file are known when the file starts, so a bad form is
    refused before anything is stored; those after it once the rest of the body is read."""

    def __init__(self, stream: AsyncIterator[bytes], content_type: str) -> None:
        super().__init__(stream, content_type)
        self.fields: dict[str, str] = {}
        self._text: bytearray | None = None
        self._text_name = ""

    def _headers_finished(self) -> None:
        super()._headers_finished()
        if self._part.filename is None and self._part.name:
            self._text, self._text_name = bytearray(), self._part.name

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._text is not None:
            if len(self._text) + end - start > FIELD_LIMIT:
                raise UploadError(_("The field “{name}” is too long.").format(name=self._text_name))
            self._text += data[start:end]
        else:
            super()._part_data(data, start, end)

    def _part_end(self) -> None:
        if self._text is not None:
            self.fields.setdefault(self._text_name, self._text.decode("utf-8", "replace"))
            self._text = None
        super()._part_end()

    async def finish(self) -> None:
        """Read the rest of the body (after the file), for the text fields sent last."""
        try:
            async for chunk in self._stream:
                if not chunk:
                    break
                self._parser.write(chunk)
            self._parser.finalize()
        except MultipartParseError:
            raise UploadError(_("The form is not a valid multipart/form-data body.")) from None


def _refused(exc: StorageError) -> HTTPException:
    """The API's answer to a refused upload: the same message and status code a page shows."""
    text, code = upload_refusal(exc)
    return HTTPException(status_code=code, detail=text)


async def receive_file(
    request: Request[Any, Any, Any],
    store: Callable[[str, AsyncIterator[bytes]], Awaitable[T]],
    field_name: str = "file",
    fields: dict[str, str] | None = None,
) -> T:
    """Stream the form's file into `store(filename, chunks)`, with the API's status codes:
    400 for a malformed form, 413 over the size limit, 415 for a type we do not take.
    `fields`, when given, receives the short text fields sent before the file (before `store` runs)."""
    try:
        content_type = request.headers.get("content-type", "")
        if fields is None:
            reader: MultipartFile = MultipartFile(request.stream(), content_type)
            filename = await reader.open(field_name)
        else:
            form = FormWithFile(request.stream(), content_type)
            filename = await form.open(field_name)
            fields.update(form.fields)
            reader = form
        return await store(filename, reader.chunks())
    except UploadError as exc:
        raise ValidationException(str(exc), extra={field_name: str(exc)}) from None
    except (TooLarge, UnsupportedType) as exc:
        raise _refused(exc) from None


async def receive_form(
    request: Request[Any, Any, Any],
    check: Callable[[dict[str, str]], Any],
    wanted: tuple[str, ...],
    field_name: str = "file",
) -> tuple[StoredFile, dict[str, str]]:
    """Store the form's document (DOCUMENT_TYPES, the upload limit) and return it with the text fields.

    When the `wanted` fields come before the file, `check(fields)` runs before anything is stored
    (it raises ValidationFailed to refuse). A form without the file is 422 on `file`; 413 over the
    size limit, 415 for a type not taken. The caller records the file (see kept_if_recorded)."""
    try:
        reader = FormWithFile(request.stream(), request.headers.get("content-type", ""))
        try:
            filename = await reader.open(field_name)
        except UploadError as exc:
            errors: dict[str, str] = {}
            try:
                check(reader.fields)
            except ValidationFailed as bad:
                errors = bad.errors
            raise ValidationFailed(errors | {field_name: str(exc)}) from None
        if all(name in reader.fields for name in wanted):
            check(reader.fields)
        stored = await get_storage().save(reader.chunks(), filename, allowed=DOCUMENT_TYPES)
        async with kept_if_recorded(stored):
            await reader.finish()
        return stored, reader.fields
    except UploadError as exc:
        raise ValidationFailed({field_name: str(exc)}) from None
    except (TooLarge, UnsupportedType) as exc:
        raise _refused(exc) from None


async def form_file(
    request: Request[Any, Any, Any], field_name: str = "file"
) -> tuple[str, AsyncIterator[bytes]] | None:
    """A page form's file as (name, chunks), or None when none was chosen.

    Pages read the parsed form: the CSRF check has read the body already, so the stream is gone.
    """
    form = await request.form()
    upload = form.get(field_name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None

    async def chunks() -> AsyncIterator[bytes]:
        while block := await upload.read(256 * 1024):
            yield block

    return upload.filename, chunks()


def upload_refusal(exc: StorageError) -> tuple[str, int]:
    """What a refused upload says (next to a page's file field, or as the API's detail), and its status."""
    if isinstance(exc, TooLarge):
        return exc.message, 413
    if isinstance(exc, UnsupportedType):
        return exc.message, 415
    return exc.message, 422


def upload_limit() -> int:
    # The storage enforces the exact limit; this only stops a body announced far bigger at the door.
    return get_settings().upload_max_bytes + 64 * 1024


def page_upload_limit() -> int:
    """The body limit of a page's upload form: twice the file limit, so a file a few MB over it still
    reaches the handler and the storage's refusal shows the same form again, with its message and all
    that was typed. A bigger body is refused at the door (see core.web's page for a 413)."""
    return 2 * get_settings().upload_max_bytes + 64 * 1024


def too_large_message() -> str:
    """The words of a refused oversize file, naming the limit: the storage's, so every place says the same."""
    return TooLarge(get_settings().upload_max_bytes).message


def file_input_attributes(kind: str = "document") -> Markup:
    """`{{ file_input("image") }}` in a file input: what static/js/uploads.js checks before sending (the
    size limit, the accepted types) and the server's own words for a refusal, so the browser stops a
    file the server would refuse with the same message, before the upload."""
    types = IMAGE_TYPES if kind == "image" else DOCUMENT_TYPES
    extensions = ",".join(ext for mime in sorted(types) for ext in EXTENSIONS[mime])
    attributes = {
        "accept": extensions,
        "data-max-bytes": str(get_settings().upload_max_bytes),
        "data-too-large": too_large_message(),
        "data-wrong-type": UnsupportedType(types).message,
    }
    return Markup(" ").join(Markup('{}="{}"').format(name, value) for name, value in attributes.items())


async def download_response(storage_key: str, filename: str, content_type: str) -> Response[Any]:
    """A redirect to a short-lived signed URL on S3, or the file streamed as an attachment."""
    storage = get_storage()
    url = await storage.url_for_download(storage_key, filename, content_type)
    if url is not None:
        return Redirect(url, headers={"Cache-Control": "no-store"})
    try:
        chunks = await storage.open(storage_key)
    except StorageNotFound:
        raise NotFoundException() from None
    headers = download_headers(filename, content_type) | {"Cache-Control": "private, no-store"}
    return Stream(chunks, headers=headers, media_type=content_type)
