"""Access table, the evaluation committee's protocol (issue 14): staff, national or of the call's
municipality; a municipal staff member of another municipality is told the call does not exist."""

from __future__ import annotations

from tests.security.table import Case, staff_page

CASES = [
    Case(
        "GET /admin/calls/{call_id:int}/protocol",
        "/admin/calls/{call_decided}/protocol",
        staff_page(200, m=200),
        shows={"s": "Decided call LV-016", "m": "Decided call LV-016"},
        why="the committee's protocol of a Bauskas novads call: national staff and Bauskas novads' staff",
    ),
    Case(
        "GET /admin/calls/{call_id:int}/protocol",
        "/admin/calls/{call_decided22}/protocol",
        staff_page(200, m=404),
        shows={"s": "Decided call LV-022"},
        hides={"m": "Decided call LV-022"},
        why="a Cēsu novads call: not there for Bauskas novads' staff",
    ),
    Case(
        "GET /admin/calls/{call_id:int}/protocol.xlsx",
        "/admin/calls/{call_decided}/protocol.xlsx",
        staff_page(200, m=200),
        why="the same protocol as a workbook",
    ),
    Case(
        "GET /admin/calls/{call_id:int}/protocol.xlsx",
        "/admin/calls/{call_decided22}/protocol.xlsx",
        staff_page(200, m=404),
        why="a Cēsu novads call's workbook: not there for Bauskas novads' staff",
    ),
]
