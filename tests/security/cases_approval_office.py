"""Access table: national approval of award decisions (issue 14, item 2) — the approvals list, a call's
decision page with its confirmation step and its action, the API, and the banners municipal staff and
grantees read.

Only national staff ("s") approve: municipal staff ("m") are refused (403) on LV-016's call and do not
see LV-022's (404, the municipal scope). Every write stops at a validation (a return without its
comment, 422), so running the table changes nothing; `call_approval` waits for approval, returned once
with a comment (LEAK-APPROVAL-COMMENT) that staff of both levels may read and applicants never.
"""

from __future__ import annotations

from tests.security.table import Case, api, page

RETURN_EMPTY = {"outcome": "returned", "comment": ""}

CASES = [
    Case(
        "GET /admin/approvals",
        "/admin/approvals",
        page({"s": 200, "m": 403}),
        shows={"s": "LEAK-APPROVAL-COMMENT"},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/approval",
        "/admin/calls/{call_approval}/approval",
        page({"s": 200, "m": 403}),
        shows={"s": "LEAK-APPROVAL-COMMENT"},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/approval",
        "/admin/calls/{call_decided22}/approval",
        page({"s": 200, "m": 404}),
        shows={"s": "This call does not require national approval"},
        why="LV-022's call: outside m's municipalities",
    ),
    Case(
        "POST /admin/calls/{call_id:int}/approval/confirm",
        "/admin/calls/{call_approval}/approval/confirm",
        page({"s": 422, "m": 403}),
        form=RETURN_EMPTY,
        why="a return needs its comment: the confirmation is not shown",
    ),
    Case(
        "POST /admin/calls/{call_id:int}/approval",
        "/admin/calls/{call_approval}/approval",
        page({"s": 422, "m": 403}),
        form=RETURN_EMPTY,
    ),
    Case(
        "POST /admin/calls/{call_id:int}/approval",
        "/admin/calls/{call_decided22}/approval",
        page({"s": 422, "m": 404}),
        form=RETURN_EMPTY,
    ),
    Case(
        "POST /api/calls/{call_id:int}/approval",
        "/api/calls/{call_approval}/approval",
        api({"s": 422, "m": 403}),
        json=RETURN_EMPTY,
    ),
    Case(
        "POST /api/calls/{call_id:int}/approval",
        "/api/calls/{call_decided22}/approval",
        api({"s": 422, "m": 404}),
        json=RETURN_EMPTY,
    ),
    Case(
        "GET /admin/calls/{call_id:int}/ranking",
        "/admin/calls/{call_approval}/ranking",
        page({"s": 200, "m": 200}),
        shows={"s": "LEAK-APPROVAL-COMMENT", "m": "LEAK-APPROVAL-COMMENT"},
        why="the banner: returned by national staff, with the comment",
    ),
    Case(
        "GET /admin/awards",
        "/admin/awards?call_id={call_approval}",
        page({"s": 200, "m": 200}),
        shows={
            "s": "Awaiting national approval: the agreement can be recorded once",
            "m": "LEAK-APPROVAL-COMMENT",
        },
    ),
    Case(
        "GET /my/applications/{application_id:int}/decision",
        "/my/applications/{a_appr}/decision",
        page({"a": 200, "b": 404}),
        shows={"a": "The decision awaits national approval."},
    ),
]
