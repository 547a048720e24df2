"""A call's status groups and its phase for applicants.

draft → published → closed → in_review → decided → archived. A published call
accepts applications only between opens_at and closes_at; `phase()` answers
that from the clock at the moment of asking, so no job has to run at the deadline.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from grants.calls.tables import CallStatus
from grants.core.i18n import _, ngettext
from grants.core.time import now

# Every status but draft: what applicants and the public may see.
PUBLIC_STATUSES = [s.value for s in CallStatus if s != CallStatus.draft]
# The statuses from which a call can be decided (published only once past its deadline).
DECIDABLE = (CallStatus.published, CallStatus.closed, CallStatus.in_review)
PHASES = ("open", "upcoming", "closed")


def phase(call: dict[str, Any], at: datetime | None = None) -> str:
    """ "upcoming", "open" or "closed" for applicants, from the status and the clock."""
    at = at or now()
    if call["status"] != CallStatus.published:
        return "closed"
    if at < call["opens_at"]:
        return "upcoming"
    return "open" if at < call["closes_at"] else "closed"


def call_statuses() -> dict[str, str]:
    """How a call's status reads on the staff pages."""
    return {
        CallStatus.draft: _("Draft"),
        CallStatus.published: _("Published"),
        CallStatus.closed: _("Closed"),
        CallStatus.in_review: _("In review"),
        CallStatus.decided: _("Decided"),
        CallStatus.archived: _("Archived"),
    }


DAY = 86_400
HOUR = 3_600


def time_left(remaining: timedelta) -> str:
    """How long a call stays open, in whole units counted down (never more than is left): days from
    one day on ("3 days left" until exactly 3 × 24 hours remain, then "2 days left"), hours below a
    day, minutes below an hour (at least 1)."""
    seconds = max(int(remaining.total_seconds()), 0)
    if seconds >= DAY:
        days = seconds // DAY
        return ngettext("%(num)d day left", "%(num)d days left", days) % {"num": days}
    if seconds >= HOUR:
        hours = seconds // HOUR
        return ngettext("%(num)d hour left", "%(num)d hours left", hours) % {"num": hours}
    minutes = max(seconds // 60, 1)
    return ngettext("%(num)d minute left", "%(num)d minutes left", minutes) % {"num": minutes}


def apply_refusal(call: dict[str, Any], taken: int, at: datetime | None = None) -> str | None:
    """Why an organisation that has `taken` applications on the call (withdrawn ones not counted) may
    not start another now; None when it may. The service refuses with it, the pages hide Apply."""
    if phase(call, at) != "open":
        return _("This call is not open for applications.")
    if taken >= call["applications_per_organisation"]:
        return _("Your organisation may submit at most {n} application(s) to this call.").format(
            n=call["applications_per_organisation"]
        )
    return None
