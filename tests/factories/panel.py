"""The admin panel as staff use it: a logged-in staff member with the panel's CSRF header, rows as the
panel reads them, and the audit rows a table's writes leave."""

from __future__ import annotations

import httpx

from grants.core.auth import Role
from grants.core.tables import AuditEntry
from tests.factories.accounts import login, make_user


async def panel_staff(client: httpx.AsyncClient) -> dict[str, str]:
    """Log a new staff member in on `client`; returns the header the panel's writes need."""
    await login(client, await make_user(Role.staff))
    await client.get("/admin/data/")
    return {"X-CSRFToken": client.cookies["csrftoken"]}


async def panel_row(client: httpx.AsyncClient, table: str, row_id: int) -> dict:
    """One row as the panel's detail view reads it: JSON, ready to send back."""
    response = await client.get(f"/admin/data/api/tables/{table}/{row_id}/")
    assert response.status_code == 200, response.text
    return response.json()


async def audit_rows(entity: str) -> list[dict]:
    return (
        await AuditEntry.select(
            AuditEntry.action, AuditEntry.entity_id, AuditEntry.actor_email, AuditEntry.data
        )
        .where(AuditEntry.entity == entity)
        .order_by(AuditEntry.id)
        .output(load_json=True)
    )


def field_errors(response: httpx.Response) -> dict[str, str]:
    """A refused row write's errors by field, read as piccolo-admin's row form reads them (a list of
    {loc, msg}: it shows "<last of loc> field - <msg>" for each)."""
    assert response.status_code == 422, response.text
    return {entry["loc"][-1]: entry["msg"] for entry in response.json()["detail"]}
