"""An application's status labels and the groups of statuses each step allows.

draft → submitted → (clarification ⇄ submitted) → eligible | ineligible → in_review →
awarded | reserve | rejected; withdrawn from draft or submitted before the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from grants.applications.tables import ApplicationStatus
from grants.calls.states import phase
from grants.core.i18n import _
from grants.core.time import now

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


@dataclass(frozen=True)
class Action:
    """Whether the applicant may do something now, and why not when they may not."""

    allowed: bool
    reason: str = ""


ALLOWED = Action(True)


def deadline_passed(status: str, call: dict[str, Any], at: datetime | None = None) -> bool:
    """A draft whose call no longer takes applications (past its deadline, or closed early)."""
    return status == ApplicationStatus.draft and phase(call, at) != "open"


def actions(status: str, call: dict[str, Any], at: datetime | None = None) -> dict[str, Action]:
    """What the applicant may do with an application in this status now, from one place: the pages
    show only what is allowed (with the reason where it helps) and the services refuse the rest.

    edit: change the steps and files; submit: a draft, while the call is open (completeness is
    checked apart); withdraw: a submitted application before the deadline; discard: a draft before
    the deadline (the same withdrawal, which frees the organisation's place in the call); answer: an
    open clarification request.
    """
    at = at or now()
    before_deadline = at < call["closes_at"]
    late = deadline_passed(status, call, at)
    deadline = _("The deadline has passed: the application can no longer be changed or submitted.")
    if status == ApplicationStatus.clarification or (status == ApplicationStatus.draft and not late):
        edit = ALLOWED
    else:
        edit = Action(
            False,
            deadline if late else _("The application can be changed only as a draft or while clarifying it."),
        )
    if status != ApplicationStatus.draft:
        submit = Action(False, _("Only a draft can be submitted."))
    elif late:
        submit = Action(False, _("The call is closed: nothing can be submitted after its deadline."))
    else:
        submit = ALLOWED
    closed = _("The deadline has passed: the application can no longer be withdrawn.")
    if status != ApplicationStatus.submitted:
        withdraw = Action(False, _("Only a submitted application can be withdrawn."))
    else:
        withdraw = ALLOWED if before_deadline else Action(False, closed)
    if status != ApplicationStatus.draft:
        discard = Action(False, _("Only a draft can be discarded."))
    else:
        discard = ALLOWED if before_deadline else Action(False, closed)
    answer = (
        ALLOWED
        if status == ApplicationStatus.clarification
        else Action(False, _("There is no open question on this application."))
    )
    return {"edit": edit, "submit": submit, "withdraw": withdraw, "discard": discard, "answer": answer}
