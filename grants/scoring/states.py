"""What the review's states are called, and which of them go together."""

from __future__ import annotations

from typing import Any

from grants.applications.tables import ApplicationStatus
from grants.core.i18n import _
from grants.scoring.tables import AssignmentStatus

# An assignment that counts towards an application's reviewers (a conflicted one does not).
ACTIVE = [AssignmentStatus.pending.value, AssignmentStatus.submitted.value]
# An application reviewers can be given.
REVIEWABLE = (ApplicationStatus.eligible, ApplicationStatus.in_review)
# An application whose eligibility can be checked (again).
CHECKABLE = (ApplicationStatus.submitted, ApplicationStatus.eligible, ApplicationStatus.ineligible)


def status_words(row: dict[str, Any]) -> str:
    """An assignment's state as the reviewer reads it."""
    if row["status"] == AssignmentStatus.coi_declared:
        return _("Conflict declared")
    if row["status"] == AssignmentStatus.submitted:
        return _("Submitted")
    if row["conflict"] is None:
        return _("Waiting for your declaration")
    return _("Open for scoring")
