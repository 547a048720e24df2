"""Labels of the accounts domain: the legal forms an organisation can have, the roles in it, the
states of a request to join it."""

from __future__ import annotations

from grants.accounts.tables import JoinRequestStatus, LegalForm
from grants.core.i18n import _


def legal_forms() -> list[tuple[str, str]]:
    return [
        (LegalForm.association.value, _("Association (biedrība)")),
        (LegalForm.foundation.value, _("Foundation (nodibinājums)")),
        (LegalForm.youth_organisation.value, _("Youth organisation")),
    ]


def member_roles() -> list[tuple[str, str]]:
    return [("owner", _("Owner")), ("member", _("Member"))]


def request_statuses() -> list[tuple[str, str]]:
    return [
        (JoinRequestStatus.pending.value, _("Waiting for a decision")),
        (JoinRequestStatus.approved.value, _("Approved")),
        (JoinRequestStatus.refused.value, _("Refused")),
    ]
