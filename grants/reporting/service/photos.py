"""Photos of held events: images only (checked from the content), each with a thumbnail beside it.

The upload streams into the storage like any file; then Pillow reads it back,
refuses what it cannot decode or what would unpack into too many pixels (a
decompression bomb), and draws a thumbnail of at most THUMBNAIL_SIZE pixels a
side, stored under a key of its own. Anything refused leaves nothing stored.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import write_transaction
from grants.core.errors import Conflict, ValidationFailed
from grants.core.filetypes import JPEG, PNG
from grants.core.i18n import _
from grants.core.storage import IMAGE_TYPES, StoredFile, UnsupportedType, get_storage, kept_if_recorded
from grants.reporting.queries.events import find_photo
from grants.reporting.service import events as service
from grants.reporting.tables import EventPhoto

MAX_PHOTOS_PER_EVENT = 20
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is refused before it is decoded
THUMBNAIL_SIZE = 320
# Pillow's own guard, set to ours: it warns above the limit and refuses twice it while opening.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
_TURNED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


class TooManyPixels(Exception):
    """The image would unpack into more than MAX_PIXELS pixels."""


def make_thumbnail(data: bytes, content_type: str) -> tuple[bytes, int, int]:
    """(thumbnail bytes in the photo's own format, width and height of the photo as shown)."""
    try:
        with Image.open(io.BytesIO(data), formats=[_FORMATS[content_type]]) as image:
            if image.width * image.height > MAX_PIXELS:
                raise TooManyPixels
            width, height = image.size
            if image.getexif().get(ExifTags.Base.Orientation) in _TURNED:
                width, height = height, width
            if content_type == JPEG:
                # Decode at a fraction of the size (JPEG's DCT scaling): far less memory than whole.
                image.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))
            shown = ImageOps.exif_transpose(image)  # a phone's "rotated" flag, applied
            shown.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            if content_type == JPEG and shown.mode not in ("RGB", "L"):
                shown = shown.convert("RGB")
            out = io.BytesIO()
            shown.save(
                out, format=_FORMATS[content_type], **({"quality": 85} if content_type == JPEG else {})
            )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        # The first bytes said JPEG or PNG, but Pillow cannot read it as one: not an image we take.
        raise UnsupportedType(IMAGE_TYPES) from None
    return out.getvalue(), width, height


async def _read(key: str) -> bytes:
    # Bounded by the upload limit, which the storage has enforced already.
    return b"".join([chunk async for chunk in await get_storage().open(key)])


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def add_photo(
    event_id: int, principal: Principal, filename: str, chunks: AsyncIterator[bytes]
) -> dict[str, Any]:
    """Store a photo of a held event and its thumbnail, then record both in one row."""
    await service.editable_event(event_id, principal)
    if await EventPhoto.count().where(EventPhoto.event == event_id) >= MAX_PHOTOS_PER_EVENT:
        raise Conflict(_("An event can have at most {n} photos.").format(n=MAX_PHOTOS_PER_EVENT))
    storage = get_storage()
    stored: StoredFile = await storage.save(chunks, filename, allowed=IMAGE_TYPES)
    async with kept_if_recorded(stored):
        data = await _read(stored.key)
        try:
            thumbnail, width, height = await anyio.to_thread.run_sync(
                make_thumbnail, data, stored.content_type
            )
        except TooManyPixels:
            raise ValidationFailed(
                {
                    "file": _("The image is too large: at most {n} megapixels.").format(
                        n=MAX_PIXELS // 1_000_000
                    )
                }
            ) from None
        del data
        thumb = await storage.save(_once(thumbnail), stored.filename, allowed=IMAGE_TYPES)
        async with kept_if_recorded(thumb), write_transaction():
            # The report may have been accepted while the file streamed in: check again where it counts.
            await service.editable_event(event_id, principal, lock=True)
            created = await EventPhoto.insert(
                EventPhoto(
                    event=event_id,
                    storage_key=stored.key,
                    thumbnail_key=thumb.key,
                    filename=stored.filename,
                    content_type=stored.content_type,
                    size=stored.size,
                    sha256=stored.sha256,
                    width=width,
                    height=height,
                    uploaded_by=principal.user_id,
                )
            ).returning(EventPhoto.id)
            await audit.record(
                "attach",
                "event_report",
                event_id,
                actor=principal,
                after={"photo": stored.filename, "sha256": stored.sha256},
            )
    return {
        "id": created[0]["id"],
        "filename": stored.filename,
        "content_type": stored.content_type,
        "size": stored.size,
        "width": width,
        "height": height,
    }


async def remove_photo(photo_id: int, principal: Principal) -> int:
    """Remove a photo from a report not yet accepted; returns the event's id."""
    row = await find_photo(photo_id, principal)
    async with write_transaction():
        await service.editable_event(row["event"], principal, lock=True)
        await EventPhoto.delete().where(EventPhoto.id == photo_id)
        await audit.record(
            "detach", "event_report", row["event"], actor=principal, before={"photo": row["filename"]}
        )
    for key in (row["storage_key"], row["thumbnail_key"]):
        await get_storage().delete(key)
    return row["event"]
