"""Schemathesis against our own OpenAPI schema (/schema/openapi.json), in process over ASGI.

Each operation is fuzzed as the role it is for, with a valid bearer token: the public API
anonymously, the applicant's (a grantee too: events, photos, final report), the reviewer's and the
municipality coordinator's; half the time with the ids of seeded rows in the path, so that the
requests get past the 404 (tests/fuzz/world.py). Checks: no 5xx, a documented status code, a body
and content type as the schema says. Staff-only operations are fuzzed as an applicant (each must
answer its documented 403) and every guarded operation without a token (its documented 401). The
seeds are fixed (derandomize), so a run is repeatable in CI.

Hostile bodies: every operation with a JSON body is also sent, as a role that reaches its handler
(staff for the staff-only ones), its generated body with every text made over-long, and JSON
nested 100,000 deep; neither may get a 5xx (issue 11: lengths and nesting are refused as bad input).

Not fuzzed: the admin panel (a mounted app outside the schema), and the files of the multipart
uploads: the schema does not describe those bodies (the routes stream `request` by hand), so
schemathesis sends them without a file, and they are held to their documented 400.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import msgspec
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from piccolo.engine.postgres import PostgresEngine
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from grants.app import create_app
from grants.core.db import engine
from tests.fuzz.world import World, seed

pytestmark = pytest.mark.integration

APP = create_app()


_STARTED: list[bool] = []  # whether this module started the pool (the suite may run one already)


async def _pool_up() -> None:
    if isinstance(engine(), PostgresEngine) and engine().pool is None:
        await engine().start_connection_pool()
        _STARTED.append(True)


async def _pool_down() -> None:
    if _STARTED and engine().pool is not None:
        await engine().close_connection_pool()
        _STARTED.clear()


# The fuzzed app gets a connection pool on PostgreSQL, as in production (the test process otherwise
# opens a connection per query): started with the app in the event loop schemathesis runs it in,
# and closed with this module (see `world`), before any other test uses the engine from its own loop.
APP.on_startup.append(_pool_up)
APP.on_shutdown.append(_pool_down)
# The schema the app serves at /schema/openapi.json (a test below holds the two equal), read without a
# request so that importing this module needs no database yet.
RAW_SCHEMA = msgspec.json.decode(msgspec.json.encode(APP.openapi_schema.to_schema()))
SEED = 20260601  # schemathesis's own choices (the coverage phase) are fixed as well


def _load(config: dict[str, Any]):
    schema = schemathesis.openapi.from_dict(RAW_SCHEMA, config=schemathesis.Config.from_dict(config))
    schema.app = APP  # requests go in process, over ASGI
    return schema


# Every phase, positive and negative data: the operations fuzzed as their own role. The coverage
# phase's requests with undeclared methods (405s: Litestar's routing, not ours) are left out.
SCHEMA = _load({"seed": SEED, "phases": {"coverage": {"unexpected-methods": []}}})
# Valid requests only, without the coverage phase's boundary cases: they all stop at the guard.
GUARD_SCHEMA = _load(
    {
        "seed": SEED,
        "generation": {"mode": "positive"},
        "phases": {"coverage": {"enabled": False}},
    }
)
# The same requests, with hostile bodies (see `hostile_bodies`).
HOSTILE_SCHEMA = _load(
    {
        "seed": SEED,
        "generation": {"mode": "positive"},
        "phases": {"coverage": {"enabled": False}},
    }
)
JSON_BODY = {
    f"{method.upper()} {path}"
    for path, item in RAW_SCHEMA["paths"].items()
    for method, op in item.items()
    if isinstance(op, dict) and "application/json" in op.get("requestBody", {}).get("content", {})
}
DEEP = b"[" * 100_000
TOO_LONG = "ā" * 20_001  # beyond every column and the text bound (grants.core.inputs.TEXT_MAX)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


def fuzz_settings(max_examples: int) -> settings:
    """Examples per operation in the fuzzing phase (the coverage phase adds its own)."""
    return settings(
        max_examples=max_examples,
        derandomize=True,  # the same cases on every run and machine
        deadline=None,
        database=None,  # no example database: what runs depends on the code alone
        suppress_health_check=list(HealthCheck),
    )


PUBLIC = {
    "GET /api/calls",
    "GET /api/calls/{call_id}",
    "GET /api/calls/{call_id}/documents",
    "GET /api/calls/{call_id}/documents/{document_id}",
    "GET /api/registry/municipalities",
    "GET /api/registry/schools",
    "POST /api/auth/register",
    "POST /api/auth/token",
    "POST /api/auth/password-reset",
    "POST /api/auth/password-reset/confirm",
    "GET /api/open-data/360giving.json",
    "GET /api/open-data/360giving.csv",
}
APPLICANT = {
    "GET /api/me",
    "POST /api/calls/{call_id}/applications",
    "GET /api/applications",
    "GET /api/applications/{application_id}",
    "PATCH /api/applications/{application_id}",
    "POST /api/applications/{application_id}/submit",
    "POST /api/applications/{application_id}/withdraw",
    "POST /api/applications/{application_id}/clarifications/{clarification_id}/answer",
    "POST /api/applications/{application_id}/attachments",
    "GET /api/attachments/{attachment_id}",
    "DELETE /api/attachments/{attachment_id}",
    # as a grantee
    "GET /api/awards",
    "POST /api/awards/{award_id}/decline",
    "GET /api/awards/{award_id}/agreement/document",
    "GET /api/awards/{award_id}/events",
    "POST /api/awards/{award_id}/events",
    "GET /api/events/{event_id}",
    "PATCH /api/events/{event_id}",
    "POST /api/events/{event_id}/photos",
    "GET /api/event-photos/{photo_id}",
    "GET /api/event-photos/{photo_id}/thumbnail",
    "DELETE /api/event-photos/{photo_id}",
    "GET /api/awards/{award_id}/final-report",
    "POST /api/awards/{award_id}/final-report",
    "POST /api/awards/{award_id}/final-report/attachments",
    "GET /api/final-report-attachments/{attachment_id}",
}
REVIEWER = {
    "GET /api/reviews",
    "GET /api/reviews/{assignment_id}",
    "POST /api/reviews/{assignment_id}/conflict",
    "PUT /api/reviews/{assignment_id}",
    "GET /api/reviews/{assignment_id}/attachments/{attachment_id}",
}
COORDINATOR = {"GET /api/municipalities/{code}/activities"}
STAFF_ONLY = {
    "POST /api/calls",
    "PUT /api/calls/{call_id}",
    "POST /api/calls/{call_id}/publish",
    "POST /api/calls/{call_id}/close",
    "POST /api/calls/{call_id}/documents",
    "DELETE /api/calls/{call_id}/documents/{document_id}",
    "POST /api/applications/{application_id}/clarifications",
    "POST /api/applications/{application_id}/eligibility",
    "POST /api/calls/{call_id}/assignments",
    "GET /api/calls/{call_id}/ranking",
    "GET /api/calls/{call_id}/export.csv",
    "GET /api/calls/{call_id}/export.xlsx",
    "POST /api/calls/{call_id}/awards",
    "POST /api/calls/{call_id}/awards/next-reserve",
    "POST /api/awards/{award_id}/agreement",
    "POST /api/awards/{award_id}/terminate",
    "GET /api/payments",
    "GET /api/payments.csv",
    "PATCH /api/payments/{payment_id}",
    "POST /api/payments/{payment_id}/paid",
    "POST /api/events/{event_id}/review",
    "POST /api/awards/{award_id}/final-report/review",
    "GET /api/reports/events.csv",
    "POST /api/calls/{call_id}/approval",  # national staff (the fuzz world's staff member is national)
}


def _in(labels: set[str]):
    return lambda ctx: ctx.operation.label in labels


# Ids of the seeded rows by path parameter name, and those of the operations with rows of their own
# (World.own), filled in by the `world` fixture before any case is drawn.
_IDS: dict[str, list[int | str]] = {}
_OWN: dict[str, dict[str, list[int | str]]] = {}


@SCHEMA.hook("flatmap_path_parameters")
def seeded_ids(context: Any, path_parameters: dict[str, Any] | None) -> st.SearchStrategy:
    """Either the generated ids or those of the seeded rows, so the fuzzer gets into the handlers."""
    if not path_parameters:
        return st.just(path_parameters)
    known = _IDS | _OWN.get(context.operation.label, {})
    seeded = {
        name: st.sampled_from(known[name]) if name in known else st.just(value)
        for name, value in path_parameters.items()
    }
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(seeded))


def over_long(value: Any) -> Any:
    """The body with every text in it made longer than any column takes."""
    if isinstance(value, str):
        return TOO_LONG
    if isinstance(value, dict):
        return {key: over_long(item) for key, item in value.items()}
    if isinstance(value, list):
        return [over_long(item) for item in value]
    return value


@HOSTILE_SCHEMA.hook("flatmap_body")
def hostile_bodies(context: Any, body: Any) -> st.SearchStrategy:
    """Bytes go on the wire as they are: JSON too deep for any encoder to build."""
    return st.sampled_from([over_long(body), DEEP])


HOSTILE_SCHEMA.hook("flatmap_path_parameters")(seeded_ids)


@pytest.fixture(scope="module")
async def world(database) -> AsyncIterator[World]:
    # The suite's pool lives in the session's event loop; schemathesis runs the app in a loop of its
    # own, which needs its own pool: the suite's is set aside while this module runs.
    suite_pool = isinstance(engine(), PostgresEngine) and engine().pool is not None
    if suite_pool:
        await engine().close_connection_pool()
    transport = httpx.ASGITransport(app=APP, client=("127.0.9.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        seeded = await seed(client)
    _IDS.update(seeded.ids)
    _OWN.update(seeded.own)
    yield seeded
    shutdown_lifespans()  # the app's on_shutdown, in schemathesis's loop: the pool closes
    if suite_pool:
        await engine().start_connection_pool(min_size=1, max_size=20)


def test_every_api_operation_is_fuzzed_as_its_role() -> None:
    """A new route must be put in one of the groups, or it would escape the fuzzing."""
    labels = {
        result.ok().label for result in SCHEMA.get_all_operations() if result.ok().path.startswith("/api/")
    }
    groups = [PUBLIC, APPLICANT, REVIEWER, COORDINATOR, STAFF_ONLY]
    assert sorted(labels - set().union(*groups)) == []
    assert sorted(set().union(*groups) - labels) == []
    assert sum(len(g) for g in groups) == len(set().union(*groups))  # no operation in two groups


async def test_the_fuzzed_schema_is_the_one_served(client) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert response.json() == RAW_SCHEMA


@SCHEMA.include(_in(PUBLIC)).parametrize()
@fuzz_settings(15)
def test_public_api_anonymously(case, world: World) -> None:
    case.call_and_validate(checks=CHECKS)


@SCHEMA.include(_in(APPLICANT)).parametrize()
@fuzz_settings(30)
def test_applicant_api(case, world: World) -> None:
    case.call_and_validate(headers=world.applicant, checks=CHECKS)


@SCHEMA.include(_in(REVIEWER)).parametrize()
@fuzz_settings(30)
def test_reviewer_api(case, world: World) -> None:
    case.call_and_validate(headers=world.reviewer, checks=CHECKS)


@SCHEMA.include(_in(COORDINATOR)).parametrize()
@fuzz_settings(15)
def test_coordinator_api(case, world: World) -> None:
    case.call_and_validate(headers=world.coordinator, checks=CHECKS)


@GUARD_SCHEMA.include(_in(STAFF_ONLY)).parametrize()
@fuzz_settings(5)
def test_staff_api_refuses_an_applicant(case, world: World) -> None:
    response = case.call_and_validate(headers=world.applicant, checks=CHECKS)
    assert response.status_code == 403, response.text


@GUARD_SCHEMA.include(_in(APPLICANT | REVIEWER | COORDINATOR | STAFF_ONLY)).parametrize()
@fuzz_settings(3)
def test_guarded_api_refuses_a_request_without_a_token(case, world: World) -> None:
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 401, response.text


def _hostile(labels: set[str]):
    return HOSTILE_SCHEMA.include(_in(labels & JSON_BODY)).parametrize()


@_hostile(PUBLIC)
@fuzz_settings(4)
def test_public_api_hostile_bodies(case, world: World) -> None:
    case.call_and_validate(checks=[not_a_server_error])


@_hostile(APPLICANT)
@fuzz_settings(4)
def test_applicant_api_hostile_bodies(case, world: World) -> None:
    case.call_and_validate(headers=world.applicant, checks=[not_a_server_error])


@_hostile(REVIEWER)
@fuzz_settings(4)
def test_reviewer_api_hostile_bodies(case, world: World) -> None:
    case.call_and_validate(headers=world.reviewer, checks=[not_a_server_error])


@_hostile(STAFF_ONLY)
@fuzz_settings(4)
def test_staff_api_hostile_bodies(case, world: World) -> None:
    case.call_and_validate(headers=world.staff, checks=[not_a_server_error])
