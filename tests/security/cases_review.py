"""Access table, part 2: applications and their files, the portal, review, staff pages, awards.

The owner's requests are chosen to pass the guard and the ownership check and then stop at a
state rule (409) or a validation (422), so running the table changes nothing the next case reads.
"""

from __future__ import annotations

from tests.security.table import (
    PDF,
    Case,
    To,
    api,
    owner_api,
    owner_page,
    page,
    reviewer_api,
    reviewer_page,
    signed_in,
    staff_api,
    staff_page,
)

PROJECT_FORM = {
    "title": "Changed",
    "summary": "Changed",
    "objectives": "Changed",
    "target_group": "Changed",
    "partners": "",
    "start_date": "2027-03-01",
    "end_date": "2027-05-31",
}

CASES = [
    # --- the applicant API -----------------------------------------------------------------
    Case(
        "GET /api/applications",
        "/api/applications",
        api({"a": 200, "b": 200, "s": 200, "m": 200}),
        shows={"a": "LEAK-A-SUB", "b": "LEAK-B-SUB", "s": "LEAK-B22-SUB", "m": "LEAK-B-DRAFT"},
        why="staff: the applications of their municipalities' calls (m: LV-016's, never LEAK-B22)",
    ),
    Case(
        "GET /api/applications/{application_id:int}",
        "/api/applications/{a_sub}",
        owner_api(200, staff=200),
        shows={"a": "LEAK-A-CLAR", "s": "LEAK-A-BUDGET"},
    ),
    Case(
        "GET /api/applications/{application_id:int}",
        "/api/applications/{a_draft}",
        owner_api(200, staff=200),
        shows={"a": "LEAK-A-DRAFTFILE"},
    ),
    Case(
        "PATCH /api/applications/{application_id:int}", "/api/applications/{a_draft}", owner_api(200), json={}
    ),
    Case(
        "POST /api/calls/{call_id:int}/applications",
        "/api/calls/{call_decided}/applications",
        api({"a": 409, "b": 409}),
        json={"title": "Too late"},
    ),
    Case(
        "POST /api/applications/{application_id:int}/submit",
        "/api/applications/{a_sub}/submit",
        owner_api(409),
    ),
    Case(
        "POST /api/applications/{application_id:int}/withdraw",
        "/api/applications/{a_won}/withdraw",
        owner_api(409),
    ),
    Case(
        "POST /api/applications/{application_id:int}/clarifications",
        "/api/applications/{a_won}/clarifications",
        staff_api(409, m=409),
        json={"question": "Why?", "due_at": "2099-01-01T12:00:00+02:00"},
    ),
    Case(
        "POST /api/applications/{application_id:int}/clarifications/{clarification_id:int}/answer",
        "/api/applications/{a_sub}/clarifications/{clar_a}/answer",
        owner_api(409),
        json={"answer": "Once more"},
    ),
    Case(
        "POST /api/applications/{application_id:int}/attachments",
        "/api/applications/{a_sub}/attachments",
        owner_api(409),
        files={"file": ("more.pdf", PDF, "application/pdf")},
    ),
    Case(
        "GET /api/attachments/{attachment_id:int}",
        "/api/attachments/{att_a_sub}",
        owner_api(200, staff=200),
        shows={"a": "LEAK-A-SUBBODY", "s": "LEAK-A-SUBBODY"},
    ),
    Case("DELETE /api/attachments/{attachment_id:int}", "/api/attachments/{att_a_sub}", owner_api(409)),
    # --- the applicant portal ------------------------------------------------------------------
    Case(
        "GET /my/applications/{application_id:int}/attachments",
        "/my/applications/{a_draft}/attachments",
        owner_page(200),
        shows={"a": "LEAK-A-DRAFTFILE"},
    ),
    Case(
        "POST /my/applications/{application_id:int}/attachments",
        "/my/applications/{a_sub}/attachments",
        owner_page(409),
        form={},
        files={"file": ("more.pdf", PDF, "application/pdf")},
    ),
    Case(
        "GET /my/applications/{application_id:int}/attachments/{attachment_id:int}/remove",
        "/my/applications/{a_draft}/attachments/{att_a_draft}/remove",
        owner_page(200),
        shows={"a": "LEAK-A-DRAFTFILE"},
    ),
    Case(
        "POST /my/applications/{application_id:int}/attachments/{attachment_id:int}/remove",
        "/my/applications/{a_sub}/attachments/{att_a_sub}/remove",
        owner_page(409),
        form={},
    ),
    Case("GET /my", "/my/", page({"a": 200, "b": 200}), shows={"a": "LEAK-A-DRAFT", "b": "LEAK-B-DRAFT"}),
    Case("GET /my/calls/{call_id:int}/apply", "/my/calls/{call_open}/apply", page({"a": 200, "b": 200})),
    Case(
        "POST /my/calls/{call_id:int}/apply",
        "/my/calls/{call_decided}/apply",
        page({"a": 409, "b": 409}),
        form={"title": "Too late"},
    ),
    Case(
        "GET /my/applications/{application_id:int}/project",
        "/my/applications/{a_draft}/project",
        owner_page(200),
        shows={"a": "LEAK-A-DRAFT"},
    ),
    Case(
        "POST /my/applications/{application_id:int}/project",
        "/my/applications/{a_sub}/project",
        owner_page(409),
        form=PROJECT_FORM,
    ),
    Case(
        "GET /my/applications/{application_id:int}/events", "/my/applications/{a_sub}/events", owner_page(200)
    ),
    Case(
        "POST /my/applications/{application_id:int}/events",
        "/my/applications/{a_sub}/events",
        owner_page(409),
        form={},
    ),
    Case(
        "GET /my/applications/{application_id:int}/budget", "/my/applications/{a_sub}/budget", owner_page(200)
    ),
    Case(
        "POST /my/applications/{application_id:int}/budget",
        "/my/applications/{a_sub}/budget",
        owner_page(409),
        form={},
    ),
    Case(
        "GET /my/applications/{application_id:int}/review",
        "/my/applications/{a_sub}/review",
        owner_page(200),
        shows={"a": "LEAK-A-CLAR"},
    ),
    Case(
        "POST /my/applications/{application_id:int}/submit",
        "/my/applications/{a_sub}/submit",
        owner_page(409),
        form={},
    ),
    Case(
        "GET /my/applications/{application_id:int}/withdraw",
        "/my/applications/{a_sub}/withdraw",
        owner_page(200),
    ),
    Case(
        "POST /my/applications/{application_id:int}/withdraw",
        "/my/applications/{a_won}/withdraw",
        owner_page(409),
        form={},
    ),
    Case(
        "POST /my/applications/{application_id:int}/clarifications/{clarification_id:int}/answer",
        "/my/applications/{a_sub}/clarifications/{clar_a}/answer",
        owner_page(409),
        form={"answer": "Once more"},
    ),
    # --- review: the reviewer's API and pages ----------------------------------------------------
    Case("GET /api/reviews", "/api/reviews", api({"r": 200, "r2": 200})),
    Case(
        "GET /api/reviews/{assignment_id:int}",
        "/api/reviews/{asg_r}",
        reviewer_api(200),
        shows={"r": "LEAK-A-SUB"},
    ),
    Case(
        "GET /api/reviews/{assignment_id:int}",
        "/api/reviews/{asg_r2_conflict}",
        api({"r": 404, "r2": 409}),
        why="a declared conflict closes the application to its reviewer",
    ),
    Case(
        "GET /api/reviews/{assignment_id:int}",
        "/api/reviews/{asg_r2}",
        api({"r": 404, "r2": 200}),
        shows={"r2": "LEAK-B-SUB"},
    ),
    Case(
        "PUT /api/reviews/{assignment_id:int}",
        "/api/reviews/{asg_r}",
        reviewer_api(409),
        json={"scores": {}, "comment": "", "submit": False},
    ),
    Case(
        "POST /api/reviews/{assignment_id:int}/conflict",
        "/api/reviews/{asg_r}/conflict",
        reviewer_api(409),
        json={"conflict": False, "reason": ""},
    ),
    Case("GET /admin/reviews", "/admin/reviews/", page({"r": 200, "r2": 200})),
    Case(
        "GET /admin/reviews/{assignment_id:int}",
        "/admin/reviews/{asg_r}",
        reviewer_page(200),
        shows={"r": "LEAK-R-COMMENT"},
    ),
    Case(
        "GET /admin/reviews/{assignment_id:int}",
        "/admin/reviews/{asg_r2_conflict}",
        page({"r": 404, "r2": 200}),
        why="the released page names no detail of the application",
    ),
    Case("POST /admin/reviews/{assignment_id:int}", "/admin/reviews/{asg_r}", reviewer_page(409), form={}),
    Case(
        "POST /admin/reviews/{assignment_id:int}/conflict",
        "/admin/reviews/{asg_r}/conflict",
        reviewer_page(422),
        form={},
    ),
    Case(
        "GET /api/reviews/{assignment_id:int}/attachments/{attachment_id:int}",
        "/api/reviews/{asg_r}/attachments/{att_a_sub}",
        reviewer_api(200),
        shows={"r": "LEAK-A-SUBBODY"},
    ),
    Case(
        "GET /api/reviews/{assignment_id:int}/attachments/{attachment_id:int}",
        "/api/reviews/{asg_r2_conflict}/attachments/{att_a_sub}",
        api({"r": 404, "r2": 404}),
        why="a declared conflict closes the application's files to its reviewer",
    ),
    Case(
        "GET /api/reviews/{assignment_id:int}/attachments/{attachment_id:int}",
        "/api/reviews/{asg_r2}/attachments/{att_a_sub}",
        api({"r": 404, "r2": 404}),
        why="the file is not of the application under that review",
    ),
    # --- review: staff -----------------------------------------------------------------------
    Case(
        "POST /api/applications/{application_id:int}/eligibility",
        "/api/applications/{a_won}/eligibility",
        staff_api(409, m=409),
        json={"checks": {"A1": True}, "note": ""},
    ),
    Case(
        "POST /api/calls/{call_id:int}/assignments",
        "/api/calls/{call_open}/assignments",
        staff_api(201, m=201),
        json={"auto": True},
        why="every application has its one reviewer: nothing new is assigned",
    ),
    Case("GET /api/calls/{call_id:int}/ranking", "/api/calls/{call_open}/ranking", staff_api(200, m=200)),
    Case(
        "GET /api/calls/{call_id:int}/export.csv", "/api/calls/{call_open}/export.csv", staff_api(200, m=200)
    ),
    Case(
        "GET /api/calls/{call_id:int}/export.xlsx",
        "/api/calls/{call_open}/export.xlsx",
        staff_api(200, m=200),
    ),
    Case(
        "GET /admin/calls",
        "/admin/calls",
        staff_page(200, m=200),
        shows={"s": "Decided call LV-022", "m": "LEAK-DRAFT-CALL"},
        hides={"m": "Decided call LV-022"},
    ),
    Case(
        "GET /admin/calls/{call_id:int}",
        "/admin/calls/{call_open}",
        staff_page(200, m=200),
        shows={"s": "LEAK-A-SUB"},
    ),
    Case(
        "GET /admin/calls/{call_id:int}/ranking", "/admin/calls/{call_open}/ranking", staff_page(200, m=200)
    ),
    Case(
        "GET /admin/applications/{application_id:int}/eligibility",
        "/admin/applications/{a_sub}/eligibility",
        staff_page(200, m=200),
    ),
    Case(
        "POST /admin/applications/{application_id:int}/eligibility",
        "/admin/applications/{a_won}/eligibility",
        staff_page(409, m=409),
        form={"checks.A1": "yes"},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/assign",
        "/admin/calls/{call_open}/assign",
        staff_page(422, m=422),
        form={},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/auto-assign",
        "/admin/calls/{call_open}/auto-assign",
        staff_page(
            To("/admin/calls/{call_open}?done=auto&count=0#assignments"),
            m=To("/admin/calls/{call_open}?done=auto&count=0#assignments"),
        ),
        form={},
    ),
    Case(
        "POST /admin/assignments/{assignment_id:int}/reopen",
        "/admin/assignments/{asg_r}/reopen",
        staff_page(422, m=422),
        form={},
    ),
    # --- awards ---------------------------------------------------------------------------------
    Case(
        "POST /api/calls/{call_id:int}/awards",
        "/api/calls/{call_decided}/awards",
        staff_api(409, m=409),
        json={"application_id": "{a_won}"},
    ),
    Case(
        "POST /api/calls/{call_id:int}/awards/next-reserve",
        "/api/calls/{call_decided}/awards/next-reserve",
        staff_api(409, m=409),
    ),
    Case(
        "GET /admin/calls/{call_id:int}/awards/auto",
        "/admin/calls/{call_decided}/awards/auto",
        staff_page(200, m=200),
    ),
    Case(
        "POST /admin/calls/{call_id:int}/awards",
        "/admin/calls/{call_open}/awards",
        staff_page(409, m=409),
        form={"application_id": "{a_sub}"},
        why="awards wait for the deadline: nothing changes",
    ),
    Case(
        "POST /admin/calls/{call_id:int}/awards/auto",
        "/admin/calls/{call_open}/awards/auto",
        staff_page(409, m=409),
        form={},
    ),
    Case(
        "POST /admin/calls/{call_id:int}/awards/next-reserve",
        "/admin/calls/{call_open}/awards/next-reserve",
        staff_page(409, m=409),
        form={},
    ),
    Case(
        "POST /api/awards/{award_id:int}/decline",
        "/api/awards/{award_a_dec}/decline",
        owner_api(200, staff=422),
        json={},
        why="the one request of the table that changes something: an award kept for it",
    ),
    Case(
        "GET /api/awards",
        "/api/awards",
        signed_in(200, 401),
        shows={"a": "{ref_a_won}", "b": "{ref_b_won}", "s": "{ref_b_won}", "m": "{ref_a_won}"},
        hides={
            "a": "{ref_b_won}",
            "b": "{ref_a_won}",
            "c": "{ref_a_won}",
            "c2": "{ref_b_won}",
            "m": "{ref_b_won}",
        },
    ),
]
