"""Access table: running a call from the back office (/admin/calls/new, …/setup and the lifecycle).

Staff's requests stop at a refusal (422, 409) or at an id of another call (404), so that running the
table changes nothing the next case reads; every other role is refused by the guard first.
"""

from __future__ import annotations

from tests.security.table import Case, staff_page

NOBODY = "2147483647"  # an id no row has

CASES = [
    Case("GET /admin/calls/new", "/admin/calls/new", staff_page(200, m=200)),
    Case("POST /admin/calls/new", "/admin/calls/new", staff_page(422, m=422), form={}),
    Case(
        "GET /admin/calls/{call_id:int}/setup",
        "/admin/calls/{call_draft}/setup",
        staff_page(200, m=200),
        shows={"s": "LEAK-DRAFT-CALL"},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/setup",
        "/admin/calls/{call_draft}/setup",
        staff_page(422, m=422),
        form={"opens_at": "not a time"},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/criteria",
        "/admin/calls/{call_draft}/criteria",
        staff_page(422, m=422),
        form={},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/criteria/{criterion_id:int}",
        f"/admin/calls/{{call_draft}}/criteria/{NOBODY}",
        staff_page(404, m=404),
        form={"code": "X"},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/criteria/{criterion_id:int}/remove",
        f"/admin/calls/{{call_draft}}/criteria/{NOBODY}/remove",
        staff_page(404, m=404),
    ),
    Case(
        "POST /admin/calls/{call_id:int}/criteria/{criterion_id:int}/remove",
        f"/admin/calls/{{call_draft}}/criteria/{NOBODY}/remove",
        staff_page(404, m=404),
        form={},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/documents",
        "/admin/calls/{call_draft}/documents",
        staff_page(422, m=422),
        form={"title": "No file"},
        why="no file chosen",
    ),
    Case(
        "GET /admin/calls/{call_id:int}/documents/{document_id:int}/remove",
        "/admin/calls/{call_draft}/documents/{doc_draft}/remove",
        staff_page(200, m=200),
        shows={"s": "LEAK-DRAFTDOC"},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/documents/{document_id:int}/remove",
        "/admin/calls/{call_draft}/documents/{doc_open}/remove",
        staff_page(404, m=404),
        form={},
        why="the open call's document is not the draft's",
    ),
    Case(
        "POST /admin/calls/{call_id:int}/clone",
        f"/admin/calls/{NOBODY}/clone",
        staff_page(404, m=404),
        form={},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/preview",
        "/admin/calls/{call_draft}/preview",
        staff_page(200, m=200),
        shows={"s": "LEAK-DRAFT-CALL"},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/publish",
        "/admin/calls/{call_decided}/publish",
        staff_page(409, m=409),
        form={},
    ),
    Case("GET /admin/calls/{call_id:int}/extend", "/admin/calls/{call_open}/extend", staff_page(200, m=200)),
    Case(
        "POST /admin/calls/{call_id:int}/extend",
        "/admin/calls/{call_open}/extend",
        staff_page(422, m=422),
        form={"closes_at": "2020-01-01T12:00"},
    ),
    Case("GET /admin/calls/{call_id:int}/close", "/admin/calls/{call_open}/close", staff_page(200, m=200)),
    Case(
        "POST /admin/calls/{call_id:int}/close",
        "/admin/calls/{call_decided}/close",
        staff_page(409, m=409),
        form={},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/delete",
        "/admin/calls/{call_draft}/delete",
        staff_page(200, m=200),
        shows={"s": "LEAK-DRAFT-CALL"},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/delete",
        "/admin/calls/{call_open}/delete",
        staff_page(409, m=409),
        form={},
    ),
]
