"""Page form text → service input: the staff's agreement form with its uploaded file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grants.awards import rules
from grants.awards.service import lifecycle
from grants.core.auth import Principal
from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.core.storage import DOCUMENT_TYPES, get_storage


async def sign_agreement(
    award_id: int,
    me: Principal,
    number: str,
    signed_on: str,
    upload: tuple[str, AsyncIterator[bytes]] | None,
) -> dict[str, Any]:
    """Check the fields and that a file was chosen before anything is stored; then store the file
    and record the agreement (the service deletes the file again if it refuses)."""
    errors = rules.agreement_errors(number, signed_on)
    if upload is None:
        errors["file"] = _("Choose the signed agreement's file.")
    if errors or upload is None:
        raise ValidationFailed(errors)
    filename, chunks = upload
    stored = await get_storage().save(chunks, filename, allowed=DOCUMENT_TYPES)
    return await lifecycle.sign_agreement(
        award_id,
        me,
        number=number,
        signed_on=signed_on,  # type: ignore[arg-type]  # checked and parsed there
        document=stored,
    )
