"""Access table: the municipal staff member of LV-016 ("m") and the records under LV-022's calls
(world_scope.py, and B's award in LV-022 with its payment, agreement and event).

National staff ("s") reach each of them; "m" is told they do not exist (404), page and API alike,
and the lists "m" sees carry LV-016's rows and none of LV-022's (their markers are checked in
every answer; `hides` names the titles and references that are not markers). Each post stops at a
refusal, so running the table changes nothing.
"""

from __future__ import annotations

from tests.security.table import Case, To, api, everyone, page, staff_api, staff_page
from tests.security.world_scope import OPEN_CALL_22


def b_api(outcome: int) -> dict:
    """B's own record under an LV-022 call: B and national staff; A 404; m 404; the rest 403."""
    return api({"b": outcome, "a": 404, "s": outcome, "m": 404})


DRAFT_ONLY_NATIONAL = everyone(404) | {"s": 200}

CASES = [
    # --- the lists: LV-016's rows for m, nothing of LV-022 ----------------------------------------
    Case(
        "GET /admin",
        "/admin/",
        page({"s": 200, "m": 200, "r": To("/admin/reviews"), "r2": To("/admin/reviews")}),
        shows={"s": OPEN_CALL_22, "m": "Decided call LV-016"},
        hides={"m": OPEN_CALL_22},
        why="the queues: B's open question in LV-022's call is national staff's work only",
    ),
    Case(
        "GET /admin",
        "/admin/",
        page({"s": 200, "m": 200, "r": To("/admin/reviews"), "r2": To("/admin/reviews")}),
        shows={"s": "Decided call LV-022", "m": "Bauskas novads"},
        hides={"m": "Decided call LV-022"},
        why="the payments due of B's award in LV-022; m is told whose calls they run",
    ),
    # --- LV-022's draft call and its document -------------------------------------------------------
    Case("GET /api/calls/{call_id:int}", "/api/calls/{call_draft22}", DRAFT_ONLY_NATIONAL),
    Case("GET /calls/{call_id:int}", "/calls/{call_draft22}", DRAFT_ONLY_NATIONAL),
    Case(
        "GET /api/calls/{call_id:int}/documents", "/api/calls/{call_draft22}/documents", DRAFT_ONLY_NATIONAL
    ),
    Case(
        "GET /api/calls/{call_id:int}/documents/{document_id:int}",
        "/api/calls/{call_draft22}/documents/{doc_draft22}",
        DRAFT_ONLY_NATIONAL,
    ),
    Case(
        "GET /admin/calls/{call_id:int}/setup",
        "/admin/calls/{call_draft22}/setup",
        staff_page(200, m=404),
        shows={"s": "LEAK-DRAFT22-CALL"},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/preview",
        "/admin/calls/{call_draft22}/preview",
        staff_page(200, m=404),
        shows={"s": "LEAK-DRAFT22-CALL"},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/setup",
        "/admin/calls/{call_draft22}/setup",
        staff_page(422, m=404),
        form={"opens_at": "not a time"},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/documents/{document_id:int}/remove",
        "/admin/calls/{call_draft22}/documents/{doc_draft22}/remove",
        staff_page(200, m=404),
        shows={"s": "LEAK-DRAFT22DOC"},
    ),
    Case(
        "POST /api/calls/{call_id:int}/publish",
        "/api/calls/{call_decided22}/publish",
        staff_api(409, m=404),
    ),
    # --- LV-022's open call, B's application in it and the question ---------------------------------
    Case("GET /admin/calls/{call_id:int}", "/admin/calls/{call_open22}", staff_page(200, m=404)),
    Case(
        "GET /admin/calls/{call_id:int}/applications",
        "/admin/calls/{call_open22}/applications",
        staff_page(200, m=404),
        shows={"s": "LEAK-B22-SUB"},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/applications.csv",
        "/admin/calls/{call_open22}/applications.csv",
        staff_page(200, m=404),
        shows={"s": "LEAK-B22-SUB"},
    ),
    Case(
        "GET /api/calls/{call_id:int}/export.csv",
        "/api/calls/{call_open22}/export.csv",
        staff_api(200, m=404),
    ),
    Case("GET /api/calls/{call_id:int}/ranking", "/api/calls/{call_open22}/ranking", staff_api(200, m=404)),
    Case(
        "GET /admin/calls/{call_id:int}/reviews",
        "/admin/calls/{call_open22}/reviews",
        staff_page(200, m=404),
    ),
    Case(
        "GET /admin/applications/{application_id:int}",
        "/admin/applications/{b22_sub}",
        staff_page(200, m=404),
        shows={"s": "LEAK-B22-CLAR"},
    ),
    Case(
        "GET /admin/applications/{application_id:int}/clarification",
        "/admin/applications/{b22_sub}/clarification",
        staff_page(200, m=404),
        shows={"s": "LEAK-B22-CLAR"},
    ),
    Case(
        "GET /api/applications/{application_id:int}",
        "/api/applications/{b22_sub}",
        b_api(200),
        shows={"b": "LEAK-B22-CLAR", "s": "LEAK-B22-SUB"},
    ),
    Case(
        "POST /api/applications/{application_id:int}/clarifications",
        "/api/applications/{b22_sub}/clarifications",
        staff_api(409, m=404),
        json={"question": "Again?", "due_at": "2099-01-01T12:00:00+02:00"},
        why="a question is open already: refused, nothing changes",
    ),
    Case(
        "POST /api/applications/{application_id:int}/eligibility",
        "/api/applications/{b22_sub}/eligibility",
        staff_api(409, m=404),
        json={"checks": {"A1": True}, "note": ""},
    ),
    # --- B's award in LV-022: agreement, payment, event -------------------------------------------------
    Case(
        "GET /admin/calls/{call_id:int}/ranking",
        "/admin/calls/{call_decided22}/ranking",
        staff_page(200, m=404),
    ),
    Case(
        "GET /admin/awards/{award_id:int}/terminate",
        "/admin/awards/{award_b}/terminate",
        staff_page(200, m=404),
    ),
    Case(
        "GET /admin/awards/{award_id:int}/decline", "/admin/awards/{award_b}/decline", staff_page(200, m=404)
    ),
    Case(
        "GET /api/awards/{award_id:int}/agreement/document",
        "/api/awards/{award_b}/agreement/document",
        b_api(200),
        shows={"s": "LEAK-B-AGREEMENT"},
    ),
    Case(
        "GET /api/awards/{award_id:int}/events",
        "/api/awards/{award_b}/events",
        b_api(200),
        shows={"s": "LEAK-B-EVDESC"},
    ),
    Case(
        "POST /api/awards/{award_id:int}/terminate",
        "/api/awards/{award_b}/terminate",
        staff_api(422, m=404),
        json={},
    ),
    Case(
        "POST /api/payments/{payment_id:int}/paid",
        "/api/payments/{payment_b}/paid",
        staff_api(422, m=404),
        json={},
    ),
    Case("PATCH /api/payments/{payment_id:int}", "/api/payments/{payment_b}", staff_api(422, m=404), json={}),
    Case(
        "POST /admin/payments/{payment_id:int}/paid",
        "/admin/payments/{payment_b}/paid",
        staff_page(422, m=404),
        form={},
    ),
    Case(
        "GET /admin/reports/events/{event_id:int}",
        "/admin/reports/events/{event_b}",
        staff_page(200, m=404),
        shows={"s": "LEAK-B-EVDESC"},
    ),
    Case(
        "POST /admin/reports/events/{event_id:int}/review",
        "/admin/reports/events/{event_b}/review",
        staff_page(422, m=404),
        form={},
    ),
    Case(
        "GET /admin/payments",
        "/admin/payments?call_id={call_decided22}",
        staff_page(200, m=200),
        shows={"s": "{ref_b_won}"},
        hides={"m": "{ref_b_won}"},
        why="a filter by another municipality's call finds nothing for m",
    ),
    Case(
        "GET /admin/awards",
        "/admin/awards?call_id={call_decided22}",
        staff_page(200, m=200),
        shows={"s": "{ref_b_won}"},
        hides={"m": "{ref_b_won}"},
    ),
    Case(
        "GET /admin/reports",
        "/admin/reports?call={call_decided22}",
        staff_page(200, m=200),
        shows={"s": "Held workshop Beta"},
        hides={"m": "Held workshop Beta"},
    ),
    Case(
        "GET /api/reports/events.csv",
        "/api/reports/events.csv?call={call_decided22}",
        staff_api(200, m=200),
        shows={"s": "Held workshop Beta"},
        hides={"m": "Held workshop Beta"},
    ),
]
