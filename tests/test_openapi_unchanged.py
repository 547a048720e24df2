"""The restructure kept the API: the OpenAPI schema has the same paths, methods and schemas as the
copy saved before the move (tests/snapshots/openapi.json).

The contract is "extend, never rename": a bound added to a request's field (`maxLength`, `maxItems`,
issue 11: lengths checked against the columns) is allowed; those keys alone, and only where the
snapshot has none, so names and types stay frozen.

Issue 12 (registration answers the same whoever registers) changed two operations on purpose, and
nothing else may differ: `POST /api/auth/register` documents its behaviour, never answers 409 (a taken
e-mail or registration number must not show) but 429 past the per-address limit, and its `RegisterOut`
keeps `user_id` and `organisation_id` (never removed) as always-null fields beside a new `detail`;
`POST /api/auth/token` answers 403 to an unconfirmed address. `with_issue_12` applies exactly these
changes to the snapshot before the comparison."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"
ADDED_BOUNDS = frozenset({"maxLength", "maxItems"})

pytestmark = pytest.mark.integration


# Extensions (issue 12): a new field of an object (a new *required* one still shows, in `required`),
# a newly documented response status, a description.
ADDED_ENTRIES_OF = frozenset({"properties", "responses"})
ADDED_TEXTS = frozenset({"description"})


def without_added_bounds(now: Any, saved: Any, parent: str = "") -> Any:
    """`now` without the bounds `saved` does not have at the same place, nor the additions that
    extend the contract (new optional fields, documented statuses, descriptions)."""
    if isinstance(now, dict) and isinstance(saved, dict):
        return {
            key: without_added_bounds(value, saved.get(key), key)
            for key, value in now.items()
            if key in saved or (key not in ADDED_BOUNDS | ADDED_TEXTS and parent not in ADDED_ENTRIES_OF)
        }
    if isinstance(now, list) and isinstance(saved, list) and len(now) == len(saved):
        return [without_added_bounds(a, b, parent) for a, b in zip(now, saved, strict=True)]
    return now


def test_only_extensions_are_let_through() -> None:
    saved = {"properties": {"a": {"type": "string"}}, "required": ["a"], "responses": {"200": {}}}
    now = {
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "required": ["a"],
        "responses": {"200": {}, "403": {}},
        "description": "New words.",
    }
    assert without_added_bounds(now, saved) == saved
    assert without_added_bounds(now | {"required": ["a", "b"]}, saved) != saved  # a new required field
    assert without_added_bounds({"properties": {"a": {"type": "integer"}}}, saved) != saved  # a new type


def test_only_bounds_are_let_through() -> None:
    saved = {"type": "string", "maxLength": 10, "items": [{"type": "string"}]}
    assert without_added_bounds({"type": "string", "maxLength": 10, "maxItems": 3}, saved) == {
        "type": "string",
        "maxLength": 10,
    }
    assert without_added_bounds({"maxLength": 20}, saved) == {"maxLength": 20}  # a changed bound stays
    assert without_added_bounds({"items": [{"type": "string", "maxLength": 5}]}, saved) == {
        "items": [{"type": "string"}]
    }
    assert without_added_bounds({"type": "integer", "minLength": 1}, saved) == {
        "type": "integer",
        "minLength": 1,
    }


NULLABLE_INTEGER = {"oneOf": [{"type": "integer"}, {"type": "null"}]}


def with_issue_12(saved: dict, now: dict) -> dict:
    """The snapshot with issue 12's changes (see the module): the response codes named here come as the
    app documents them (every error answer has the same shape), the rest of the snapshot as saved."""
    saved = copy.deepcopy(saved)
    register = saved["paths"]["/api/auth/register"]["post"]
    register["description"] = now["paths"]["/api/auth/register"]["post"]["description"]
    del register["responses"]["409"]
    register["responses"]["429"] = now["paths"]["/api/auth/register"]["post"]["responses"]["429"]
    token = saved["paths"]["/api/auth/token"]["post"]
    token["responses"]["403"] = now["paths"]["/api/auth/token"]["post"]["responses"]["403"]
    out = saved["components"]["schemas"]["RegisterOut"]
    out["properties"] = {
        "user_id": NULLABLE_INTEGER,
        "organisation_id": NULLABLE_INTEGER,
        "detail": {"type": "string"},
    }
    out["required"] = ["detail", "organisation_id", "user_id"]
    return saved


def test_issue_12_changes_only_the_two_operations_and_register_out() -> None:
    saved = json.loads(SNAPSHOT.read_text())
    now = copy.deepcopy(saved)
    now["paths"]["/api/auth/register"]["post"]["description"] = "Always 201"
    now["paths"]["/api/auth/register"]["post"]["responses"]["429"] = {"description": "Too many"}
    now["paths"]["/api/auth/token"]["post"]["responses"]["403"] = {"description": "Forbidden"}
    changed = with_issue_12(saved, now)
    assert sorted(changed["paths"]["/api/auth/register"]["post"]["responses"]) == sorted(
        ({*saved["paths"]["/api/auth/register"]["post"]["responses"]} - {"409"}) | {"429"}
    )
    assert changed["paths"]["/api/calls"] == saved["paths"]["/api/calls"]
    assert changed["components"]["schemas"]["TokenOut"] == saved["components"]["schemas"]["TokenOut"]


def _operations(schema: dict) -> dict[str, dict]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
    }


async def test_openapi_paths_and_methods_unchanged(client) -> None:
    """Every saved operation is still there; new ones extend the API (issue 12: password reset)."""
    saved = json.loads(SNAPSHOT.read_text())
    now = (await client.get("/schema/openapi.json")).json()
    assert sorted(set(_operations(saved)) - set(_operations(now))) == []


async def test_openapi_operations_unchanged(client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    saved = _operations(with_issue_12(json.loads(SNAPSHOT.read_text()), schema))
    now = _operations(schema)
    changed = sorted(
        key
        for key in saved
        if json.dumps(without_added_bounds(now.get(key), saved[key]), sort_keys=True)
        != json.dumps(saved[key], sort_keys=True)
    )
    assert changed == []


async def test_openapi_component_schemas_unchanged(client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    saved = with_issue_12(json.loads(SNAPSHOT.read_text()), schema)["components"]
    now = schema["components"]
    kept = {
        section: {name: now.get(section, {}).get(name) for name in schemas}
        for section, schemas in saved.items()
    }  # the saved schemas as they are now; schemas of new operations extend them
    assert without_added_bounds(kept, saved) == saved
