"""An application's status labels and the groups of statuses each step allows.

draft → submitted → (clarification ⇄ submitted) → eligible | ineligible → in_review →
awarded | reserve | rejected; withdrawn from draft or submitted before the deadline.
"""

from __future__ import annotations

from grants.applications.tables import ApplicationStatus
from grants.core.i18n import _

# The applicant may change the application, and its files, only in these.
EDITABLE = (ApplicationStatus.draft, ApplicationStatus.clarification)
# The applicant may withdraw from these, before the call's deadline.
WITHDRAWABLE = (ApplicationStatus.draft, ApplicationStatus.submitted)


def statuses() -> dict[str, str]:
    return {
        ApplicationStatus.draft: _("Draft"),
        ApplicationStatus.submitted: _("Submitted"),
        ApplicationStatus.clarification: _("Clarification requested"),
        ApplicationStatus.eligible: _("Eligible"),
        ApplicationStatus.ineligible: _("Not eligible"),
        ApplicationStatus.in_review: _("Under review"),
        ApplicationStatus.awarded: _("Awarded"),
        ApplicationStatus.reserve: _("On the reserve list"),
        ApplicationStatus.rejected: _("Not funded"),
        ApplicationStatus.withdrawn: _("Withdrawn"),
    }
