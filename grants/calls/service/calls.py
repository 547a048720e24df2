"""Calls: the only writer of call rows; creating, editing, cloning and deleting one.

Each write checks, locks, writes and audits in one transaction (see states.py for the lifecycle).
"""

from __future__ import annotations

from typing import Any

from grants.calls import rules
from grants.calls.queries import CALL_COLUMNS, criteria_of
from grants.calls.service.common import check, fixed_approval, get_for_update
from grants.calls.service.criteria import replace_criteria as replace_all_criteria
from grants.calls.service.documents import copy_documents, kept_if_all_recorded, record_copies
from grants.calls.tables import Call, CallDocument, CallStatus
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound
from grants.core.i18n import _, ngettext
from grants.core.storage import get_storage


async def create_call(data: dict[str, Any], actor: Principal | None) -> int:
    values, criteria = await check(data, actor)
    async with write_transaction():
        call = Call(**values)
        await call.save()
        await replace_all_criteria(call.id, criteria)
        await audit.record("create", "call", call.id, actor=actor, after={"title": values["title"]})
    return call.id


async def update_call(call_id: int, data: dict[str, Any], actor: Principal | None) -> None:
    """Replace a draft call's rules and criteria wholesale (the API's PUT)."""
    await edit_call(call_id, data, actor, replace_criteria=True)


async def edit_call(
    call_id: int, changes: dict[str, Any], actor: Principal | None, *, replace_criteria: bool = False
) -> None:
    """Change a call: a draft in anything, a published one only in its words (title, description),
    its review deadline and its appeal route; a decided or archived one not at all.

    `changes` names fields as the API does (budget in euros, municipality_code …); a field left out
    keeps its value, and the call as a whole is checked as the API checks a new one. With
    `replace_criteria`, changes["criteria"] replaces the criteria, which only a draft's may.
    Raises LookupError (no such call), ValidationFailed or Conflict."""
    async with write_transaction():
        call = await get_for_update(call_id)
        row = await Call.select(*CALL_COLUMNS, Call.municipality).where(Call.id == call_id).first()
        current = {key: rules.aware(value) for key, value in row.items()}
        data = rules.row_data(current) | changes
        if not replace_criteria:
            data.pop("criteria", None)
        values, criteria = await check(data, actor, current_approval=current["requires_approval"])
        changed = {key: value for key, value in values.items() if current.get(key) != value}
        if call["status"] in rules.READ_ONLY_STATUSES:
            raise Conflict(_("This call is decided: its set-up can no longer change."))
        if call["status"] != CallStatus.draft:
            if replace_criteria:
                raise Conflict(_("Only a draft call can be changed."))
            if not set(changed) <= rules.PUBLISHED_FIELDS:
                raise Conflict(
                    _(
                        "Only the title, description, review deadline and appeal route of a published "
                        "call can change."
                    )
                )
        if changed:
            await Call.update(changed).where(Call.id == call_id)
        if replace_criteria:
            await replace_all_criteria(call_id, criteria)
        await audit.record(
            "update",
            "call",
            call_id,
            actor=actor,
            before={key: rules.plain(current[key]) for key in changed},
            after={key: rules.plain(value) for key, value in changed.items()},
        )


# --- cloning a call as the template of a new one ---------------------------------------


def _a_year_on(moment: Any) -> Any:
    """The same moment a year later (29 February becomes 28 February)."""
    if moment is None:
        return None
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)


async def clone_call(call_id: int, actor: Principal | None) -> int:
    """A new draft with an earlier call's rules, criteria and documents; its dates moved a year on
    (calls run every spring), for staff to check before publishing. Returns the new call's id.

    Raises NotFound, or ValidationFailed when the earlier call no longer passes (its municipality
    merged into another, say): a clone is checked as a new call is."""
    row = await Call.select(*CALL_COLUMNS).where(Call.id == call_id).first()
    if row is None:
        raise NotFound
    current = {key: rules.aware(value) for key, value in row.items()}
    data = rules.row_data(current)
    for key in ("opens_at", "closes_at", "review_closes_at"):
        data[key] = _a_year_on(data[key])
    if fixed_approval(actor) is not None:
        data.pop("requires_approval")  # a municipal staff member's new call requires approval
    data["criteria"] = [
        {key: c[key] for key in ("code", "title", "kind", "max_points", "min_points", "description")}
        | {"weight": str(c["weight"])}
        for c in await criteria_of(call_id)
    ]
    values, criteria = await check(data, actor)
    copies = await copy_documents(call_id)
    async with kept_if_all_recorded(copies):
        async with write_transaction():
            call = Call(**values)
            await call.save()
            await replace_all_criteria(call.id, criteria)
            await record_copies(call.id, copies)
            await audit.record(
                "clone", "call", call.id, actor=actor, after={"title": values["title"], "from": call_id}
            )
    return call.id


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
