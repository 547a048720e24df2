"""The page forms refuse an over-long text as the API does: the field's error in the user's language,
never a 5xx (PostgreSQL refused the varchar's overflow) nor a text stored longer than its column.

Each form's bounds are those of the API's request Struct for the same input (core.inputs.check_texts).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.factories.accounts import PASSWORD, csrf_token, login, unique_email, unique_org_number
from tests.factories.reporting import email_of
from tests.fuzz.world import World, seed
from tests.html import text_of

pytestmark = pytest.mark.integration

LV = "Ne vairāk kā {n} rakstzīmes."
EN = "At most {n} characters."


def _browser(app, language: str = "en") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("127.7.1.1", 50000))
    return httpx.AsyncClient(
        transport=transport, base_url="http://127.0.0.1", headers={"Accept-Language": language}
    )


@pytest.fixture(scope="module")
async def pages(app) -> AsyncIterator[dict[str, Any]]:
    """The fuzz world, a signed-in browser per role, and the ids the forms post to."""
    async with _browser(app) as api:
        world: World = await seed(api)
        to_submit = world.own["POST /api/applications/{application_id}/submit"]["application_id"][0]
        submitted = await api.post(f"/api/applications/{to_submit}/submit", headers=world.applicant)
        assert submitted.status_code == 200, submitted.text
        award = (await api.get("/api/awards", headers=world.applicant)).json()[0]
        browsers = {}
        for role in ("applicant", "reviewer", "staff"):
            browsers[role] = _browser(app)
            await login(browsers[role], await email_of(api, getattr(world, role)))
        ids = {name: values[0] for name, values in world.ids.items()}
        ids |= {"submitted": to_submit, "asked": world.ids["application_id"][1]}
        ids["payment_id"] = award["payments"][0]["id"]
        yield {"browsers": browsers, "ids": ids}
        for browser in browsers.values():
            await browser.aclose()


async def _post(client: httpx.AsyncClient, url: str, data: dict[str, str]) -> httpx.Response:
    return await client.post(url, data={**data, "_csrf_token": await csrf_token(client)})


def _registration(**fields: str) -> dict[str, str]:
    return {
        "email": unique_email("long"),
        "password": PASSWORD,
        "password2": PASSWORD,
        "name": "Anna Bērziņa",
        "org_name": "Biedrība",
        "org_registration_number": unique_org_number(),
        "org_legal_form": "association",
        "org_municipality_code": "LV-016",
        "org_address": "",
        "org_phone": "",
    } | fields


# form field -> its bound: the e-mail is the username too (BaseUser.username, 100), the name is the
# organisation's contact person too (200), the organisation's as its columns (the page has no org e-mail).
REGISTRATION = {"email": 100, "name": 200, "org_name": 200, "org_address": 300, "org_phone": 40}


@pytest.mark.parametrize(("field", "bound"), REGISTRATION.items())
async def test_registration_page_refuses_an_over_long_field(app, field, bound) -> None:
    value = "a" * (bound - len("@example.lv") + 1) + "@example.lv" if "email" in field else "ā" * (bound + 1)
    async with _browser(app) as browser:
        response = await _post(browser, "/register", _registration(**{field: value}))
    assert response.status_code == 422, response.text[:300]
    assert text_of(response.text, f"#f-{field}-error") == EN.format(n=bound)


async def test_registration_page_says_it_in_latvian(app) -> None:
    async with _browser(app, language="lv") as browser:
        response = await _post(browser, "/register", _registration(org_phone="1" * 41))
    assert response.status_code == 422
    assert text_of(response.text, "#f-org_phone-error") == LV.format(n=40)


async def test_registration_page_takes_a_field_at_its_bound(app) -> None:
    async with _browser(app) as browser:
        response = await _post(browser, "/register", _registration(org_name="ā" * 200, org_phone="1" * 40))
    assert response.status_code == 302, response.text[:300]


async def test_login_page_with_an_over_long_email_is_a_wrong_login(app) -> None:
    async with _browser(app) as browser:
        response = await _post(browser, "/login", {"email": "a" * 400 + "@example.lv", "password": PASSWORD})
    assert response.status_code in (400, 401), response.text[:300]


# (role, form url, the form, the field, its bound)
FORMS = [
    ("reviewer", "/admin/reviews/{assignment_id}/conflict", {"conflict": "yes"}, "reason", 20_000),
    ("staff", "/admin/applications/{submitted}/eligibility", {"checks.A1": "yes"}, "note", 20_000),
    (
        "applicant",
        "/my/applications/{asked}/clarifications/{clarification_id}/answer",
        {},
        "answer",
        20_000,
    ),
    ("staff", "/admin/payments/{payment_id}/paid", {"paid_on": ""}, "note", 300),
    ("applicant", "/my/events/{event_id}/cancel", {}, "cancel_reason", 20_000),
]


@pytest.mark.parametrize(("role", "url", "form", "field", "bound"), FORMS, ids=[f[1] for f in FORMS])
async def test_page_form_refuses_an_over_long_text(pages, role, url, form, field, bound) -> None:
    browser = pages["browsers"][role]
    response = await _post(browser, url.format(**pages["ids"]), {**form, field: "ā" * (bound + 1)})
    assert response.status_code == 422, response.text[:300]
    assert EN.format(n=bound) in response.text
