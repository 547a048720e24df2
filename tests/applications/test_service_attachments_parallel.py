"""The file limit of an application holds when many uploads arrive at once: the count is taken inside
the write transaction that inserts, with the application's row locked, so 30 parallel uploads against a
limit of 20 store exactly 20 and refuse the rest, keeping none of their bytes."""

from __future__ import annotations

import asyncio

import pytest

from grants.applications.rules import MAX_FILES_PER_APPLICATION
from grants.applications.tables import Attachment
from tests.factories.accounts import applicant_headers
from tests.factories.calls import published_call
from tests.factories.files import pdf_bytes
from tests.factories.storage import stored_files

pytestmark = pytest.mark.integration

PARALLEL = MAX_FILES_PER_APPLICATION + 10


async def test_parallel_uploads_stop_at_the_file_limit_of_an_application(client):
    headers = await applicant_headers(client)
    call = await published_call(client)
    draft = (
        await client.post(f"/api/calls/{call['id']}/applications", json={"title": "Daudz"}, headers=headers)
    ).json()
    before = stored_files()

    async def upload(n: int):
        return await client.post(
            f"/api/applications/{draft['id']}/attachments",
            files={"file": (f"fails-{n}.pdf", pdf_bytes(f"Lapa {n}"), "application/pdf")},
            headers=headers,
        )

    responses = await asyncio.gather(*(upload(n) for n in range(PARALLEL)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * MAX_FILES_PER_APPLICATION + [409] * (PARALLEL - MAX_FILES_PER_APPLICATION)
    refusals = {r.json()["detail"] for r in responses if r.status_code == 409}
    assert refusals == {"An application can have at most 20 files."}
    assert await Attachment.count().where(Attachment.application == draft["id"]) == MAX_FILES_PER_APPLICATION
    kept = {r.json()["id"] for r in responses if r.status_code == 201}
    rows = await Attachment.select(Attachment.id).where(Attachment.application == draft["id"])
    assert {row["id"] for row in rows} == kept
    assert len(stored_files() - before) == MAX_FILES_PER_APPLICATION  # refused uploads leave no bytes
