"""Access table: the awards' back-office and portal pages of issue 13 — declining an award (the
grantee's confirmation and staff's), the applicant's decision page, the organisation's bank account.

Each request stops at a state rule (409) or a validation (422), so running the table changes nothing:
A's award `award_a` is signed (it can no longer be declined), staff's decline lacks its reason, the
IBAN's check digits are wrong.
"""

from __future__ import annotations

from tests.security.table import Case, page, staff_page


def grantee_page(owner: int) -> dict:
    """The portal: the award's (or application's) organisation; B is told it does not exist."""
    return page({"a": owner, "b": 404})


CASES = [
    Case(
        "GET /my/awards/{award_id:int}/decline",
        "/my/awards/{award_a}/decline",
        grantee_page(200),
        shows={"a": "This award cannot be declined"},
    ),
    Case(
        "POST /my/awards/{award_id:int}/decline",
        "/my/awards/{award_a}/decline",
        grantee_page(409),
        form={"reason": ""},
        why="award_a's agreement is signed: refused, nothing changes",
    ),
    Case(
        "GET /admin/awards/{award_id:int}/decline", "/admin/awards/{award_a}/decline", staff_page(200, m=200)
    ),
    Case(
        "POST /admin/awards/{award_id:int}/decline",
        "/admin/awards/{award_a}/decline",
        staff_page(422, m=422),
        form={"reason": ""},
    ),
    Case(
        "GET /my/applications/{application_id:int}/decision",
        "/my/applications/{a_inel}/decision",
        grantee_page(200),
        shows={"a": "LEAK-A-INELIGIBLE note"},
    ),
    Case(
        "GET /my/applications/{application_id:int}/decision",
        "/my/applications/{a_sub}/decision",
        grantee_page(404),
        why="no decision to explain yet",
    ),
    Case(
        "POST /account/organisation/iban",
        "/account/organisation/iban",
        page({"a": 422, "b": 422}),
        form={"iban": "LV81BANK0000435195001"},
    ),
]
