"""Access table, issue 14 part D: event reports and their review with the municipal staff member.

The event routes are the same as before (cases_after_award.py); these rows run them as "m", the
staff member of Bauskas novads (LV-016): A's events (an LV-016 call) as national staff see them,
B's (an LV-022 call) not found, whatever the request carries. The review's new fields (the
school approval) and the photo's consent ride on the existing routes.
"""

from __future__ import annotations

from tests.security.cases_after_award import PHOTO_NOT_IMAGE
from tests.security.table import Case, api, page

APPROVAL = {"decision": "accept", "approve_school": True, "school_approval_reason": "LEAK-M-REASON"}


def grantee_api(owner, staff=None, m=None) -> dict:
    """A's award: its organisation, national staff and LV-016's staff member; B 404, others 403."""
    staff = owner if staff is None else staff
    return api({"a": owner, "b": 404, "s": staff, "m": staff if m is None else m})


def grantee_b_api(owner, staff=None) -> dict:
    """B's award under an LV-022 call: LV-016's staff member is told it does not exist."""
    return api({"a": 404, "b": owner, "s": owner if staff is None else staff, "m": 404})


CASES = [
    Case(
        "GET /api/events/{event_id:int}",
        "/api/events/{event_a}",
        grantee_api(200),
        shows={"m": "LEAK-A-EVDESC", "s": "school_rule"},
    ),
    Case(
        "GET /api/events/{event_id:int}",
        "/api/events/{event_b}",
        grantee_b_api(200),
        hides={"m": "LEAK-B-EVDESC"},
    ),
    Case(
        "GET /api/awards/{award_id:int}/events",
        "/api/awards/{award_b}/events",
        grantee_b_api(200),
        hides={"m": "LEAK-B-EVDESC"},
    ),
    Case(
        "POST /api/awards/{award_id:int}/events",
        "/api/awards/{award_b}/events",
        grantee_b_api(422),
        json={"participants": 1001},
    ),
    Case(
        "PATCH /api/events/{event_id:int}",
        "/api/events/{event_b}",
        grantee_b_api(422),
        json={"participants_at_risk": -1},
    ),
    Case(
        "POST /api/events/{event_id:int}/review",
        "/api/events/{event_a_accepted}/review",
        api({"s": 409, "m": 409}),
        json=APPROVAL,
        why="accepted already: nothing to approve again",
    ),
    Case(
        "POST /api/events/{event_id:int}/review",
        "/api/events/{event_b}/review",
        api({"s": 422, "m": 404}),
        json={"decision": "return"},
        why="returning needs a comment: 422 where the event may be seen",
    ),
    Case(
        "POST /api/events/{event_id:int}/photos",
        "/api/events/{event_b}/photos?consent=true",
        grantee_b_api(415),
        files=PHOTO_NOT_IMAGE,
    ),
    Case(
        "GET /admin/reports/events/{event_id:int}",
        "/admin/reports/events/{event_a}",
        page({"s": 200, "m": 200}),
        shows={"m": "Planned school: the application planned an event there"},
    ),
    Case(
        "GET /admin/reports/events/{event_id:int}",
        "/admin/reports/events/{event_b}",
        page({"s": 200, "m": 404}),
        hides={"m": "LEAK-B-EVDESC"},
    ),
    Case(
        "POST /admin/reports/events/{event_id:int}/review",
        "/admin/reports/events/{event_b}/review",
        page({"s": 422, "m": 404}),
        form={"decision": "return", "approve_school": "1"},
        why="returning needs a comment: 422 where the event may be seen, and nothing changes",
    ),
]
