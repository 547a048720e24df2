"""The restructure kept the API: the OpenAPI schema has the same paths, methods and schemas as the
copy saved before the move (tests/snapshots/openapi.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"

pytestmark = pytest.mark.integration


def _operations(schema: dict) -> dict[str, dict]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
    }


async def test_openapi_paths_and_methods_unchanged(client) -> None:
    saved = json.loads(SNAPSHOT.read_text())
    now = (await client.get("/schema/openapi.json")).json()
    assert sorted(_operations(now)) == sorted(_operations(saved))


async def test_openapi_operations_unchanged(client) -> None:
    saved = _operations(json.loads(SNAPSHOT.read_text()))
    now = _operations((await client.get("/schema/openapi.json")).json())
    changed = sorted(
        key
        for key in saved
        if json.dumps(now.get(key), sort_keys=True) != json.dumps(saved[key], sort_keys=True)
    )
    assert changed == []


async def test_openapi_component_schemas_unchanged(client) -> None:
    saved = json.loads(SNAPSHOT.read_text())["components"]
    now = (await client.get("/schema/openapi.json")).json()["components"]
    assert json.loads(json.dumps(now, sort_keys=True)) == saved
