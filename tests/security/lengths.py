"""The text fields of the API's request bodies, read from the app's own OpenAPI schema, and valid
bodies to put an over-long value into (tests/security/test_input_lengths.py).

A field is a path into the body: names, 0 for a list's first item, KEY for the key of a map
("checks": {code: bool} has the criterion code as its key).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from grants.core.time import now
from tests.factories.accounts import PASSWORD, organisation, unique_email
from tests.factories.applications import complete_application
from tests.factories.calls import call_payload
from tests.factories.reporting import held
from tests.fuzz.world import World

KEY = "<key>"
Path = tuple[str | int, ...]
_NOT_TEXT = {"date", "date-time", "time", "uuid", "binary"}


def body_schemas(openapi: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """'METHOD /path' -> the JSON request body's schema, of every operation that takes one."""
    found = {}
    for path, item in openapi["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}) if isinstance(op, dict) else {}
            if "application/json" in body.get("content", {}):
                found[f"{method.upper()} {path}"] = body["content"]["application/json"]["schema"]
    return found


def _resolve(schema: dict[str, Any], openapi: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def text_fields(
    schema: dict[str, Any], openapi: dict[str, Any], at: Path = ()
) -> Iterator[tuple[Path, dict]]:
    """(path, the string's schema) of every text a client may send in a body of this schema; a
    union's `maxLength` holds for its text arm."""
    schema = _resolve(schema, openapi)
    bound = {"maxLength": schema["maxLength"]} if "maxLength" in schema else {}
    for option in schema.get("oneOf", schema.get("anyOf", [])):
        yield from text_fields(bound | option, openapi, at)
    kind = schema.get("type")
    if kind == "string" and schema.get("format") not in _NOT_TEXT and "enum" not in schema:
        yield at, schema
    elif kind == "array" and "items" in schema:
        yield from text_fields(schema["items"], openapi, (*at, 0))
    elif kind == "object":
        for name, prop in schema.get("properties", {}).items():
            yield from text_fields(prop, openapi, (*at, name))
        if isinstance(schema.get("additionalProperties"), dict):
            yield (*at, KEY), schema.get("propertyNames", {"type": "string"})
            yield from text_fields(schema["additionalProperties"], openapi, (*at, "K1"))


def label(path: Path) -> str:
    return ".".join(str(part) for part in path)


def put(body: Any, path: Path, value: str) -> Any:
    """A copy of the body with the value at the path; each object on the way has that field first,
    so the decoder meets it before anything else."""
    body = copy.deepcopy(body)
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head == KEY:
        inner = next(iter(body.values())) if body else True
        return {value: inner}
    if isinstance(head, int):
        items = body if isinstance(body, list) and body else [{}]
        return [put(items[0], rest, value), *items[1:]]
    body = body if isinstance(body, dict) else {}
    inner = put(body.get(head, {} if rest and rest[0] != 0 else []), rest, value)
    return {head: inner, **{k: v for k, v in body.items() if k != head}}


def named(answer: dict[str, Any], path: Path) -> bool:
    """Whether the error answer names the field (Litestar: a list of {key}; ours: a map by field)."""
    names = [part for part in path if isinstance(part, str) and part not in (KEY, "K1")]
    extra = answer.get("extra")
    keys = [e.get("key", "") for e in extra] if isinstance(extra, list) else list((extra or {}).keys())
    return any(re.search(rf"\b{re.escape(names[-1])}\b", str(key)) for key in keys)


# Who may call each operation: the rest are the applicant's (a grantee too).
ANONYMOUS = {
    "POST /api/auth/register",
    "POST /api/auth/token",
    "POST /api/auth/password-reset",
    "POST /api/auth/password-reset/confirm",
}
STAFF = {
    "POST /api/calls",
    "PUT /api/calls/{call_id}",
    "POST /api/applications/{application_id}/clarifications",
    "POST /api/calls/{call_id}/assignments",
    "POST /api/applications/{application_id}/eligibility",
    "POST /api/calls/{call_id}/awards",
    "POST /api/calls/{call_id}/approval",
    "POST /api/awards/{award_id}/terminate",
    "PATCH /api/payments/{payment_id}",
    "POST /api/payments/{payment_id}/paid",
    "POST /api/events/{event_id}/review",
    "POST /api/awards/{award_id}/final-report/review",
}


def headers_for(operation: str, world: World) -> dict[str, str]:
    if operation in ANONYMOUS:
        return {}
    if operation in STAFF:
        return world.staff
    return world.reviewer if " /api/reviews/" in operation else world.applicant


def _later(days: int) -> str:
    return (now() + timedelta(days=days)).isoformat()


# A valid body of each operation (fresh per request: a registration needs a new e-mail).
VALID: dict[str, Callable[[str], Any]] = {
    "POST /api/auth/register": lambda school: {
        "email": unique_email("long"),
        "password": PASSWORD,
        "name": "Anna Bērziņa",
        "organisation": organisation(address="Rīgas iela 1", email="info@example.lv", phone="+37120000000"),
    },
    "POST /api/auth/token": lambda school: {"email": unique_email("nobody"), "password": PASSWORD},
    "POST /api/auth/password-reset": lambda school: {"email": unique_email("nobody")},
    "POST /api/auth/password-reset/confirm": lambda school: {"token": "not-a-token", "password": PASSWORD},
    "POST /api/calls": lambda school: call_payload(),
    "PUT /api/calls/{call_id}": lambda school: call_payload(),
    "POST /api/applications/{application_id}/clarifications/{clarification_id}/answer": lambda school: {
        "answer": "Skolas zālē."
    },
    "POST /api/applications/{application_id}/clarifications": lambda school: {
        "question": "Kur?",
        "due_at": _later(10),
    },
    "POST /api/calls/{call_id}/applications": lambda school: {"title": "Nometne"},
    "PATCH /api/applications/{application_id}": complete_application,
    "POST /api/calls/{call_id}/assignments": lambda school: {"auto": True},
    "POST /api/applications/{application_id}/eligibility": lambda school: {
        "checks": {"A1": True},
        "note": "Labi",
    },
    "POST /api/reviews/{assignment_id}/conflict": lambda school: {"conflict": False, "reason": "Nav"},
    "PUT /api/reviews/{assignment_id}": lambda school: {
        "scores": {"K1": 5},
        "comment": "Labi",
        "comments": {"K1": "Labi"},
    },
    "POST /api/calls/{call_id}/awards": lambda school: {
        "application_id": 1,
        "amount": "100.00",
        "reason": "R",
    },
    "POST /api/calls/{call_id}/approval": lambda school: {"outcome": "returned", "comment": "Pārbaudiet"},
    "POST /api/awards/{award_id}/decline": lambda school: {"reason": "Atsakāmies"},
    "POST /api/awards/{award_id}/terminate": lambda school: {"reason": "Pārtraukts"},
    "PATCH /api/payments/{payment_id}": lambda school: {"amount": "1.00", "note": "Samazināts"},
    "POST /api/payments/{payment_id}/paid": lambda school: {"paid_on": "", "note": "Maksājums"},
    "POST /api/awards/{award_id}/events": held,
    "PATCH /api/events/{event_id}": held,
    "POST /api/events/{event_id}/review": lambda school: {"decision": "accept", "comment": "Labi"},
    "POST /api/awards/{award_id}/final-report": lambda school: {
        "narrative": "Notika",
        "results": "Sasniegti",
        "spent": "4600.00",
    },
    "POST /api/awards/{award_id}/final-report/review": lambda school: {
        "decision": "accept",
        "comment": "Labi",
    },
}


def url(operation: str, ids: dict[str, int | str]) -> tuple[str, str]:
    """(method, path) with the seeded rows' ids."""
    method, path = operation.split(" ", 1)
    return method, re.sub(r"\{(\w+)\}", lambda m: str(ids[m[1]]), path)
