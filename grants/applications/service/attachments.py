"""Files of applications: stored through core.storage while the application is editable."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grants.applications.queries import call_for, find_application, find_attachment
from grants.applications.rules import MAX_FILES_PER_APPLICATION
from grants.applications.states import EDITABLE, actions
from grants.applications.tables import Attachment
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import write_transaction
from grants.core.errors import Conflict
from grants.core.i18n import _
from grants.core.storage import DOCUMENT_TYPES, StoredFile, get_storage, kept_if_recorded


async def _check_room(application_id: int) -> None:
    if await Attachment.count().where(Attachment.application == application_id) >= MAX_FILES_PER_APPLICATION:
        raise Conflict(_("An application can have at most {n} files.").format(n=MAX_FILES_PER_APPLICATION))


async def _check_deadline(application: dict[str, Any]) -> None:
    """A draft's files stay as they are once its call no longer takes applications."""
    if not (edit := actions(application["status"], await call_for(application["call"]))["edit"]).allowed:
        raise Conflict(edit.reason)


async def add_attachment(
    application_id: int, principal: Principal, filename: str, chunks: AsyncIterator[bytes]
) -> dict[str, Any]:
    """Check the application may take a file, store it (streamed), then record it."""
    row = await find_application(application_id, principal)
    if row["status"] not in EDITABLE or not principal.has(Role.applicant):
        raise Conflict(_("Files can be added only to a draft or while clarifying the application."))
    await _check_deadline(row)
    await _check_room(application_id)  # refused before anything is stored
    stored: StoredFile = await get_storage().save(chunks, filename, allowed=DOCUMENT_TYPES)
    async with kept_if_recorded(stored):
        async with write_transaction():
            # The status may have moved while the file streamed in: check again where it counts.
            current = await find_application(application_id, principal, lock=True)
            if current["status"] not in EDITABLE:
                raise Conflict(_("Files can be added only to a draft or while clarifying the application."))
            await _check_deadline(current)
            # Again under the application's lock: uploads that passed the first check together queue
            # here, and each counts what those before it inserted.
            await _check_room(application_id)
            created = await Attachment.insert(
                Attachment(
                    application=application_id,
                    storage_key=stored.key,
                    filename=stored.filename,
                    content_type=stored.content_type,
                    size=stored.size,
                    sha256=stored.sha256,
                    uploaded_by=principal.user_id,
                )
            ).returning(Attachment.id)
            await audit.record(
                "attach",
                "application",
                application_id,
                actor=principal,
                after={"file": stored.filename, "sha256": stored.sha256},
            )
    return {
        "id": created[0]["id"],
        "filename": stored.filename,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    }


async def remove_attachment(attachment_id: int, principal: Principal) -> None:
    row = await find_attachment(attachment_id, principal)
    async with write_transaction():
        application = await find_application(row["application"], principal, lock=True)
        if application["status"] not in EDITABLE or not principal.has(Role.applicant):
            raise Conflict(_("Files can be removed only from a draft or while clarifying the application."))
        await _check_deadline(application)
        await Attachment.delete().where(Attachment.id == attachment_id)
        await audit.record(
            "detach", "application", row["application"], actor=principal, before={"file": row["filename"]}
        )
    await get_storage().delete(row["storage_key"])
