"""Access table: the staff's applications in the back office (a call's list, its CSV, one application).

Only staff open them; the list and the CSV never carry a draft, whoever asks.
"""

from __future__ import annotations

from tests.security.table import Case, staff_page

CASES = [
    Case(
        "GET /admin/calls/{call_id:int}/applications",
        "/admin/calls/{call_open}/applications",
        staff_page(200, m=200),
        shows={"s": "LEAK-A-SUB"},
        hides={"s": "LEAK-A-DRAFT title"},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/applications",
        "/admin/calls/{call_open}/applications?q=leak-b&status=in_review",
        staff_page(200, m=200),
        shows={"s": "LEAK-B-SUB"},
        hides={"s": "LEAK-A-SUB"},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/applications.csv",
        "/admin/calls/{call_open}/applications.csv",
        staff_page(200, m=200),
        shows={"s": "LEAK-A-SUB"},
        hides={"s": "LEAK-B-DRAFT"},
    ),
    Case(
        "GET /admin/applications/{application_id:int}",
        "/admin/applications/{a_sub}",
        staff_page(200, m=200),
        shows={"s": "LEAK-A-CLAR"},
    ),
    Case(
        "GET /admin/applications/{application_id:int}",
        "/admin/applications/{a_draft}",
        staff_page(404, m=404),
        why="a draft is its organisation's work in progress, not yet the staff's business",
    ),
]
