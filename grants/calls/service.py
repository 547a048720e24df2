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
    """Change a draft call wholesale; a published call's rules stay as applicants read them."""
    values, criteria = await _check(data)
    async with write_transaction():
        call = await _get_for_update(call_id)
        if call["status"] != CallStatus.draft:
            raise Conflict(_("Only a draft call can be changed."))
        await Call.update(values).where(Call.id == call_id)
        await _replace_criteria(call_id, criteria)
        await audit.record("update", "call", call_id, actor=actor, after={"title": values["title"]})


async def check_panel_edit(call_id: int | None, changes: dict[str, Any]) -> None:
    """Apply the API's rules to an edit made in the admin panel (raises ValidationFailed or Conflict)."""
    row = await Call.select(*CALL_COLUMNS).where(Call.id == call_id).first() if call_id else None
    if row is not None and row["status"] != CallStatus.draft and not set(changes) <= rules.COSMETIC_FIELDS:
        raise Conflict(_("Only the title and description of a published call can change."))
    merged = {**(row or {}), **changes}
    if "municipality" in changes:
        code = (
            await Municipality.select(Municipality.code)
            .where(Municipality.id == changes["municipality"])
            .first()
        )
        merged["municipality_code"] = code["code"] if code else ""
    await _check(rules.panel_data(merged))


async def check_criterion_edit(call_id: int | None) -> None:
    """Criteria are part of the rules: they change only while the call is a draft."""
    row = await Call.select(Call.status).where(Call.id == call_id).first() if call_id else None
    if row is not None and row["status"] != CallStatus.draft:
        raise Conflict(_("The criteria of a published call cannot change."))


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
        # The status in the WHERE makes a concurrent second transition a no-op rather than a double.
        await Call.update(changes).where((Call.id == call_id) & (Call.status == expected))
        await audit.record(
            target.value,
            "call",
            call_id,
            actor=actor,
            before={"status": expected.value},
            after={"status": target.value},
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
