"""The photo limit of an event holds when many uploads arrive at once: counted inside the write
transaction that inserts, with the event's row locked; refused uploads keep neither photo nor thumbnail."""

from __future__ import annotations

import asyncio

import pytest

from grants.reporting.service.photos import MAX_PHOTOS_PER_EVENT
from grants.reporting.tables import EventPhoto
from tests.factories.files import image_bytes
from tests.factories.reporting import report, running_award
from tests.factories.storage import stored_files

pytestmark = pytest.mark.integration

PARALLEL = MAX_PHOTOS_PER_EVENT + 10


async def test_parallel_uploads_stop_at_the_photo_limit_of_an_event(client):
    award = await running_award(client)
    event = await report(client, award)
    before = stored_files()

    async def upload(n: int):
        return await client.post(
            f"/api/events/{event['id']}/photos",
            files={"file": (f"bilde-{n}.jpg", image_bytes(64 + n, 48), "image/jpeg")},
            headers=award["applicant"],
        )

    responses = await asyncio.gather(*(upload(n) for n in range(PARALLEL)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * MAX_PHOTOS_PER_EVENT + [409] * (PARALLEL - MAX_PHOTOS_PER_EVENT)
    refusals = {r.json()["detail"] for r in responses if r.status_code == 409}
    assert refusals == {"An event can have at most 20 photos."}
    assert await EventPhoto.count().where(EventPhoto.event == event["id"]) == MAX_PHOTOS_PER_EVENT
    assert len(stored_files() - before) == 2 * MAX_PHOTOS_PER_EVENT  # each kept photo and its thumbnail
