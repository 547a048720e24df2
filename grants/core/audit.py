"""The append-only audit log: every state transition writes one row."""

from __future__ import annotations

from typing import Any

from grants.core.auth import Principal
from grants.core.tables import AuditEntry
from grants.core.time import now


async def record(
    action: str,
    entity: str,
    entity_id: int | str,
    *,
    actor: Principal | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **extra: Any,
) -> None:
    """Write one audit row. Call it inside the transaction that made the change."""
    data: dict[str, Any] = dict(extra)
    if before is not None:
        data["before"] = before
    if after is not None:
        data["after"] = after
    await AuditEntry.insert(
        AuditEntry(
            created_at=now(),
            actor_id=actor.user_id if actor else None,
            actor_email=actor.email if actor else "",
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            data=data,
        )
    ).run()
