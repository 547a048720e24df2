"""Reads of calls, their criteria and documents, for the pages, the API and the other domains."""

from __future__ import annotations

from typing import Any

from litestar.exceptions import NotFoundException

from grants.calls.states import PUBLIC_STATUSES, phase
from grants.calls.tables import Call, CallDocument, Criterion
from grants.core.auth import Principal, Role, within
from grants.core.db import frozen, municipality_resolver
from grants.core.errors import NotFound
from grants.core.i18n import _
from grants.core.time import now

CALL_COLUMNS = (
    Call.all_columns(exclude=[Call.municipality]),
    Call.municipality.code.as_alias("municipality_code"),
    Call.municipality.name.as_alias("municipality_name"),
    Call.municipality.short_name.as_alias("municipality_short_name"),
)

# What a list of calls shows (the pages' cards, the API's CallOut, the staff table); one call's
# page and detail read CALL_COLUMNS. Fewer columns: less for SQLite or asyncpg to convert per row.
LIST_COLUMNS = (
    Call.id,
    Call.title,
    Call.status,
    Call.budget_cents,
    Call.max_amount_cents,
    Call.fixed_amount,
    Call.quota,
    Call.opens_at,
    Call.closes_at,
    Call.closed_early,
    *CALL_COLUMNS[1:],
)

DOCUMENT_COLUMNS = (
    CallDocument.id,
    CallDocument.title,
    CallDocument.filename,
    CallDocument.content_type,
    CallDocument.size,
    CallDocument.sha256,
)


def sees_drafts(viewer: Principal | None) -> bool:
    """Staff see draft calls too (municipal staff those of their municipalities: draft_scope);
    everyone else only published ones."""
    return viewer is not None and viewer.has(Role.staff)


def draft_scope(viewer: Principal | None) -> frozenset[int] | None:
    """Whose drafts the caller sees, for `include_draft`: None every municipality's (national
    staff), else those municipality ids (a municipal staff member's; nobody else's: empty)."""
    return viewer.staff_scope if sees_drafts(viewer) and viewer is not None else frozenset()


def _visible(include_draft: bool, scope: frozenset[int] | None) -> Any:
    """The WHERE of the calls one may see: published ones, and drafts when included, of the scope."""
    public = Call.status.is_in(PUBLIC_STATUSES)
    if not include_draft:
        return public
    mine = within(Call.municipality, scope)
    return None if mine is None else public | mine


async def get_call(
    call_id: int, include_draft: bool = False, scope: frozenset[int] | None = None
) -> dict[str, Any] | None:
    """One call; drafts too when `include_draft`, of the municipalities in `scope` (None: all)."""
    query = Call.select(*CALL_COLUMNS).where(Call.id == call_id)
    if (visible := _visible(include_draft, scope)) is not None:
        query = query.where(visible)
    return await query.first()


async def visible_call(call_id: int, viewer: Principal | None) -> dict[str, Any]:
    """The call if the caller may see it (drafts only staff of its municipality); 404 "No such
    call." otherwise."""
    row = await get_call(call_id, include_draft=sees_drafts(viewer), scope=draft_scope(viewer))
    if row is None:
        raise NotFoundException(_("No such call."))
    return row


async def criteria_of(call_id: int) -> list[dict[str, Any]]:
    return await Criterion.select().where(Criterion.call == call_id).order_by(Criterion.position)


def _calls_query(include_draft: bool) -> Any:
    query = Call.select(*LIST_COLUMNS).order_by(Call.closes_at, ascending=False)
    return query if include_draft else query.where(Call.status.is_in(PUBLIC_STATUSES))


# The unfiltered lists, the public one on every visit of /calls and /api/calls: SQL made once.
_PUBLIC_CALLS = frozen(lambda: _calls_query(include_draft=False))
_ALL_CALLS = frozen(lambda: _calls_query(include_draft=True))


async def list_calls(
    municipality_code: str | None = None,
    phase_filter: str | None = None,
    include_draft: bool = False,
    scope: frozenset[int] | None = None,
    municipalities: frozenset[int] | None = None,
) -> list[dict[str, Any]]:
    """The calls one may see. `scope` (Principal.staff_scope) narrows the included drafts to those
    municipalities; `municipalities` narrows every call (the back office's list of one's own)."""
    conditions = [
        condition
        for condition in (
            _visible(include_draft, scope) if include_draft else None,
            within(Call.municipality, municipalities),
            Call.municipality.code == municipality_code if municipality_code else None,
        )
        if condition is not None
    ]
    if conditions:
        query = _calls_query(include_draft)
        for condition in conditions:
            query = query.where(condition)
        rows = await query
    else:
        rows = await (_ALL_CALLS if include_draft else _PUBLIC_CALLS)().run()
    at = now()
    for row in rows:
        row["phase"] = phase(row, at)
    return [row for row in rows if phase_filter in (None, row["phase"])]


async def list_documents(call_id: int) -> list[dict[str, Any]]:
    return (
        await CallDocument.select(*DOCUMENT_COLUMNS)
        .where(CallDocument.call == call_id)
        .order_by(CallDocument.id)
    )


async def find_document(
    call_id: int, document_id: int, include_draft: bool, scope: frozenset[int] | None = None
) -> dict[str, Any]:
    """The document if its call is visible to the caller (drafts only to staff of its scope)."""
    if await get_call(call_id, include_draft=include_draft, scope=scope) is None:
        raise NotFound
    row = (
        await CallDocument.select()
        .where((CallDocument.id == document_id) & (CallDocument.call == call_id))
        .first()
    )
    if row is None:
        raise NotFound
    return row


async def draft_count(call_id: int) -> int:
    """How many applications on the call are still drafts (what closing early leaves unsubmitted)."""
    # applications sit above calls (import-linter): their table is named, not imported.
    found = await Call.raw(
        "SELECT COUNT(*) AS n FROM application WHERE \"call\" = {} AND status = 'draft'", call_id
    )
    return int(found[0]["n"])


async def application_count(call_id: int) -> int:
    """How many applications the call has, in any state (a call with any cannot be deleted)."""
    found = await Call.raw('SELECT COUNT(*) AS n FROM application WHERE "call" = {}', call_id)
    return int(found[0]["n"])


async def places_taken(call_id: int, organisation_id: int) -> int:
    """How many of the call's places the organisation uses (its applications, withdrawn ones not
    counted): what the call's page needs to know whether it may apply again (states.apply_refusal)."""
    # applications sit above calls (import-linter): their table is named, not imported.
    found = await Call.raw(
        'SELECT COUNT(*) AS n FROM application WHERE "call" = {} AND organisation = {} '
        "AND status <> 'withdrawn'",
        call_id,
        organisation_id,
    )
    return int(found[0]["n"])


municipality_of_call = municipality_resolver(Call, Call.municipality)
