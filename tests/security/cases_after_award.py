"""Access table, part 3: agreements and payments, event and final reports, the municipality
dashboard, public results and open data.

Grantee routes follow one rule (awards.queries.reportable_award): the award's organisation and
staff; another applicant is told it does not exist (404); other roles meet the guard (403).
"""

from __future__ import annotations

from tests.security.table import EXE, LOGIN, PDF, Case, api, everyone, page, staff_api, staff_page

PHOTO_NOT_IMAGE = {"file": ("photo.png", PDF, "image/png")}
FINAL = {"narrative": "Again", "results": "Again", "spent": "100.00"}


def grantee_api(owner: int, staff: int | None = None) -> dict:
    """A's award (under an LV-016 call): its organisation and both staff members, national and
    LV-016's (the same outcome unless told), B 404, the rest 403."""
    both = owner if staff is None else staff
    return api({"a": owner, "b": 404, "s": both, "m": both})


def grantee_page(owner: int) -> dict:
    """The portal: the award's organisation, B 404; staff too have no applicant role here."""
    return page({"a": owner, "b": 404})


def coordinator(code_holder: str, outcome, *, m, anon=401) -> dict:
    """A municipality's dashboard: its coordinator and staff (the municipal staff member of LV-016
    `m`: 404 for another municipality); the other coordinator 403."""
    return everyone(403) | {"anon": anon, code_holder: outcome, "s": outcome, "m": m}


CASES = [
    # --- agreements, payments, termination (staff; the grantee downloads the agreement) ---------------
    Case(
        "POST /api/awards/{award_id:int}/agreement",
        "/api/awards/{award_a}/agreement",
        staff_api(409, m=409),
        form={"number": "SEC-A-9", "signed_on": "2026-01-05"},
        files={"file": ("agreement.pdf", PDF, "application/pdf")},
        why="signed already: the upload is refused and deleted",
    ),
    Case(
        "GET /api/awards/{award_id:int}/agreement/document",
        "/api/awards/{award_a}/agreement/document",
        grantee_api(200),
        shows={"a": "LEAK-A-AGREEMENT", "s": "LEAK-A-AGREEMENT"},
    ),
    Case(
        "POST /api/awards/{award_id:int}/terminate",
        "/api/awards/{award_a}/terminate",
        staff_api(422, m=422),
        json={},
    ),
    Case(
        "GET /api/payments",
        "/api/payments",
        staff_api(200, m=200),
        shows={"s": "{ref_b_won}", "m": "{ref_a_won}"},
        hides={"m": "{ref_b_won}"},
    ),
    Case(
        "GET /api/payments.csv",
        "/api/payments.csv",
        staff_api(200, m=200),
        shows={"s": "{ref_b_won}", "m": "{ref_a_won}"},
        hides={"m": "{ref_b_won}"},
    ),
    Case(
        "POST /api/payments/{payment_id:int}/paid",
        "/api/payments/{payment_a}/paid",
        staff_api(422, m=422),
        json={},
    ),
    Case("PATCH /api/payments/{payment_id:int}", "/api/payments/{payment_a}", staff_api(422, m=422), json={}),
    Case(
        "GET /admin/awards",
        "/admin/awards",
        staff_page(200, m=200),
        shows={"s": "{ref_b_won}", "m": "LEAK-A-AGREEMENT"},
        hides={"m": "{ref_b_won}"},
    ),
    Case(
        "GET /admin/payments",
        "/admin/payments",
        staff_page(200, m=200),
        shows={"s": "{ref_b_won}", "m": "{ref_a_won}"},
        hides={"m": "{ref_b_won}"},
    ),
    Case(
        "POST /admin/awards/{award_id:int}/agreement",
        "/admin/awards/{award_a}/agreement",
        staff_page(422, m=422),
        form={"number": ""},
    ),
    Case(
        "GET /admin/awards/{award_id:int}/terminate",
        "/admin/awards/{award_a}/terminate",
        staff_page(200, m=200),
    ),
    Case(
        "POST /admin/awards/{award_id:int}/terminate",
        "/admin/awards/{award_a}/terminate",
        staff_page(422, m=422),
        form={},
    ),
    Case(
        "POST /admin/payments/{payment_id:int}/paid",
        "/admin/payments/{payment_a}/paid",
        staff_page(422, m=422),
        form={},
    ),
    Case(
        "POST /admin/payments/{payment_id:int}/lower",
        "/admin/payments/{payment_a}/lower",
        staff_page(422, m=422),
        form={},
    ),
    # --- event reports and photos (API) -------------------------------------------------------------
    Case("POST /api/awards/{award_id:int}/events", "/api/awards/{award_a}/events", grantee_api(422), json={}),
    Case(
        "GET /api/awards/{award_id:int}/events",
        "/api/awards/{award_a}/events",
        grantee_api(200),
        shows={"a": "LEAK-A-RETURNED", "s": "LEAK-A-EVDESC"},
    ),
    Case(
        "GET /api/events/{event_id:int}",
        "/api/events/{event_a}",
        grantee_api(200),
        shows={"a": "LEAK-A-EVDESC"},
    ),
    Case(
        "GET /api/events/{event_id:int}",
        "/api/events/{event_b}",
        api({"a": 404, "b": 200, "s": 200, "m": 404}),
        why="B's event is under an LV-022 call: not found for LV-016's staff",
    ),
    Case(
        "PATCH /api/events/{event_id:int}",
        "/api/events/{event_a}",
        grantee_api(422),
        json={"status": "bogus"},
    ),
    Case(
        "POST /api/events/{event_id:int}/review",
        "/api/events/{event_a}/review",
        staff_api(422, m=422),
        json={"decision": "maybe"},
    ),
    Case(
        "POST /api/events/{event_id:int}/photos",
        "/api/events/{event_a}/photos",
        grantee_api(415),
        files=PHOTO_NOT_IMAGE,
    ),
    Case("GET /api/event-photos/{photo_id:int}", "/api/event-photos/{photo_a}", grantee_api(200)),
    Case(
        "GET /api/event-photos/{photo_id:int}/thumbnail",
        "/api/event-photos/{photo_a}/thumbnail",
        grantee_api(200),
    ),
    Case(
        "DELETE /api/event-photos/{photo_id:int}",
        "/api/event-photos/{photo_a_locked}",
        grantee_api(409),
        why="the photo of an accepted report stays",
    ),
    # --- the final report (API) -----------------------------------------------------------------------
    Case(
        "POST /api/awards/{award_id:int}/final-report",
        "/api/awards/{award_a_fin}/final-report",
        grantee_api(409),
        json=FINAL,
    ),
    Case(
        "GET /api/awards/{award_id:int}/final-report",
        "/api/awards/{award_a_fin}/final-report",
        grantee_api(200),
        shows={"a": "LEAK-A-FINALFILE", "s": "LEAK-A-FINAL narrative"},
    ),
    Case(
        "POST /api/awards/{award_id:int}/final-report/review",
        "/api/awards/{award_a_fin}/final-report/review",
        staff_api(422, m=422),
        json={"decision": "maybe"},
    ),
    Case(
        "POST /api/awards/{award_id:int}/final-report/attachments",
        "/api/awards/{award_a_fin}/final-report/attachments",
        grantee_api(415),
        files={"file": ("report.pdf", EXE, "application/pdf")},
    ),
    Case(
        "GET /api/final-report-attachments/{attachment_id:int}",
        "/api/final-report-attachments/{final_file_a}",
        grantee_api(200),
        shows={"a": "LEAK-A-FINALFILE"},
    ),
    # --- the grantee's pages ----------------------------------------------------------------------------
    Case("GET /my/awards", "/my/awards", page({"a": 200, "b": 200}), shows={"a": "Funded project Alfa"}),
    Case(
        "GET /my/awards/{award_id:int}",
        "/my/awards/{award_a}",
        grantee_page(200),
        shows={"a": "LEAK-A-RETURNED"},
    ),
    Case("GET /my/awards/{award_id:int}/events/new", "/my/awards/{award_a}/events/new", grantee_page(200)),
    Case("POST /my/awards/{award_id:int}/events", "/my/awards/{award_a}/events", grantee_page(422), form={}),
    Case(
        "GET /my/events/{event_id:int}",
        "/my/events/{event_a}",
        grantee_page(200),
        shows={"a": "LEAK-A-PHOTO"},
    ),
    Case(
        "POST /my/events/{event_id:int}", "/my/events/{event_a}", grantee_page(422), form={"status": "bogus"}
    ),
    Case("POST /my/events/{event_id:int}/photos", "/my/events/{event_a}/photos", grantee_page(422), form={}),
    Case(
        "POST /my/event-photos/{photo_id:int}/remove",
        "/my/event-photos/{photo_a_locked}/remove",
        grantee_page(409),
        form={},
    ),
    Case(
        "GET /my/awards/{award_id:int}/planned/{planned_id:int}/cancel",
        "/my/awards/{award_a}/planned/{planned_a}/cancel",
        grantee_page(200),
    ),
    Case(
        "POST /my/awards/{award_id:int}/planned/{planned_id:int}/cancel",
        "/my/awards/{award_a}/planned/{planned_a}/cancel",
        grantee_page(422),
        form={"cancel_reason": ""},
    ),
    Case("GET /my/events/{event_id:int}/cancel", "/my/events/{event_a}/cancel", grantee_page(200)),
    Case(
        "POST /my/events/{event_id:int}/cancel",
        "/my/events/{event_a}/cancel",
        grantee_page(422),
        form={"cancel_reason": ""},
    ),
    Case(
        "POST /my/awards/{award_id:int}/final-report",
        "/my/awards/{award_a_fin}/final-report",
        grantee_page(409),
        form=FINAL,
    ),
    Case(
        "POST /my/awards/{award_id:int}/final-report/attachments",
        "/my/awards/{award_a_fin}/final-report/attachments",
        grantee_page(422),
        form={},
    ),
    # --- the staff's review of reports --------------------------------------------------------------------
    # By call: the queue is paged, and other tests' reports of LV-016 come before the world's.
    Case(
        "GET /admin/reports",
        "/admin/reports?call={call_decided}",
        staff_page(200, m=200),
        shows={"s": "Held workshop Alfa", "m": "Held workshop Alfa"},
        hides={"s": "Held workshop Beta", "m": "Held workshop Beta"},
    ),
    Case(
        "GET /admin/reports",
        "/admin/reports?call={call_decided22}",
        staff_page(200, m=200),
        shows={"s": "Held workshop Beta"},
        hides={"m": "Held workshop Beta"},
    ),
    Case(
        "GET /admin/reports/events/{event_id:int}",
        "/admin/reports/events/{event_a}",
        staff_page(200, m=200),
        shows={"s": "LEAK-A-EVDESC"},
    ),
    Case(
        "POST /admin/reports/events/{event_id:int}/review",
        "/admin/reports/events/{event_a}/review",
        staff_page(422, m=422),
        form={},
    ),
    Case(
        "GET /admin/reports/final/{award_id:int}",
        "/admin/reports/final/{award_a_fin}",
        staff_page(200, m=200),
        shows={"s": "LEAK-A-FINAL"},
    ),
    Case(
        "POST /admin/reports/final/{award_id:int}/review",
        "/admin/reports/final/{award_a_fin}/review",
        staff_page(422, m=422),
        form={},
    ),
    Case(
        "GET /api/reports/events.csv",
        "/api/reports/events.csv",
        staff_api(200, m=200),
        shows={"s": "Held workshop Beta", "m": "Held workshop Alfa"},
        hides={"m": "Held workshop Beta"},
    ),
    # --- the municipality dashboard ------------------------------------------------------------------------
    Case(
        "GET /municipality/{code:str}",
        "/municipality/LV-016",
        coordinator("c", 200, m=200, anon=LOGIN),
        shows={"c": "Funded project Alfa"},
        hides={"c": "Funded project Beta"},
    ),
    Case("GET /municipality/{code:str}", "/municipality/LV-022", coordinator("c2", 200, m=404, anon=LOGIN)),
    Case(
        "GET /municipality/{code:str}/export.csv",
        "/municipality/LV-016/export.csv",
        coordinator("c", 200, m=200, anon=LOGIN),
        hides={"c": "Held workshop Beta"},
    ),
    Case(
        "GET /api/municipalities/{code:str}/activities",
        "/api/municipalities/LV-016/activities",
        coordinator("c", 200, m=200),
        hides={"c": "Held workshop Beta"},
    ),
    # --- public results and open data ------------------------------------------------------------------------
    Case("GET /results", "/results", everyone(200)),
    Case("GET /results/calls/{call_id:int}", "/results/calls/{call_decided}", everyone(200)),
    Case(
        "GET /results/calls/{call_id:int}",
        "/results/calls/{call_draft}",
        everyone(404),
        why="a draft call has no public results, not even for staff's browser",
    ),
    Case("GET /results/projects", "/results/projects", everyone(200), shows={"anon": "Funded project Alfa"}),
    Case("GET /results/projects/{award_id:int}", "/results/projects/{award_a}", everyone(200)),
    Case("GET /registry/schools/{registration_number:str}", "/registry/schools/{school16}", everyone(200)),
    Case("GET /open-data", "/open-data", everyone(200)),
    Case("GET /api/open-data/360giving.json", "/api/open-data/360giving.json", everyone(200)),
    Case("GET /api/open-data/360giving.csv", "/api/open-data/360giving.csv", everyone(200)),
]
