"""Deleting a call: only one nobody applied to; one with applications is refused with a clear message,
and its applications stay, whoever asks and however (service, or the database itself)."""

from __future__ import annotations

import pytest

from grants.applications.tables import Application
from grants.calls import service as calls
from grants.calls.tables import Call, CallDocument, Criterion
from grants.core.errors import Conflict, NotFound
from grants.core.storage import get_storage
from grants.core.tables import AuditEntry
from tests.factories import reporting_rows as rows
from tests.factories.awards import staff_principal
from tests.factories.files import pdf_bytes
from tests.factories.storage import chunks, stored_keys

pytestmark = pytest.mark.integration


async def audit_rows(call_id: int) -> list[dict]:
    return await AuditEntry.select(AuditEntry.action, AuditEntry.actor_id).where(
        (AuditEntry.entity == "call")
        & (AuditEntry.entity_id == str(call_id))
        & (AuditEntry.action == "delete")
    )


async def test_delete_call_with_applications_is_refused(database, english):
    call_id = await rows.call("LV-016", status="closed")
    org = await rows.organisation()
    submitted = await rows.unawarded(call_id, org, "Iesniegtais projekts", status="submitted")
    await rows.unawarded(call_id, await rows.organisation(), "Otrais", status="submitted")
    await rows.unawarded(call_id, await rows.organisation(), "Trešais", status="draft")
    staff = await staff_principal()
    with pytest.raises(Conflict) as refused:
        await calls.delete_call(call_id, staff)
    assert refused.value.message == "This call has 3 applications; close it instead of deleting it."
    assert await Call.count().where(Call.id == call_id) == 1
    kept = await Application.select(Application.title, Application.status).where(Application.id == submitted)
    assert kept == [{"title": "Iesniegtais projekts", "status": "submitted"}]
    assert await audit_rows(call_id) == []


async def test_delete_call_with_one_application_says_so_in_latvian(database):
    call_id = await rows.call("LV-016", status="closed")
    await rows.unawarded(call_id, await rows.organisation(), "Vienīgais", status="submitted")
    with pytest.raises(Conflict) as refused:
        await calls.delete_call(call_id, await staff_principal())
    assert refused.value.message == "Konkursam ir 1 pieteikums; slēdziet to, nevis dzēsiet."


async def test_delete_call_without_applications_removes_it_its_criteria_and_files(database, english):
    staff = await staff_principal()
    call_id = await rows.call("LV-016", status="draft")
    await Criterion.insert(
        Criterion(call=call_id, code="K1", title="Kvalitāte", kind="quality", max_points=10)
    )
    document = await calls.add_document(call_id, staff, "Nolikums", "nolikums.pdf", chunks(pdf_bytes()))
    key = (await CallDocument.select(CallDocument.storage_key).where(CallDocument.id == document["id"]))[0][
        "storage_key"
    ]
    assert key in stored_keys(get_storage())
    await calls.delete_call(call_id, staff)
    assert await Call.count().where(Call.id == call_id) == 0
    assert await Criterion.count().where(Criterion.call == call_id) == 0
    assert await CallDocument.count().where(CallDocument.id == document["id"]) == 0
    assert key not in stored_keys(get_storage())
    assert await audit_rows(call_id) == [{"action": "delete", "actor_id": staff.user_id}]


async def test_delete_call_that_does_not_exist_is_not_found(database):
    with pytest.raises(NotFound):
        await calls.delete_call(2_000_000_000, await staff_principal())


async def test_delete_call_that_is_published_is_refused_until_closed(database, english):
    staff = await staff_principal()
    call_id = await rows.call("LV-016", status="published")
    with pytest.raises(Conflict) as refused:
        await calls.delete_call(call_id, staff)
    assert refused.value.message == "This call is published; close it before deleting it."
    assert await Call.select(Call.status).where(Call.id == call_id) == [{"status": "published"}]
    await calls.close(call_id, staff)
    await calls.delete_call(call_id, staff)
    assert await Call.count().where(Call.id == call_id) == 0
