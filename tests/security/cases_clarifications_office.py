"""Access table: the staff's clarification page in the back office (/admin/applications/{id}/clarification).

Only staff open it; every other role is refused by the guard (403, the login for a visitor), so no
applicant reaches another organisation's questions through it. The staff's post is chosen to pass
the guard and the form and stop at the state rule (A's application is past screening: 409), so it
changes nothing the next case reads.
"""

from __future__ import annotations

from tests.security.table import Case, staff_page

CASES = [
    Case(
        "GET /admin/applications/{application_id:int}/clarification",
        "/admin/applications/{a_sub}/clarification",
        staff_page(200, m=200),
        shows={"s": "LEAK-A-CLAR answer"},
    ),
    Case(
        "POST /admin/applications/{application_id:int}/clarification",
        "/admin/applications/{a_sub}/clarification",
        staff_page(409, m=409),
        form={"question": "Another question?", "due_date": "2099-03-15", "due_time": ""},
        why="only a submitted application can be asked: nothing changes",
    ),
]
