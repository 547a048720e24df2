"""The later stages' moves of an application (eligibility, review, decision)."""

from __future__ import annotations

from typing import Any

from grants.applications.tables import Application, ApplicationStatus
from grants.core import audit
from grants.core.auth import Principal
from grants.core.errors import NotFound


async def set_status(
    application_id: int,
    allowed_from: tuple[ApplicationStatus, ...],
    target: ApplicationStatus,
    actor: Principal | None,
    **details: Any,
) -> bool:
    """Move an application on, for the later stages (eligibility, review, decision); audit-logged.

    The conditional update makes a concurrent second move a no-op: returns whether this one moved it.
    """
    row = await Application.select(Application.status).where(Application.id == application_id).first()
    if row is None:
        raise NotFound
    moved = (
        await Application.update({Application.status: target})
        .where((Application.id == application_id) & Application.status.is_in([s.value for s in allowed_from]))
        .returning(Application.id)
    )
    if moved:
        await audit.record(
            target.value,
            "application",
            application_id,
            actor=actor,
            before={"status": row["status"]},
            after={"status": target.value},
            **details,
        )
    return bool(moved)
