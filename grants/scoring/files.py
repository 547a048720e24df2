"""The files of an application as its reviewer may fetch them: their own assignment, after declaring
no conflict of interest; anyone else is told the file does not exist.

In a blind review the file is served under the same neutral name the review page shows
("Attachment 2.pdf"); its content is the applicant's and is not anonymised.
"""

from __future__ import annotations

from typing import Any

from grants.applications import queries as applications
from grants.applications.tables import Attachment
from grants.core.auth import Principal, Role
from grants.core.errors import NotFound
from grants.core.filetypes import EXTENSIONS
from grants.scoring.service import _own, anonymise


async def reviewer_attachment(assignment_id: int, attachment_id: int, reviewer: Principal) -> dict[str, Any]:
    """The file's row (storage key, name to serve, type), or NotFound."""
    assignment = await _own(assignment_id, reviewer)
    if assignment["conflict"] != "no":
        raise NotFound  # before the declaration (or with a conflict) the application is not theirs to read
    row = (
        await Attachment.select()
        .where((Attachment.id == attachment_id) & (Attachment.application == assignment["application"]))
        .first()
    )
    if row is None:
        raise NotFound
    staff_view = Principal(user_id=0, email="", name="", roles=frozenset({Role.staff}))
    application = await applications.get_application(assignment["application"], staff_view)
    if application["call_row"]["blind_review"]:
        shown = next(a for a in anonymise(application)["attachments"] if a["id"] == attachment_id)
        extension = EXTENSIONS.get(row["content_type"], ("",))[0]
        row = row | {"filename": f"{shown['filename']}{extension}"}
    return row
