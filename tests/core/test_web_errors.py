"""A delete the database refuses (ON DELETE RESTRICT) is a 409 with a clear message wherever it comes
from, never a 500: the app's error handling translates the foreign-key violation of either engine."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar, delete
from litestar.template.config import TemplateConfig

from grants.calls.tables import Call
from grants.core.auth import public
from grants.core.error_pages import error_handlers
from grants.core.web import template_engine
from tests.factories import reporting_rows as rows

pytestmark = pytest.mark.integration


@delete("/api/raw-calls/{call_id:int}", guards=[public], status_code=204)
async def api_delete(call_id: int) -> None:
    await Call.raw("DELETE FROM grant_call WHERE id = {}", call_id)


@delete("/raw-calls/{call_id:int}", guards=[public], status_code=204)
async def page_delete(call_id: int) -> None:
    await Call.raw("DELETE FROM grant_call WHERE id = {}", call_id)


@delete("/api/broken", guards=[public], status_code=204)
async def not_a_foreign_key() -> None:
    await Call.raw("INSERT INTO grant_call (id, title) SELECT id, title FROM grant_call LIMIT 1")


def client() -> httpx.AsyncClient:
    app = Litestar(
        [api_delete, page_delete, not_a_foreign_key],
        exception_handlers=error_handlers(),
        template_config=TemplateConfig(instance=template_engine()),
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def call_with_application() -> int:
    call_id = await rows.call("LV-016", status="closed")
    await rows.unawarded(call_id, await rows.organisation(), "Iesniegts", status="submitted")
    return call_id


async def test_a_restricted_delete_is_a_409_in_the_api(database, english):
    call_id = await call_with_application()
    async with client() as c:
        response = await c.delete(f"/api/raw-calls/{call_id}")
    assert response.status_code == 409
    assert response.json() == {
        "status_code": 409,
        "detail": "Other records still refer to this one (history is kept), so it cannot be deleted.",
        "extra": {},
    }
    assert await Call.count().where(Call.id == call_id) == 1


async def test_a_restricted_delete_is_a_409_page(database, english):
    call_id = await call_with_application()
    async with client() as c:
        response = await c.delete(f"/raw-calls/{call_id}")
    assert response.status_code == 409
    assert (
        "Other records still refer to this one (history is kept), so it cannot be deleted." in response.text
    )
    assert await Call.count().where(Call.id == call_id) == 1


async def test_another_integrity_error_stays_an_internal_error(database, english):
    await rows.call("LV-016", status="closed")
    async with client() as c:
        response = await c.delete("/api/broken")
    assert response.status_code == 500
    assert response.json()["detail"] == "Internal Server Error"
