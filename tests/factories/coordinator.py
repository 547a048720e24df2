"""What the coordinator's tests share: schools in PuMPuRS, a photo in the storage, a coordinator's browser.

Rows are inserted with the table classes (tests.factories.reporting_rows), as the services leave
them; the photo's bytes are stored in the real storage, as the photo service stores them.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import date

from PIL import Image

from grants.core.auth import Role
from grants.core.storage import IMAGE_TYPES, get_storage
from grants.registry.tables import School
from grants.reporting.tables import EventPhoto, EventReport
from tests.factories.accounts import login, make_user
from tests.factories.reporting_rows import school


async def pumpurs_school(
    municipality: str, name: str, since: date = date(2020, 9, 1), until: date | None = None
) -> str:
    """A school of the register taking part in PuMPuRS from `since` (to `until`)."""
    number = await school(municipality, name)
    await School.update({School.pumpurs_since: since, School.pumpurs_until: until}).where(
        School.registration_number == number
    )
    return number


def png(colour: tuple[int, int, int] = (30, 90, 160), size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def photo(event_id: int, *, consent: bool, data: bytes | None = None) -> dict:
    """A photo of the event and its thumbnail in the storage; returns the row's id and both bytes."""
    data = data or png()
    thumb = png((200, 200, 0), (20, 15))
    storage = get_storage()
    image = await storage.save(_once(data), "photo.png", allowed=IMAGE_TYPES)
    small = await storage.save(_once(thumb), "thumbnail.png", allowed=IMAGE_TYPES)
    rows = await EventPhoto.insert(
        EventPhoto(
            event=event_id,
            storage_key=image.key,
            thumbnail_key=small.key,
            filename="photo.png",
            content_type="image/png",
            size=image.size,
            sha256=image.sha256,
            width=40,
            height=30,
            consent=consent,
        )
    ).returning(EventPhoto.id)
    return {"id": rows[0]["id"], "image": data, "thumbnail": thumb}


async def set_event(event_id: int, **values) -> None:
    await EventReport.update({getattr(EventReport, k): v for k, v in values.items()}).where(
        EventReport.id == event_id
    )


async def coordinator_browser(make_client, municipality: str):
    """A browser signed in as a new coordinator of the municipality; (browser, e-mail)."""
    email = await make_user(Role.coordinator, municipality)
    browser = make_client()
    await login(browser, email)
    return browser, email
