"""Access table, part 1: site pages, accounts, registry, calls, static files and the schema."""

from __future__ import annotations

from tests.factories.calls import call_payload
from tests.security.table import EXE, LOGIN, Case, To, everyone, page, signed_in, staff_api, staff_page

_DRAFT_CALL = call_payload(title="LEAK-DRAFT-CALL title", reviewers_per_application=1)

CASES = [
    # --- site-wide pages ---------------------------------------------------------------
    Case("GET /docs/api", "/docs/api", everyone(200)),
    Case("GET /lang/{code:str}", "/lang/en?next=/calls", everyone(To("/calls"))),
    Case("GET /", "/", everyone(200)),
    Case("GET /static/{file_path:path}", "/static/css/site.css", everyone(200)),
    Case("HEAD /static/{file_path:path}", "/static/css/site.css", everyone(200)),
    Case("GET /schema", "/schema", everyone(200)),
    Case("GET /schema/openapi.json", "/schema/openapi.json", everyone(200)),
    Case("GET /schema/{path:str}", "/schema/swagger", everyone(404)),
    Case(
        "ASGI /admin/data", "/admin/data", everyone(To("/admin/data/")), why="the panel: test_admin_access.py"
    ),
    # --- the back office's home and the addresses it moved from ------------------------------
    Case(
        "GET /admin",
        "/admin/",
        page({"s": 200, "m": 200, "r": To("/admin/reviews"), "r2": To("/admin/reviews")}),
        shows={"s": "queue-screen", "m": "queue-screen"},
    ),
    Case(
        "GET /home",
        "/home",
        signed_in(To("/account"), LOGIN)
        | {
            "a": To("/my/"),
            "b": To("/my/"),
            "r": To("/admin/reviews"),
            "r2": To("/admin/reviews"),
            "c": To("/municipality/LV-016"),
            "c2": To("/municipality/LV-022"),
            "s": To("/admin/"),
            "m": To("/admin/"),
        },
    ),
    Case("GET /staff", "/staff", everyone(To("/admin/"))),
    Case("GET /staff/{rest:path}", "/staff/calls", everyone(To("/admin/calls"))),
    Case("GET /reviews", "/reviews", everyone(To("/admin/reviews"))),
    Case("GET /reviews/{rest:path}", "/reviews/1", everyone(To("/admin/reviews/1"))),
    # --- accounts ------------------------------------------------------------------------
    Case(
        "GET /api/me",
        "/api/me",
        signed_in(200, 401),
        shows={"a": "{email_a}", "b": "{email_b}", "s": "{email_s}", "m": "{email_m}"},
    ),
    Case(
        "POST /api/auth/register",
        "/api/auth/register",
        everyone(201),
        json={
            "email": "{email_a}",
            "password": "correct-horse-battery",
            "name": "Somebody",
            "organisation": {
                "name": "Another",
                "registration_number": "49999999999",
                "legal_form": "association",
                "municipality_code": "LV-016",
            },
        },
        why="an existing e-mail: the same answer as a new one (its owner is mailed), no echo of it",
    ),
    Case(
        "POST /api/auth/register",
        "/api/auth/register",
        everyone(201),
        json={
            "email": "someone-else-{role}@example.lv",
            "password": "correct-horse-battery",
            "name": "Somebody",
            "organisation": {
                "name": "Another",
                "registration_number": "{regno_a}",
                "legal_form": "association",
                "municipality_code": "LV-016",
            },
        },
        why="an organisation registered already: a join request, the same answer, its members not named",
    ),
    Case(
        "POST /api/auth/token",
        "/api/auth/token",
        everyone(200),
        json={"email": "{email_c}", "password": "correct-horse-battery"},
    ),
    Case(
        "GET /account", "/account", signed_in(200, LOGIN), shows={"a": "Biedrība Alfa", "b": "Biedrība Beta"}
    ),
    Case("GET /account/password", "/account/password", signed_in(200, LOGIN)),
    Case(
        "POST /account/password",
        "/account/password",
        signed_in(422, LOGIN),
        form={"current_password": "x", "new_password": "abcdefgh1", "new_password2": "different1"},
    ),
    Case("GET /login", "/login", everyone(200)),
    Case(
        "POST /login",
        "/login",
        everyone(401),
        form={"email": "nobody-{role}@example.lv", "password": "wrong-password"},
    ),
    Case("POST /logout", "/logout", everyone(To("/")), form={}, fresh=True),
    # --- two-factor sign-in (the suite runs with it not required; no user here is enrolled) ---------
    Case("GET /account/two-factor", "/account/two-factor", signed_in(200, LOGIN)),
    Case("GET /account/two-factor/enrol", "/account/two-factor/enrol", signed_in(200, LOGIN)),
    Case(
        "POST /account/two-factor/enrol",
        "/account/two-factor/enrol",
        signed_in(422, LOGIN),
        form={"code": "000000"},
    ),
    Case(
        "POST /account/two-factor/recovery-codes",
        "/account/two-factor/recovery-codes",
        signed_in(422, LOGIN),
        form={"recovery-code": "000000"},
    ),
    Case(
        "POST /account/two-factor/off",
        "/account/two-factor/off",
        signed_in(422, LOGIN),
        form={"off-code": "000000"},
    ),
    Case("GET /login/code", "/login/code", everyone(401), why="no pending login: the password first"),
    Case("POST /login/code", "/login/code", everyone(401), form={"code": "000000"}),
    Case("GET /login/enrol", "/login/enrol", everyone(401), why="no pending login: the password first"),
    Case("POST /login/enrol", "/login/enrol", everyone(401), form={"code": "000000"}),
    Case("GET /register", "/register", everyone(200)),
    Case(
        "POST /register",
        "/register",
        everyone(To("/register/sent")),
        form={
            "email": "someone-{role}@example.lv",
            "name": "Somebody",
            "password": "correct-horse-battery",
            "password2": "correct-horse-battery",
            "org_name": "Another",
            "org_registration_number": "{regno_a}",
            "org_legal_form": "association",
            "org_municipality_code": "LV-016",
        },
    ),
    # --- a forgotten password (issue 12): the same answer whoever asks, for whatever address ---
    Case("GET /password/forgot", "/password/forgot", everyone(200)),
    Case(
        "POST /password/forgot",
        "/password/forgot",
        everyone(200),
        form={"email": "nobody-forgot-{role}@example.lv"},
    ),
    Case("GET /password/reset/{token:str}", "/password/reset/not-a-token", everyone(410)),
    Case(
        "POST /password/reset/{token:str}",
        "/password/reset/not-a-token",
        everyone(410),
        form={"new_password": "correct-horse-battery", "new_password2": "correct-horse-battery"},
    ),
    Case(
        "POST /api/auth/password-reset",
        "/api/auth/password-reset",
        everyone(202),
        json={"email": "nobody-api-forgot-{role}@example.lv"},
    ),
    Case(
        "POST /api/auth/password-reset/confirm",
        "/api/auth/password-reset/confirm",
        everyone(409),
        json={"token": "not-a-token", "password": "correct-horse-battery"},
    ),
    Case("GET /register/sent", "/register/sent", everyone(200)),
    Case(
        "GET /account/confirm/{token:str}",
        "/account/confirm/not-a-link-anyone-was-sent",
        everyone(404),
        why="an unknown link confirms nothing, for anyone",
    ),
    Case(
        "POST /account/confirmation",
        "/account/confirmation",
        signed_in(To("/account?saved=link"), LOGIN),
        form={},
        why="send the link again: nothing to send to a confirmed address, the same redirect",
    ),
    # --- registry ----------------------------------------------------------------------------
    Case("GET /api/registry/municipalities", "/api/registry/municipalities", everyone(200)),
    Case("GET /api/registry/schools", "/api/registry/schools?municipality=LV-016", everyone(200)),
    Case("GET /registry", "/registry", everyone(200)),
    Case(
        "GET /registry/{code:str}", "/registry/LV-016", everyone(200), shows={"anon": "Drošības pamatskola"}
    ),
    # --- calls ---------------------------------------------------------------------------------
    Case(
        "GET /api/calls",
        "/api/calls",
        everyone(200),
        shows={"s": "LEAK-DRAFT-CALL", "m": "LEAK-DRAFT-CALL", "anon": "Open security call"},
        why="drafts for staff: every municipality's for national staff, LV-016's for m (not LEAK-DRAFT22)",
    ),
    Case("GET /api/calls/{call_id:int}", "/api/calls/{call_open}", everyone(200)),
    Case(
        "GET /api/calls/{call_id:int}",
        "/api/calls/{call_draft}",
        everyone(404) | {"s": 200, "m": 200},
        why="a draft call exists only for staff (of its municipality)",
    ),
    Case(
        "POST /api/calls",
        "/api/calls",
        staff_api(201, m=201),
        json=call_payload(title="Made by the access table"),
    ),
    Case("PUT /api/calls/{call_id:int}", "/api/calls/{call_draft}", staff_api(200, m=200), json=_DRAFT_CALL),
    Case("POST /api/calls/{call_id:int}/publish", "/api/calls/{call_open}/publish", staff_api(409, m=409)),
    Case("POST /api/calls/{call_id:int}/close", "/api/calls/{call_decided}/close", staff_api(409, m=409)),
    Case(
        "POST /api/calls/{call_id:int}/documents",
        "/api/calls/{call_open}/documents",
        staff_api(415, m=415),
        files={"file": ("rules.pdf", EXE, "application/pdf")},
    ),
    Case("GET /api/calls/{call_id:int}/documents", "/api/calls/{call_open}/documents", everyone(200)),
    Case(
        "GET /api/calls/{call_id:int}/documents",
        "/api/calls/{call_draft}/documents",
        everyone(404) | {"s": 200, "m": 200},
    ),
    Case(
        "GET /api/calls/{call_id:int}/documents/{document_id:int}",
        "/api/calls/{call_open}/documents/{doc_open}",
        everyone(200),
    ),
    Case(
        "GET /api/calls/{call_id:int}/documents/{document_id:int}",
        "/api/calls/{call_draft}/documents/{doc_draft}",
        everyone(404) | {"s": 200, "m": 200},
    ),
    Case(
        "GET /api/calls/{call_id:int}/documents/{document_id:int}",
        "/api/calls/{call_open}/documents/{doc_draft}",
        everyone(404),
        why="a document is reached only through its own call",
    ),
    Case(
        "DELETE /api/calls/{call_id:int}/documents/{document_id:int}",
        "/api/calls/{call_open}/documents/{doc_doomed}",
        staff_api(204, m=404),
        why="national staff (asked first) remove it; for the municipal staff member it is gone",
    ),
    Case("GET /calls", "/calls", everyone(200)),
    Case("GET /calls/{call_id:int}", "/calls/{call_open}", everyone(200)),
    Case("GET /calls/{call_id:int}", "/calls/{call_draft}", everyone(404) | {"s": 200, "m": 200}),
    Case(
        "POST /calls/{call_id:int}/documents",
        "/calls/{call_open}/documents",
        staff_page(To("/calls/{call_open}?document=missing"), m=To("/calls/{call_open}?document=missing")),
        form={"title": "No file"},
    ),
]
