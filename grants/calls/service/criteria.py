"""A draft call's criteria, one at a time (the back office's forms), or all at once (the API)."""

from __future__ import annotations

from typing import Any

from grants.calls import rules
from grants.calls.rules import CriterionData
from grants.calls.service.common import get_for_update
from grants.calls.tables import CallStatus, Criterion
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import write_transaction
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _


def _criterion_item(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in ("code", "title", "kind", "max_points", "min_points", "description")} | {
        "weight": str(row["weight"])
    }


async def _draft_criteria(call_id: int) -> list[dict[str, Any]]:
    """Lock the call, refuse unless it is a draft, and read its criteria in order."""
    call = await get_for_update(call_id)
    if call["status"] != CallStatus.draft:
        raise Conflict(_("The criteria of a published call cannot change."))
    return (
        await Criterion.select()
        .where(Criterion.call == call_id)
        .order_by(Criterion.position)
        .order_by(Criterion.id)
    )


def _checked_criteria(items: list[dict[str, Any]]) -> list[CriterionData]:
    errors: dict[str, str] = {}
    criteria = rules.check_criteria(items, errors)
    if errors:
        raise ValidationFailed(errors)
    return criteria


def _criterion_values(data: CriterionData) -> dict[Any, Any]:
    return {
        Criterion.code: data.code,
        Criterion.title: data.title,
        Criterion.description: data.description,
        Criterion.kind: data.kind,
        Criterion.max_points: data.max_points,
        Criterion.weight: data.weight,
        Criterion.min_points: data.min_points,
    }


async def _call_of_criterion(criterion_id: int) -> int:
    row = await Criterion.select(Criterion.call).where(Criterion.id == criterion_id).first()
    if row is None:
        raise LookupError(criterion_id)
    return row["call"]


async def add_criterion(call_id: int, item: dict[str, Any], actor: Principal | None) -> int:
    """Add a criterion at the end of a draft call's list; returns its id."""
    async with write_transaction():
        rows = await _draft_criteria(call_id)
        new = _checked_criteria([*map(_criterion_item, rows), item])[-1]
        position = max((row["position"] for row in rows), default=-1) + 1
        created = await Criterion.insert(
            Criterion(
                call=call_id,
                position=position,
                **{c._meta.name: v for c, v in _criterion_values(new).items()},
            )
        ).returning(Criterion.id)
        await audit.record("add_criterion", "call", call_id, actor=actor, after={"code": new.code})
    return created[0]["id"]


async def change_criterion(criterion_id: int, changes: dict[str, Any], actor: Principal | None) -> int:
    """Change one criterion of a draft call (the fields left out keep their values); returns the call's id."""
    call_id = await _call_of_criterion(criterion_id)
    async with write_transaction():
        rows = await _draft_criteria(call_id)
        items = [_criterion_item(row) | (changes if row["id"] == criterion_id else {}) for row in rows]
        index = next((i for i, row in enumerate(rows) if row["id"] == criterion_id), None)
        if index is None:  # moved to another call or removed meanwhile
            raise LookupError(criterion_id)
        new = _checked_criteria(items)[index]
        await Criterion.update(_criterion_values(new)).where(Criterion.id == criterion_id)
        await audit.record(
            "change_criterion",
            "call",
            call_id,
            actor=actor,
            before={"code": rows[index]["code"]},
            after={key: rules.plain(value) for key, value in changes.items()},
        )
    return call_id


async def remove_criterion(criterion_id: int, actor: Principal | None) -> int:
    """Remove one criterion of a draft call; returns the call's id."""
    call_id = await _call_of_criterion(criterion_id)
    async with write_transaction():
        rows = await _draft_criteria(call_id)
        row = next((row for row in rows if row["id"] == criterion_id), None)
        if row is None:
            raise LookupError(criterion_id)
        await Criterion.delete().where(Criterion.id == criterion_id)
        await audit.record("remove_criterion", "call", call_id, actor=actor, before={"code": row["code"]})
    return call_id


async def replace_criteria(call_id: int, criteria: list[CriterionData]) -> None:
    await Criterion.delete().where(Criterion.call == call_id)
    if criteria:
        await Criterion.insert(
            *[
                Criterion(
                    call=call_id,
                    code=c.code,
                    title=c.title,
                    description=c.description,
                    kind=c.kind,
                    max_points=c.max_points,
                    weight=c.weight,
                    min_points=c.min_points,
                    position=index,
                )
                for index, c in enumerate(criteria)
            ]
        )
