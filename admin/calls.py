"""Calls in the admin panel: tables whose edits keep the API's rules, and the lifecycle forms."""

from __future__ import annotations

from typing import Any

from piccolo_admin.endpoints import FormConfig, TableConfig
from piccolo_api.crud.hooks import Hook, HookType
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.requests import Request

from admin.forms import panel_actor
from admin.hooks import audit_hooks, column_names
from grants.calls import service as calls
from grants.calls.tables import Call, Criterion
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _

# Set by the service alone: the lifecycle.
SERVICE_FIELDS = {"status", "published_at"}


def _refuse(exc: Exception) -> HTTPException:
    if isinstance(exc, ValidationFailed):
        return HTTPException(status_code=422, detail="; ".join(f"{k}: {v}" for k, v in exc.errors.items()))
    return HTTPException(status_code=409, detail=str(exc))


async def _check_call_patch(row_id: Any, values: dict[Any, Any]) -> dict[Any, Any]:
    kept = {k: v for k, v in values.items() if column_names(k) not in SERVICE_FIELDS}
    try:
        await calls.check_panel_edit(int(row_id), {column_names(k): v for k, v in kept.items()})
    except (ValidationFailed, Conflict) as exc:
        raise _refuse(exc) from None
    return kept


async def _check_call_save(row: Call) -> Call:
    row.status = "draft"  # a new call starts as a draft, whatever the form says
    row.published_at = None
    values = {column._meta.name: getattr(row, column._meta.name) for column in Call._meta.columns}
    values.pop("id", None)
    try:
        await calls.check_panel_edit(None, values)
    except (ValidationFailed, Conflict) as exc:
        raise _refuse(exc) from None
    return row


async def _check_criterion_patch(row_id: Any, values: dict[Any, Any]) -> dict[Any, Any]:
    row = await Criterion.select(Criterion.call).where(Criterion.id == int(row_id)).first()
    try:
        await calls.check_criterion_edit(row["call"] if row else None)
    except Conflict as exc:
        raise _refuse(exc) from None
    return values


async def _check_criterion_save(row: Criterion) -> Criterion:
    try:
        await calls.check_criterion_edit(row.call)
    except Conflict as exc:
        raise _refuse(exc) from None
    return row


async def _check_criterion_delete(row_id: Any) -> None:
    await _check_criterion_patch(row_id, {})


def _ordered(hooks: list[Hook]) -> list[Hook]:
    # piccolo_api keeps only the last run of each hook type (itertools.groupby, unsorted).
    return sorted(hooks, key=lambda hook: hook.hook_type.value)


CALL_TABLES = [
    TableConfig(
        Call,
        visible_columns=[
            Call.title,
            Call.municipality,
            Call.status,
            Call.opens_at,
            Call.closes_at,
            Call.budget_cents,
            Call.max_amount_cents,
            Call.quota,
        ],
        visible_filters=[Call.title, Call.municipality, Call.status],
        menu_group="Calls",
        link_column=Call.title,
        hooks=_ordered(
            [
                Hook(HookType.pre_patch, _check_call_patch),
                Hook(HookType.pre_save, _check_call_save),
                *audit_hooks(Call),
            ]
        ),
    ),
    TableConfig(
        Criterion,
        visible_columns=[
            Criterion.call,
            Criterion.code,
            Criterion.title,
            Criterion.kind,
            Criterion.max_points,
            Criterion.weight,
            Criterion.min_points,
        ],
        visible_filters=[Criterion.call, Criterion.kind],
        menu_group="Calls",
        link_column=Criterion.title,
        hooks=_ordered(
            [
                Hook(HookType.pre_patch, _check_criterion_patch),
                Hook(HookType.pre_save, _check_criterion_save),
                Hook(HookType.pre_delete, _check_criterion_delete),
                *audit_hooks(Criterion),
            ]
        ),
    ),
]


class CallStep(BaseModel):
    call_id: int = Field(description="The number (id) of the call")


async def _step(request: Request, data: CallStep, step) -> str:
    try:
        status = await step(data.call_id, await panel_actor(request))
    except LookupError:
        raise ValueError(_("No call has the number {id}.").format(id=data.call_id)) from None
    except Conflict as exc:
        raise ValueError(exc.message) from None
    return _("The call {id} is now {status}.").format(id=data.call_id, status=status)


async def publish_call(request: Request, data: CallStep) -> str:
    return await _step(request, data, calls.publish)


async def close_call(request: Request, data: CallStep) -> str:
    return await _step(request, data, calls.close)


CALL_FORMS = [
    FormConfig(
        name="Publish a call",
        pydantic_model=CallStep,
        endpoint=publish_call,
        description="Publish a draft call: it becomes public and opens at its opening time.",
        form_group="Calls",
    ),
    FormConfig(
        name="Close a call",
        pydantic_model=CallStep,
        endpoint=close_call,
        description="Close a published call for applications now.",
        form_group="Calls",
    ),
]
