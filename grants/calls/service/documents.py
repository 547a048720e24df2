"""The documents published with a call: the bytes in the storage, a row each, audited."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from grants.calls.queries import find_document, get_call
from grants.calls.tables import CallDocument
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import write_transaction
from grants.core.errors import NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.storage import DOCUMENT_TYPES, StoredFile, get_storage, kept_if_recorded
from grants.core.storage import NotFound as FileMissing


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


# --- copies for a cloned call ---------------------------------------------------------


async def copy_documents(call_id: int) -> list[tuple[str, StoredFile]]:
    """Each of the call's documents stored again under a new key, as (title, file): a clone's own
    copies, so removing one from either call leaves the other's. A file gone from the storage is
    left out (there is nothing to copy); on any other failure the copies made so far are removed."""
    storage = get_storage()
    rows = (
        await CallDocument.select(CallDocument.title, CallDocument.storage_key, CallDocument.filename)
        .where(CallDocument.call == call_id)
        .order_by(CallDocument.id)
    )
    copies: list[tuple[str, StoredFile]] = []
    async with kept_if_all_recorded(copies):
        for row in rows:
            try:
                chunks = await storage.open(row["storage_key"])
            except FileMissing:
                continue
            copies.append((row["title"], await storage.save(chunks, row["filename"], allowed=DOCUMENT_TYPES)))
    return copies


@contextlib.asynccontextmanager
async def kept_if_all_recorded(copies: list[tuple[str, StoredFile]]) -> AsyncIterator[None]:
    """As core.storage.kept_if_recorded, for several files: if the block fails, all their bytes go."""
    try:
        yield
    except BaseException:
        for _title, stored in copies:
            await get_storage().delete(stored.key)
        raise


async def record_copies(call_id: int, copies: list[tuple[str, StoredFile]]) -> None:
    """The rows of the copied files, in the caller's transaction."""
    if copies:
        await CallDocument.insert(
            *[
                CallDocument(
                    call=call_id,
                    title=title,
                    storage_key=stored.key,
                    filename=stored.filename,
                    content_type=stored.content_type,
                    size=stored.size,
                    sha256=stored.sha256,
                )
                for title, stored in copies
            ]
        )
