"""Labels of the accounts domain: the legal forms an organisation can have."""

from __future__ import annotations

from grants.accounts.tables import LegalForm
from grants.core.i18n import _


def legal_forms() -> list[tuple[str, str]]:
    return [
        (LegalForm.association.value, _("Association (biedrība)")),
        (LegalForm.foundation.value, _("Foundation (nodibinājums)")),
        (LegalForm.youth_organisation.value, _("Youth organisation")),
    ]
