"""Calls: the only writer of call rows, their criteria and documents, and of the call's transitions.

Each write checks, locks, writes and audits in one transaction (see states.py for the lifecycle).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grants.calls import rules
from grants.calls.queries import CALL_COLUMNS, find_document, get_call
from grants.calls.rules import CriterionData
from grants.calls.states import DECIDABLE
from grants.calls.tables import Call, CallDocument, CallStatus, Criterion, CriterionKind
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _, ngettext
from grants.core.storage import DOCUMENT_TYPES, get_storage, kept_if_recorded
from grants.core.time import now
from grants.registry.tables import Municipality


async def _check(data: dict[str, Any]) -> tuple[dict[str, Any], list[CriterionData]]:
    code = str(data.get("municipality_code") or "")
    municipality = (
        await Municipality.select(Municipality.id, Municipality.valid_to)
        .where(Municipality.code == code)
        .first()
    )
    return rules.check_call(data, municipality)


async def create_call(data: dict[str, Any], actor: Principal | None) -> int:
    values, criteria = await _check(data)
    async with write_transaction():
        call = Call(**values)
        await call.save()
        await _replace_criteria(call.id, criteria)
        await audit.record("create", "call", call.id, actor=actor, after={"title": values["title"]})
    return call.id


async def update_call(call_id: int, data: dict[str, Any], actor: Principal | None) -> None:
    """Replace a draft call's rules and criteria wholesale (the API's PUT)."""
    await edit_call(call_id, data, actor, replace_criteria=True)


async def edit_call(
    call_id: int, changes: dict[str, Any], actor: Principal | None, *, replace_criteria: bool = False
) -> None:
    """Change a call: a draft in anything, a published one only in its words (title, description).

    `changes` names fields as the API does (budget in euros, municipality_code …); a field left out
    keeps its value, and the call as a whole is checked as the API checks a new one. With
    `replace_criteria`, changes["criteria"] replaces the criteria, which only a draft's may.
    Raises LookupError (no such call), ValidationFailed or Conflict."""
    async with write_transaction():
        call = await _get_for_update(call_id)
        row = await Call.select(*CALL_COLUMNS, Call.municipality).where(Call.id == call_id).first()
        current = {key: rules.aware(value) for key, value in row.items()}
        data = rules.row_data(current) | changes
        if not replace_criteria:
            data.pop("criteria", None)
        values, criteria = await _check(data)
        changed = {key: value for key, value in values.items() if current.get(key) != value}
        if call["status"] != CallStatus.draft:
            if replace_criteria:
                raise Conflict(_("Only a draft call can be changed."))
            if not set(changed) <= rules.COSMETIC_FIELDS:
                raise Conflict(_("Only the title and description of a published call can change."))
        if changed:
            await Call.update(changed).where(Call.id == call_id)
        if replace_criteria:
            await _replace_criteria(call_id, criteria)
        await audit.record(
            "update",
            "call",
            call_id,
            actor=actor,
            before={key: rules.plain(current[key]) for key in changed},
            after={key: rules.plain(value) for key, value in changed.items()},
        )


# --- criteria, one at a time (the panel's forms); only a draft's change -----------


def _criterion_item(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in ("code", "title", "kind", "max_points", "min_points", "description")} | {
        "weight": str(row["weight"])
    }


async def _draft_criteria(call_id: int) -> list[dict[str, Any]]:
    """Lock the call, refuse unless it is a draft, and read its criteria in order."""
    call = await _get_for_update(call_id)
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


async def _replace_criteria(call_id: int, criteria: list[CriterionData]) -> None:
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


async def _get_for_update(call_id: int) -> dict[str, Any]:
    """The call's row, locked until the transaction ends: an edit and a publish at once queue on it."""
    call = await for_update(
        Call.select(Call.id, Call.status, Call.closes_at).where(Call.id == call_id)
    ).first()
    if call is None:
        raise LookupError(call_id)
    return call


async def _transition(call_id: int, expected: CallStatus, target: CallStatus, actor: Principal | None) -> str:
    async with write_transaction():
        call = await _get_for_update(call_id)
        if call["status"] != expected:
            raise Conflict(
                _("The call is {status}; this step needs it {expected}.").format(
                    status=call["status"], expected=expected.value
                )
            )
        changes: dict[Any, Any] = {Call.status: target}
        if target == CallStatus.published:
            if call["closes_at"] <= now():
                raise Conflict(_("The closing time has passed; move it to the future before publishing."))
            if not await Criterion.exists().where(
                (Criterion.call == call_id) & (Criterion.kind == CriterionKind.quality)
            ):
                raise Conflict(_("Add at least one quality criterion before publishing."))
            changes[Call.published_at] = now()
        before: dict[str, Any] = {"status": expected.value}
        after: dict[str, Any] = {"status": target.value}
        if target == CallStatus.closed and now() < call["closes_at"]:
            # Closed early: the real closing time replaces the planned one everywhere it shows.
            closed_at = now()
            changes[Call.closes_at], changes[Call.closed_early] = closed_at, True
            before["closes_at"], after["closes_at"] = call["closes_at"].isoformat(), closed_at.isoformat()
        # The status in the WHERE makes a concurrent second transition a no-op rather than a double.
        await Call.update(changes).where((Call.id == call_id) & (Call.status == expected))
        await audit.record(
            target.value,
            "call",
            call_id,
            actor=actor,
            before=before,
            after=after,
        )
    return target.value


async def publish(call_id: int, actor: Principal | None) -> str:
    return await _transition(call_id, CallStatus.draft, CallStatus.published, actor)


async def close(call_id: int, actor: Principal | None) -> str:
    return await _transition(call_id, CallStatus.published, CallStatus.closed, actor)


async def decide(call_id: int, actor: Principal | None) -> str:
    """published (past its deadline) | closed | in_review → decided, once the awards are made."""
    async with write_transaction():
        call = await _get_for_update(call_id)
        if call["status"] not in DECIDABLE or (
            call["status"] == CallStatus.published and now() < call["closes_at"]
        ):
            raise Conflict(_("Only a call past its deadline can be decided."))
        await Call.update({Call.status: CallStatus.decided}).where(
            (Call.id == call_id) & (Call.status == call["status"])
        )
        await audit.record(
            CallStatus.decided.value,
            "call",
            call_id,
            actor=actor,
            before={"status": call["status"]},
            after={"status": CallStatus.decided.value},
        )
    return CallStatus.decided.value


# --- documents published with a call -------------------------------------------


async def add_document(
    call_id: int, principal: Principal, title: str, filename: str, chunks: AsyncIterator[bytes]
) -> dict[str, Any]:
    if await get_call(call_id, include_draft=True) is None:
        raise NotFound
    if len(title.strip()) > 200:  # checked before the upload is read, so nothing is stored for nothing
        raise ValidationFailed({"title": _("At most {n} characters.").format(n=200)})
    stored = await get_storage().save(chunks, filename, allowed=DOCUMENT_TYPES)
    title = title.strip() or stored.filename[:200]
    async with kept_if_recorded(stored):
        async with write_transaction():
            created = await CallDocument.insert(
                CallDocument(
                    call=call_id,
                    title=title,
                    storage_key=stored.key,
                    filename=stored.filename,
                    content_type=stored.content_type,
                    size=stored.size,
                    sha256=stored.sha256,
                )
            ).returning(CallDocument.id)
            await audit.record(
                "add_document", "call", call_id, actor=principal, after={"file": stored.filename}
            )
    return {
        "id": created[0]["id"],
        "title": title,
        "filename": stored.filename,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    }


async def remove_document(call_id: int, document_id: int, principal: Principal) -> None:
    row = await find_document(call_id, document_id, include_draft=True)
    async with write_transaction():
        await CallDocument.delete().where(CallDocument.id == document_id)
        await audit.record(
            "remove_document", "call", call_id, actor=principal, before={"file": row["filename"]}
        )
    await get_storage().delete(row["storage_key"])


# --- deleting a call ----------------------------------------------------------------


async def delete_call(call_id: int, actor: Principal | None) -> None:
    """Delete a call nobody applied to, with its criteria and documents; a call with applications is
    history: refused here, and by the database's RESTRICT behind it."""
    async with write_transaction():
        call = await for_update(
            Call.select(Call.id, Call.title, Call.status).where(Call.id == call_id)
        ).first()
        if call is None:
            raise NotFound
        if call["status"] == CallStatus.published:
            # Public, and perhaps being filled in right now: it closes first, then it may go.
            raise Conflict(_("This call is published; close it before deleting it."))
        # applications sit above calls (import-linter): their table is named, not imported.
        found = await Call.raw('SELECT COUNT(*) AS n FROM application WHERE "call" = {}', call_id)
        count = int(found[0]["n"])
        if count:
            raise Conflict(
                ngettext(
                    "This call has %(num)d application; close it instead of deleting it.",
                    "This call has %(num)d applications; close it instead of deleting it.",
                    count,
                )
                % {"num": count}
            )
        documents = await CallDocument.select(CallDocument.storage_key).where(CallDocument.call == call_id)
        await Call.delete().where(Call.id == call_id)  # criteria and documents go with it
        await audit.record(
            "delete", "call", call_id, actor=actor, before={"title": call["title"], "status": call["status"]}
        )
    for document in documents:
        await get_storage().delete(document["storage_key"])
