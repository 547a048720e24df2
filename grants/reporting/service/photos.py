"""Photos of held events: images only (checked from the content), each with a thumbnail beside it.

The upload streams into the storage like any file; then core.images reads it back
in bounded memory, refuses what it cannot decode or what declares more pixels than
its decoder may hold (a decompression bomb among them), and draws a thumbnail of at
most THUMBNAIL_SIZE pixels a side, stored under a key of its own. The count of an
event's photos is checked again in the transaction that records one, under the
event's lock. Anything refused leaves nothing stored.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grants.core import audit, images
from grants.core.auth import Principal
from grants.core.db import write_transaction
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _
from grants.core.storage import IMAGE_TYPES, StoredFile, get_storage, kept_if_recorded
from grants.reporting.queries.events import find_photo
from grants.reporting.service import events as service
from grants.reporting.tables import EventPhoto

MAX_PHOTOS_PER_EVENT = 20
THUMBNAIL_SIZE = 320


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _check_room(event_id: int) -> None:
    if await EventPhoto.count().where(EventPhoto.event == event_id) >= MAX_PHOTOS_PER_EVENT:
        raise Conflict(_("An event can have at most {n} photos.").format(n=MAX_PHOTOS_PER_EVENT))


async def add_photo(
    event_id: int, principal: Principal, filename: str, chunks: AsyncIterator[bytes], *, consent: bool = False
) -> dict[str, Any]:
    """Store a photo of a held event and its thumbnail, then record both in one row. `consent`: the
    people in it agreed to its being shown to the municipality (by default they did not)."""
    await service.editable_event(event_id, principal)
    await _check_room(event_id)  # refused before anything is stored
    storage = get_storage()
    stored: StoredFile = await storage.save(chunks, filename, allowed=IMAGE_TYPES)
    async with kept_if_recorded(stored):
        try:
            small = await images.thumbnail(stored.key, stored.content_type, THUMBNAIL_SIZE)
        except images.TooManyPixels as exc:
            raise ValidationFailed({"file": exc.message}) from None
        width, height = small.width, small.height
        thumb = await storage.save(_once(small.data), stored.filename, allowed=IMAGE_TYPES)
        async with kept_if_recorded(thumb), write_transaction():
            # The report may have been accepted while the file streamed in: check again where it counts.
            await service.editable_event(event_id, principal, lock=True)
            await _check_room(event_id)  # again under the event's lock: parallel uploads queue here
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
                    consent=consent,
                    uploaded_by=principal.user_id,
                )
            ).returning(EventPhoto.id)
            await audit.record(
                "attach",
                "event_report",
                event_id,
                actor=principal,
                after={"photo": stored.filename, "sha256": stored.sha256, "consent": consent},
            )
    return {
        "id": created[0]["id"],
        "filename": stored.filename,
        "content_type": stored.content_type,
        "size": stored.size,
        "width": width,
        "height": height,
        "consent": consent,
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
