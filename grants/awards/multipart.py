"""A multipart form of a few short text fields and one file, read as it arrives.

core.uploads.MultipartFile streams the file and skips every other part; the
agreement's form also carries its number and signing date. This reader keeps
the short text parts too: those sent before the file are known when the file
starts (so a bad form is refused before anything is stored), those after it
once the rest of the body is read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from python_multipart.exceptions import MultipartParseError

from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.core.storage import (
    DOCUMENT_TYPES,
    StoredFile,
    TooLarge,
    UnsupportedType,
    get_storage,
    kept_if_recorded,
)
from grants.core.uploads import MultipartFile, UploadError

FIELD_LIMIT = 4096  # bytes of one text field; more is not a number or a date


class FormWithFile(MultipartFile):
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
    except TooLarge as exc:
        raise HTTPException(status_code=413, detail=exc.message) from None
    except UnsupportedType as exc:
        raise HTTPException(status_code=415, detail=exc.message) from None
