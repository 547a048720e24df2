"""Panel edits leave the same trace as service changes: one audit row each.

piccolo-admin only offers hooks that run before the write, so the row records
what staff asked to change; a write that then fails leaves an entry that says
so only by the absence of the change.
"""

from __future__ import annotations

from typing import Any

from piccolo.table import Table
from piccolo_api.crud.hooks import Hook, HookType
from starlette.exceptions import HTTPException
from starlette.requests import Request

from admin.forms import panel_actor
from grants.core import audit
from grants.core.i18n import _

# Flags that follow the roles (accounts.service); never set by hand.
ROLE_FLAGS = {"admin", "superuser"}


def column_names(key: Any) -> str:
    """piccolo_api hands hooks their values keyed by Column objects; we speak in names."""
    return str(getattr(getattr(key, "_meta", None), "name", key))


def _plain(values: dict[Any, Any]) -> dict[str, Any]:
    plain = {}
    for key, value in values.items():
        name = column_names(key)
        if name == "password":
            value = "(changed)"
        plain[str(name)] = value if isinstance(value, str | int | float | bool | None) else str(value)
    return plain


def audit_hooks(table: type[Table]) -> list[Hook]:
    entity = table._meta.tablename

    async def on_save(row: Table, request: Request) -> Table:
        values = {column._meta.name: getattr(row, column._meta.name) for column in table._meta.columns}
        await audit.record(
            "admin_create", entity, "new", actor=await panel_actor(request), after=_plain(values)
        )
        return row

    async def on_patch(row_id: Any, values: dict[Any, Any], request: Request) -> dict[Any, Any]:
        await audit.record(
            "admin_update", entity, row_id, actor=await panel_actor(request), after=_plain(values)
        )
        return values

    async def on_delete(row_id: Any, request: Request) -> None:
        await audit.record("admin_delete", entity, row_id, actor=await panel_actor(request))

    return [
        Hook(hook_type=HookType.pre_save, callable=on_save),
        Hook(hook_type=HookType.pre_patch, callable=on_patch),
        Hook(hook_type=HookType.pre_delete, callable=on_delete),
    ]


def without_role_flags(values: dict[Any, Any]) -> dict[Any, Any]:
    """Drop admin/superuser from a user edit: roles decide them (use the role forms)."""
    return {
        k: v for k, v in values.items() if getattr(getattr(k, "_meta", None), "name", k) not in ROLE_FLAGS
    }


def user_hooks(table: type[Table]) -> list[Hook]:
    def strip_flags(row_id: Any, values: dict[Any, Any]) -> dict[Any, Any]:
        return without_role_flags(values)

    def no_flags_at_creation(row: Table) -> Table:
        row.admin = row.superuser = False  # type: ignore[attr-defined]
        return row

    def never_deleted(row_id: Any) -> None:
        # What a user did stays theirs: a departed user is deactivated (admin.deletions), never deleted.
        raise HTTPException(
            status_code=405, detail=_("Users are not deleted: use the form “Deactivate a user” instead.")
        )

    hooks = [
        Hook(hook_type=HookType.pre_patch, callable=strip_flags),
        Hook(hook_type=HookType.pre_save, callable=no_flags_at_creation),
        Hook(hook_type=HookType.pre_delete, callable=never_deleted),
        *audit_hooks(table),
    ]
    # piccolo_api groups hooks with itertools.groupby, unsorted: a type split in two runs
    # keeps only its last run. Keep each type together (stable, so our order holds within).
    return sorted(hooks, key=lambda hook: hook.hook_type.value)
