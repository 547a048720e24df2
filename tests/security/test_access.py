"""Every route × every role against seeded data that could leak (the table: cases_*.py).

A route the table does not list fails the first test: a new route gets its rows before it ships.
Each row is then run once per role; every answer, whatever its status, is searched for the
markers of data that role may not see (world.SECRETS).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import httpx
import pytest

from tests.security import (
    cases_after_award,
    cases_applications_office,
    cases_approval_office,
    cases_awards_office,
    cases_calls_office,
    cases_clarifications_office,
    cases_coordinator,
    cases_core,
    cases_events,
    cases_organisations,
    cases_protocol,
    cases_review,
    cases_reviews_office,
    cases_scope,
)
from tests.security.table import LOGIN, Case, Outcome, To
from tests.security.web import browser, csrf
from tests.security.world import ROLES, World

pytestmark = pytest.mark.integration

CASES: list[Case] = [
    *cases_core.CASES,
    *cases_review.CASES,
    *cases_after_award.CASES,
    *cases_organisations.CASES,
    *cases_applications_office.CASES,
    *cases_clarifications_office.CASES,
    *cases_calls_office.CASES,
    *cases_reviews_office.CASES,
    *cases_awards_office.CASES,
    *cases_protocol.CASES,
    *cases_approval_office.CASES,
    *cases_coordinator.CASES,
    *cases_events.CASES,
    *cases_scope.CASES,
]


@pytest.fixture(autouse=True)
def registrations_unlimited_here():
    """One API client (one address) sends every role's requests here, so the per-address limit of
    registrations would answer 429 after the fifth: it is lifted for this module, and has tests of its
    own (tests/accounts/test_registration.py)."""
    import dataclasses

    from grants.settings import get_settings, override_settings

    before = get_settings()
    override_settings(dataclasses.replace(before, register_max_per_hour=10_000))
    yield
    override_settings(before)


_WHOLE = re.compile(r"\{(\w+)\}")


def app_routes(app) -> set[str]:
    """Every "METHOD path" of the app, as core.auth's route walker sees them."""
    found: set[str] = set()
    for route in app.routes:
        handlers: Iterable[Any] = getattr(route, "route_handlers", None) or [route.route_handler]
        for handler in handlers:
            methods = getattr(handler, "http_methods", None) or {"ASGI"}
            if methods == {"OPTIONS"} and getattr(handler.fn, "__name__", "") == "options_handler":
                continue  # Litestar's own answer to OPTIONS: the Allow header, nothing else
            found |= {f"{method} {route.path}" for method in methods}
    return found


def fill(value: Any, ids: dict[str, Any], role: str) -> Any:
    """The template with the world's ids; a string that is one whole "{name}" keeps the id's type."""
    if isinstance(value, str):
        whole = _WHOLE.fullmatch(value)
        if whole and whole.group(1) in ids:
            return ids[whole.group(1)]
        return value.format(role=role, **ids)
    if isinstance(value, dict):
        return {key: fill(item, ids, role) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids, role) for item in value]
    return value


async def send(case: Case, role: str, world: World, browsers, api, app) -> httpx.Response:
    url = fill(case.url, world.ids, role)
    kwargs: dict[str, Any] = {}
    if case.json is not None:
        kwargs["json"] = fill(case.json, world.ids, role)
    if case.files is not None:
        kwargs["files"] = case.files
    if case.via_api:
        if case.form is not None:
            kwargs["data"] = {key: str(fill(item, world.ids, role)) for key, item in case.form.items()}
        return await api.request(case.method, url, headers=world.headers(role), **kwargs)
    client = browsers[role]
    if case.fresh and role in world.user_ids:
        from grants.accounts.service.sessions import start_session

        client = browser(app, await start_session(world.user_ids[role]))
    try:
        if case.form is not None:
            form = {key: str(fill(item, world.ids, role)) for key, item in case.form.items()}
            kwargs["data"] = form | {"_csrf_token": await csrf(client)}
        return await client.request(case.method, url, **kwargs)
    finally:
        if client is not browsers[role]:
            await client.aclose()


def outcome_of(response: httpx.Response) -> Outcome:
    """The answer in the table's terms: a status, LOGIN, or To(the redirect's target)."""
    location = response.headers.get("location", "")
    if response.status_code == 302 and location.startswith("/login?next="):
        return LOGIN
    if response.status_code in (301, 302, 303, 307, 308):
        return To(location)
    return response.status_code


def problems_of(case: Case, role: str, response: httpx.Response, world: World) -> list[str]:
    """What is wrong with this role's answer (nothing, if it is as the table says)."""
    expected = case.expect[role]
    if isinstance(expected, To):
        expected = To(expected.location.format(**world.ids))
    found: list[str] = []
    if (got := outcome_of(response)) != expected:
        found.append(f"{role}: expected {expected}, got {got}: {response.text[:200]!r}")
    body = response.text
    if leaked := [marker for marker in world.forbidden(role) if marker in body]:
        found.append(f"{role}: the answer shows {leaked}")
    if role in case.shows and (text := fill(case.shows[role], world.ids, role)) not in body:
        found.append(f"{role}: the answer lacks {text!r}")
    if role in case.hides and (text := fill(case.hides[role], world.ids, role)) in body:
        found.append(f"{role}: the answer shows {text!r}")
    return found


async def test_every_route_of_the_app_is_in_the_access_table(app):
    listed = {case.route for case in CASES}
    assert sorted(app_routes(app) - listed) == []  # routes without rows: add them to cases_*.py
    assert sorted(listed - app_routes(app)) == []  # rows of routes that are gone


async def test_every_case_names_an_outcome_for_every_role():
    assert [case.url for case in CASES if set(case.expect) != set(ROLES)] == []


@pytest.mark.parametrize("case", CASES, ids=[f"{case.route} {case.url}" for case in CASES])
async def test_route_gives_each_role_its_outcome_and_nothing_more(case, world, browsers, api, app):
    """One row of the table: every role in turn, and every wrong answer listed at once."""
    found: list[str] = []
    for role in ROLES:
        response = await send(case, role, world, browsers, api, app)
        found += problems_of(case, role, response, world)
    assert found == []
