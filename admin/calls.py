"""Calls in the admin panel: read-only tables, and forms that change calls through the calls service.

The grant_call and call_criterion tables refuse every write: a call's rules change only where the
service checks them (which fields may change in which state, criteria only while a draft), locks
the row and writes the audit row. The forms below call the same service functions as the API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Literal, TypeVar

from piccolo_admin.endpoints import FormConfig, TableConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import panel_actor
from admin.inputs import PanelForm
from admin.writes import read_only
from grants.calls import service as calls
from grants.calls.states import call_statuses
from grants.calls.tables import Call, Criterion
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _
from grants.core.time import RIGA

T = TypeVar("T")

READ_ONLY = read_only(
    lambda: _(
        "Read-only here: change calls and their criteria with the forms under Calls "
        "(Create a call, Edit a call, Add a criterion …)."
    )
)

CALL_TABLES = [
    TableConfig(
        Call,
        validators=READ_ONLY,
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
    ),
    TableConfig(
        Criterion,
        validators=READ_ONLY,
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
    ),
]


EUROS = "in euros, e.g. 4600.00"
RIGA_TIME = "Riga time"


class NewCall(PanelForm):
    municipality_code: str = Field(max_length=10, description="e.g. LV-016")
    title: str = Field(max_length=200)
    description: str = Field("", max_length=20_000)
    budget: str = Field(max_length=20, description="in euros, e.g. 46000.00")
    max_amount: str = Field("4600.00", max_length=20, description=EUROS)
    fixed_amount: bool = Field(False, description="True: every project asks for exactly the maximum")
    quota: int = Field(1, description="how many projects may be funded")
    applications_per_organisation: int = 1
    min_months: int = 3
    max_months: int = 18
    opens_at: datetime = Field(description=RIGA_TIME)
    closes_at: datetime = Field(description=RIGA_TIME)
    score_threshold: str = Field("30", max_length=20, description="points, e.g. 30")
    aggregation: Literal["mean", "median"] = Field("mean", description="mean or median")
    reviewers_per_application: int = 2
    blind_review: bool = False
    advance_percent: int = Field(90, description="0 to 100")


class CallEdit(PanelForm):
    """Only the fields filled in change; a published call's only in its title and description."""

    call_id: int = Field(
        description="the number in its row's address in Grant Call, e.g. 5 in #/grant_call/5"
    )
    municipality_code: str | None = Field(None, max_length=10, description="e.g. LV-016")
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    budget: str | None = Field(None, max_length=20, description=EUROS)
    max_amount: str | None = Field(None, max_length=20, description=EUROS)
    fixed_amount: bool | None = None
    quota: int | None = None
    applications_per_organisation: int | None = None
    min_months: int | None = None
    max_months: int | None = None
    opens_at: datetime | None = Field(None, description=RIGA_TIME)
    closes_at: datetime | None = Field(None, description=RIGA_TIME)
    score_threshold: str | None = Field(None, max_length=20, description="points")
    aggregation: Literal["mean", "median"] | None = Field(None, description="mean or median")
    reviewers_per_application: int | None = None
    blind_review: bool | None = None
    advance_percent: int | None = None


class NewCriterion(PanelForm):
    call_id: int = Field(
        description="the number in its row's address in Grant Call, e.g. 5 in #/grant_call/5"
    )
    code: str = Field(max_length=20, description="short, unique in the call, e.g. K1")
    title: str = Field(max_length=300)
    kind: Literal["eligibility", "quality"] = Field("quality", description="eligibility or quality")
    max_points: int = Field(0, description="quality: 1 to 1000")
    weight: str = Field("1", max_length=20, description="e.g. 1 or 1.5")
    min_points: int | None = Field(None, description="quality: optional, 0 to the maximum")
    description: str = Field("", max_length=20_000)


class CriterionEdit(PanelForm):
    """Only the fields filled in change."""

    criterion_id: int = Field(
        description="the number in its row's address in Call Criterion, e.g. 7 in #/call_criterion/7"
    )
    code: str | None = Field(None, max_length=20)
    title: str | None = Field(None, max_length=300)
    kind: Literal["eligibility", "quality"] | None = None
    max_points: int | None = None
    weight: str | None = Field(None, max_length=20)
    min_points: int | None = None
    description: str | None = Field(None, max_length=20_000)


class CriterionRef(PanelForm):
    criterion_id: int = Field(
        description="the number in its row's address in Call Criterion, e.g. 7 in #/call_criterion/7"
    )


class CallStep(PanelForm):
    call_id: int = Field(
        description="the number in its row's address in Grant Call, e.g. 5 in #/grant_call/5"
    )


def _values(data: BaseModel, *ids: str) -> dict[str, Any]:
    """The fields filled in, as the service takes them; a time without a zone is Riga's."""
    values = data.model_dump(exclude_none=True, exclude=set(ids))
    for key, value in values.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            values[key] = value.replace(tzinfo=RIGA)
    return values


async def _run(action: Awaitable[T], missing: str) -> T:
    """The service's refusal as the form's error (piccolo-admin shows a ValueError's message)."""
    try:
        return await action
    except LookupError:
        raise ValueError(missing) from None
    except ValidationFailed as exc:
        # The form's field names: a criterion form's "criteria.1.code" is its field "code".
        raise ValueError("; ".join(f"{k.rsplit('.', 1)[-1]}: {v}" for k, v in exc.errors.items())) from None
    except Conflict as exc:
        raise ValueError(exc.message) from None


def _no_call(call_id: int) -> str:
    return _("No call has the number {id}.").format(id=call_id)


def _no_criterion(criterion_id: int) -> str:
    return _("No criterion has the number {id}.").format(id=criterion_id)


async def create_call(request: Request, data: NewCall) -> str:
    call_id = await _run(calls.create_call(_values(data), await panel_actor(request)), "")
    return _("The draft call {id} is created.").format(id=call_id)


async def edit_call(request: Request, data: CallEdit) -> str:
    changes = _values(data, "call_id")
    await _run(calls.edit_call(data.call_id, changes, await panel_actor(request)), _no_call(data.call_id))
    return _("The call {id} is changed.").format(id=data.call_id)


async def add_criterion(request: Request, data: NewCriterion) -> str:
    item = _values(data, "call_id")
    await _run(calls.add_criterion(data.call_id, item, await panel_actor(request)), _no_call(data.call_id))
    return _("The criterion {code} is added to the call {id}.").format(code=data.code, id=data.call_id)


async def change_criterion(request: Request, data: CriterionEdit) -> str:
    changes = _values(data, "criterion_id")
    actor = await panel_actor(request)
    call_id = await _run(
        calls.change_criterion(data.criterion_id, changes, actor), _no_criterion(data.criterion_id)
    )
    return _("The criterion {id} of the call {call} is changed.").format(id=data.criterion_id, call=call_id)


async def remove_criterion(request: Request, data: CriterionRef) -> str:
    actor = await panel_actor(request)
    call_id = await _run(calls.remove_criterion(data.criterion_id, actor), _no_criterion(data.criterion_id))
    return _("The criterion {id} is removed from the call {call}.").format(id=data.criterion_id, call=call_id)


def _step(step: Callable[..., Awaitable[str]]) -> Callable[[Request, CallStep], Awaitable[str]]:
    async def endpoint(request: Request, data: CallStep) -> str:
        status = await _run(step(data.call_id, await panel_actor(request)), _no_call(data.call_id))
        label = call_statuses().get(status, status)  # as the staff pages name it, in the user's language
        return _("The call {id} is now “{status}”.").format(id=data.call_id, status=label)

    return endpoint


publish_call = _step(calls.publish)
close_call = _step(calls.close)


def _form(name: str, model: type[BaseModel], endpoint: Any, description: str) -> FormConfig:
    return FormConfig(
        name=name, pydantic_model=model, endpoint=endpoint, description=description, form_group="Calls"
    )


CALL_FORMS = [
    _form("Create a call", NewCall, create_call, "Create a draft call; add its criteria, then publish it."),
    _form(
        "Edit a call",
        CallEdit,
        edit_call,
        "Change a draft call; a published one only in its title and description.",
    ),
    _form("Add a criterion", NewCriterion, add_criterion, "Add a criterion to a draft call."),
    _form("Change a criterion", CriterionEdit, change_criterion, "Change a criterion of a draft call."),
    _form("Remove a criterion", CriterionRef, remove_criterion, "Remove a criterion from a draft call."),
    _form(
        "Publish a call",
        CallStep,
        publish_call,
        "Publish a draft call: it becomes public and opens at its opening time.",
    ),
    _form("Close a call", CallStep, close_call, "Close a published call for applications now."),
]
