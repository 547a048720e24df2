"""How reporting's codes read on pages: project states, grade bands, months."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from grants.awards import states as awards_labels
from grants.awards.tables import AwardStatus
from grants.core.i18n import _, get_language


def award_statuses() -> dict[str, str]:
    """A funded project's state for the public (a declined award is never shown as a project)."""
    labels = awards_labels.award_statuses()
    del labels[AwardStatus.declined]
    return {**labels, AwardStatus.awarded: _("Awarded")}


def band_labels() -> dict[str, str]:
    return {
        "1-4": _("Grades 1–4"),
        "5-9": _("Grades 5–9"),
        "10-12": _("Grades 10–12"),
        "vocational": _("Vocational, courses 1–4"),
    }


def month_label(year: int, month: int) -> str:
    """ "maijs 2026", "May 2026"."""
    return format_date(date(year, month, 1), "LLLL y", locale=get_language())
