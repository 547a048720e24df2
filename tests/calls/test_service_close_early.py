"""Closing a call before its deadline: the real closing time replaces the planned one (every page reads
closes_at), the call is marked closed early, and the audit row keeps the planned time."""

from __future__ import annotations

from datetime import datetime

import pytest

from grants.calls import service
from grants.calls.tables import Call
from grants.core.tables import AuditEntry
from grants.core.time import now
from tests.factories.awards import staff_principal
from tests.factories.calls import call_payload

pytestmark = pytest.mark.integration


async def _published() -> tuple[int, object]:
    staff = await staff_principal()
    call_id = await service.create_call(call_payload(), staff)
    await service.publish(call_id, staff)
    return call_id, staff


async def test_close_early_moves_the_deadline_to_the_closing_time(client):
    call_id, staff = await _published()
    planned = (await Call.select(Call.closes_at).where(Call.id == call_id).first())["closes_at"]
    before, status, after = now(), await service.close(call_id, staff), now()
    row = await Call.select(Call.closes_at, Call.closed_early, Call.status).where(Call.id == call_id).first()
    assert (status, row["status"], row["closed_early"]) == ("closed", "closed", True)
    closed_at = (
        row["closes_at"] if row["closes_at"].tzinfo else row["closes_at"].replace(tzinfo=before.tzinfo)
    )
    assert before <= closed_at <= after
    entry = (
        await AuditEntry.select(AuditEntry.data)
        .where(
            (AuditEntry.entity == "call")
            & (AuditEntry.entity_id == str(call_id))
            & (AuditEntry.action == "closed")
        )
        .first()
    )
    data = _json(entry["data"])
    assert datetime.fromisoformat(data["before"]["closes_at"]) == planned
    assert datetime.fromisoformat(data["after"]["closes_at"]) == closed_at


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value
