"""After a login with no page to return to, each role lands on its own home (/home redirects)."""

from __future__ import annotations

import pytest

from grants.core.auth import Role
from tests.factories.accounts import PASSWORD, make_user, post_form

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("role", "municipality", "home"),
    [
        (Role.staff, None, "/admin/"),
        (Role.reviewer, None, "/admin/reviews"),
        (Role.coordinator, "LV-016", "/municipality/LV-016"),
        (Role.applicant, None, "/my/"),
    ],
)
async def test_login_lands_each_role_on_its_home(client, role, municipality, home):
    email = await make_user(role, municipality)
    login = await post_form(client, "/login", {"email": email, "password": PASSWORD})
    assert (login.status_code, login.headers["location"]) == (302, "/home")
    landing = await client.get("/home")
    assert (landing.status_code, landing.headers["location"]) == (302, home)
    assert (await client.get(home)).status_code == 200


async def test_a_reviewer_opening_the_back_office_lands_on_the_assignments(client):
    email = await make_user(Role.reviewer)
    await post_form(client, "/login", {"email": email, "password": PASSWORD})
    response = await client.get("/admin/")
    assert (response.status_code, response.headers["location"]) == (302, "/admin/reviews")


async def test_old_back_office_addresses_move_permanently(client):
    moved = await client.get("/staff/calls/7?x=1")
    assert (moved.status_code, moved.headers["location"]) == (301, "/admin/calls/7?x=1")
    reviews = await client.get("/reviews/12")
    assert (reviews.status_code, reviews.headers["location"]) == (301, "/admin/reviews/12")
    assert (await client.get("/reviews")).headers["location"] == "/admin/reviews"
    assert (await client.get("/staff")).headers["location"] == "/admin/"


async def test_an_unconfirmed_applicant_lands_on_the_account_page(client):
    from tests.factories.accounts import register_unconfirmed

    email = await register_unconfirmed(client)
    await post_form(client, "/login", {"email": email, "password": PASSWORD})
    landing = await client.get("/home")
    assert (landing.status_code, landing.headers["location"]) == (302, "/account")
