"""The access table's vocabulary: a case is one request to one route, with the outcome for each role.

URLs, JSON bodies and form values are templates over the world's ids (see world.py), plus
`{role}` for values that must differ per role (a failed login counts against its e-mail).
Routes under /api are called with the role's bearer token, pages with its session cookie
(and a valid CSRF token: the table tests the guards, test_csrf.py the token).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.security.world import ROLES

LOGIN = "login"  # a page's answer to a visitor who is not signed in: 302 to /login?next=…


@dataclass(frozen=True)
class To:
    """A redirect to exactly this place (a template over the world's ids)."""

    location: str


Outcome = int | str | To


@dataclass(frozen=True)
class Case:
    route: str  # "METHOD path" as app.routes names it
    url: str
    expect: dict[str, Outcome]
    json: Any = None
    form: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    shows: dict[str, str] = field(default_factory=dict)  # role -> a text its answer must carry
    hides: dict[str, str] = field(default_factory=dict)  # role -> a text its answer must not carry
    fresh: bool = False  # the request ends the session: use a new one of the role
    why: str = ""

    @property
    def method(self) -> str:
        return self.route.split(" ", 1)[0]

    @property
    def via_api(self) -> bool:
        return self.url.startswith("/api/")


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome: Outcome, anon: Outcome) -> dict[str, Outcome]:
    return everyone(outcome) | {"anon": anon}


def api(allowed: dict[str, Outcome], other: Outcome = 403) -> dict[str, Outcome]:
    """An API route: 401 without a token, `other` for the roles not named."""
    return everyone(other) | {"anon": 401} | allowed


def page(allowed: dict[str, Outcome], other: Outcome = 403) -> dict[str, Outcome]:
    """A page: the login redirect without a session, `other` for the roles not named."""
    return everyone(other) | {"anon": LOGIN} | allowed


def staff_api(outcome: Outcome, *, m: Outcome) -> dict[str, Outcome]:
    """A staff route: national staff's outcome, and the municipal staff member's (of LV-016) named
    apart: the same for a record under an LV-016 call, 404 under an LV-022 one, 403 if national only."""
    return api({"s": outcome, "m": m})


def staff_page(outcome: Outcome, *, m: Outcome) -> dict[str, Outcome]:
    return page({"s": outcome, "m": m})


def owner_api(owner: Outcome, *, staff: Outcome = 403, other_applicant: Outcome = 404) -> dict[str, Outcome]:
    """An applicant's object of A (in an LV-016 call): B is told it does not exist; both staff
    members, national and LV-016's, get `staff`."""
    return api({"a": owner, "b": other_applicant, "s": staff, "m": staff})


def owner_page(owner: Outcome) -> dict[str, Outcome]:
    """A portal page of A's application: B gets 404, everyone without the applicant role 403."""
    return page({"a": owner, "b": 404})


def reviewer_api(own: Outcome) -> dict[str, Outcome]:
    """The reviewer's assignment: the other reviewer is told it does not exist."""
    return api({"r": own, "r2": 404})


def reviewer_page(own: Outcome) -> dict[str, Outcome]:
    return page({"r": own, "r2": 404})


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
