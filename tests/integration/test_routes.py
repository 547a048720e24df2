"""Every route declares who may call it; the walker finds one that does not."""

from __future__ import annotations

import pytest
from litestar import Litestar, get

from grants.core.auth import access_rules, public, unguarded_routes

pytestmark = pytest.mark.integration


async def test_every_route_of_the_app_declares_an_access_rule(app):
    assert unguarded_routes(app) == []


async def test_route_walker_fails_when_a_guard_is_removed(app):
    @get("/forgotten", sync_to_thread=False)
    def forgotten() -> str:
        return "secret"

    @get("/declared", guards=[public], sync_to_thread=False)
    def declared() -> str:
        return "fine"

    probe = Litestar(route_handlers=[forgotten, declared], openapi_config=None)
    assert unguarded_routes(probe) == ["GET /forgotten"]


async def test_route_walker_sees_rules_set_on_a_controller(app):
    rules = {
        route.path: sorted({rule for h in route.route_handlers for rule in access_rules(h)})
        for route in app.routes
        if hasattr(route, "route_handlers")
    }
    assert rules["/api/me"] == ["authenticated"]
    assert rules["/api/registry/municipalities"] == ["public"]
    assert rules["/account/password"] == ["authenticated"]


async def test_role_guard_refusal_explains_itself(client):
    from grants.core.auth import Role
    from tests.helpers import bearer, make_user

    headers = await bearer(client, await make_user(Role.applicant))
    response = await client.get("/api/calls/1/ranking", headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"] == "You do not have access to this page."
