"""Access table, the reviews in the back office (issue 13): the call's "Review progress" tab and its
reminder, and the declaration refused once answered (it then names nothing of the application)."""

from __future__ import annotations

from tests.security.table import Case, page, staff_page

CASES = [
    Case(
        "GET /admin/calls/{call_id:int}/reviews",
        "/admin/calls/{call_open}/reviews",
        staff_page(200, m=200),
        shows={"s": "LEAKREVIEWERNAME"},
        why="staff follow each reviewer by name; the reviewers and applicants never see the list",
    ),
    Case(
        "POST /admin/calls/{call_id:int}/reviews/remind",
        "/admin/calls/{call_open}/reviews/remind",
        staff_page(422, m=422),
        form={},
        why="no reviewer chosen: refused before anything is sent",
    ),
    Case(
        "POST /admin/reviews/{assignment_id:int}/conflict",
        "/admin/reviews/{asg_r2_conflict}/conflict",
        page({"r": 404, "r2": 409}),
        form={"conflict": "no"},
        why="answered already: the released page again, without the applicant's title or name",
    ),
]
