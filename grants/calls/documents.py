"""Files published with a call: staff add and remove them, everyone who sees the call reads them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grants.calls.service import get_call
from grants.calls.tables import CallDocument
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import write_transaction
from grants.core.errors import NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.storage import DOCUMENT_TYPES, get_storage, kept_if_recorded

DOCUMENT_COLUMNS = (
    CallDocument.id,
    CallDocument.title,
    CallDocument.filename,
    CallDocument.content_type,
    CallDocument.size,
    CallDocument.sha256,
)


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


async def list_documents(call_id: int) -> list[dict[str, Any]]:
    return (
        await CallDocument.select(*DOCUMENT_COLUMNS)
        .where(CallDocument.call == call_id)
        .order_by(CallDocument.id)
    )


async def find_document(call_id: int, document_id: int, include_draft: bool) -> dict[str, Any]:
    """The document if its call is visible to the caller (drafts only to staff)."""
    if await get_call(call_id, include_draft=include_draft) is None:
        raise NotFound
    row = (
        await CallDocument.select()
        .where((CallDocument.id == document_id) & (CallDocument.call == call_id))
        .first()
    )
    if row is None:
        raise NotFound
    return row


async def remove_document(call_id: int, document_id: int, principal: Principal) -> None:
    row = await find_document(call_id, document_id, include_draft=True)
    async with write_transaction():
        await CallDocument.delete().where(CallDocument.id == document_id)
        await audit.record(
            "remove_document", "call", call_id, actor=principal, before={"file": row["filename"]}
        )
    await get_storage().delete(row["storage_key"])
