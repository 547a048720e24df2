"""Error pages (grants.core.web): a heading in words in the user's language, the code shown small,
a sentence of what to do and links back out; the status code is kept and the API stays JSON."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar, get
from litestar.exceptions import HTTPException
from litestar.template.config import TemplateConfig

from grants.core.auth import Role, public
from grants.core.error_pages import error_handlers
from grants.core.errors import Conflict, TooManyAttempts, ValidationFailed
from grants.core.i18n import LanguageMiddleware
from grants.core.web import template_engine
from tests.factories.accounts import login, make_user, register_applicant
from tests.html import parse, text_of, texts_of

pytestmark = pytest.mark.integration


def error_links(html: str) -> list[str]:
    return [a["href"] for a in parse(html).select("#error-links a")]


async def test_a_missing_page_is_named_in_latvian_by_default(make_client):
    page = await make_client(language=None).get("/nav-tadas-lapas")
    assert page.status_code == 404
    assert text_of(page.text, "h1") == "Lapa nav atrasta"
    assert text_of(page.text, "#error-code") == "Kļūdas kods 404"
    assert error_links(page.text) == ["/login?next=%2Fnav-tadas-lapas", "/"]


async def test_a_missing_page_is_named_in_english(client):
    page = await client.get("/no-such-page")
    assert page.status_code == 404
    assert text_of(page.text, "h1") == "Page not found"
    assert text_of(page.text, "#error-code") == "Error code 404"
    assert text_of(page.text, "p.lead") == (
        "This page does not exist, or it is not visible to you. Check the address, or go back."
    )
    assert texts_of(page.text, "#error-links a") == ["Log in", "Back to the home page"]


async def test_a_missing_page_offers_the_previous_page_when_it_is_ours(client):
    page = await client.get("/no-such-page", headers={"Referer": "http://127.0.0.1/calls?phase=open"})
    assert error_links(page.text) == ["/calls?phase=open", "/login?next=%2Fno-such-page", "/"]


async def test_a_missing_page_offers_no_previous_page_of_another_site(client):
    page = await client.get("/no-such-page", headers={"Referer": "https://evil.example/calls"})
    assert error_links(page.text) == ["/login?next=%2Fno-such-page", "/"]


async def test_a_missing_page_in_a_signed_in_section_leads_to_its_start(make_client):
    browser = make_client()
    email, _ = await register_applicant(browser)
    await login(browser, email)
    page = await browser.get("/my/events/999999999")
    assert page.status_code == 404
    assert text_of(page.text, "h1") == "Page not found"
    assert error_links(page.text) == ["/my", "/"]
    assert texts_of(page.text, "#error-links a") == ["Back to my applications", "Back to the home page"]


async def test_a_wrong_method_is_named_in_both_languages(make_client):
    latvian = await make_client(language=None).get("/logout")
    assert latvian.status_code == 405
    assert text_of(latvian.text, "h1") == "Šī darbība šeit nav atļauta"
    english = await make_client().get("/logout")
    assert english.status_code == 405
    assert text_of(english.text, "h1") == "This action is not allowed here"
    assert text_of(english.text, "p.lead") == (
        "This address cannot be used this way. Open it from a link or a button on the site."
    )
    assert error_links(english.text) == ["/"]


async def test_a_forbidden_page_is_named_in_both_languages(make_client):
    email, _ = await register_applicant(make_client())
    for language, heading in ((None, "Piekļuve liegta"), ("en", "Access denied")):
        browser = make_client(language=language)
        await login(browser, email)
        page = await browser.get("/admin/awards")
        assert page.status_code == 403
        assert text_of(page.text, "h1") == heading
        # Not the back office's start, which would refuse them too: their own.
        assert error_links(page.text) == ["/my", "/"]
    assert text_of(page.text, "p.lead") == "You do not have access to this page."


async def test_a_page_for_national_staff_says_why_to_municipal_staff(make_client):
    browser = make_client()
    await login(browser, await make_user(Role.staff, "LV-016"))
    page = await browser.get("/admin/approvals")
    assert page.status_code == 403
    assert text_of(page.text, "h1") == "Access denied"
    assert text_of(page.text, "p.lead") == "Only national programme staff may open this page."
    assert error_links(page.text) == ["/admin", "/"]  # the back office's start is theirs


async def test_the_api_keeps_its_json_errors(client):
    missing = await client.get("/api/no-such-thing")
    assert missing.status_code == 404
    assert missing.json()["status_code"] == 404


# The statuses the app's pages do not reach on demand, through the same handlers on a small app.
@get("/conflict", guards=[public])
async def conflict() -> None:
    raise Conflict("The call is closed.")


@get("/invalid", guards=[public])
async def invalid() -> None:
    raise ValidationFailed({"day": "Enter a date."})


@get("/api/invalid", guards=[public])
async def api_invalid() -> None:
    raise ValidationFailed({"day": "Enter a date."})


@get("/busy", guards=[public])
async def busy() -> None:
    raise TooManyAttempts(retry_after=60)


@get("/large", guards=[public])
async def large() -> None:
    raise HTTPException(status_code=413)


@get("/bad", guards=[public])
async def bad() -> None:
    raise HTTPException(status_code=400, detail="Validation failed for GET /bad")


@get("/broken", guards=[public])
async def broken() -> None:
    raise RuntimeError("a bug")


def small_app_client(language: str) -> httpx.AsyncClient:
    app = Litestar(
        [conflict, invalid, api_invalid, busy, large, bad, broken],
        middleware=[LanguageMiddleware],
        exception_handlers=error_handlers(),
        template_config=TemplateConfig(instance=template_engine()),
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    headers = {"Accept-Language": language}
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


@pytest.mark.parametrize(
    ("path", "status", "heading", "detail"),
    [
        ("/conflict", 409, "This cannot be done right now", "The call is closed."),
        ("/invalid", 422, "What you sent could not be accepted", "Enter a date."),
        ("/busy", 429, "Too many requests", "Too many attempts. Wait a few minutes and try again."),
        (
            "/large",
            413,
            "What you sent is too large",
            "The file or the form is larger than allowed. Make it smaller and send it again.",
        ),
        (
            "/bad",
            400,
            "The request could not be understood",
            "Go back, check what you entered and try again.",
        ),
        (
            "/broken",
            500,
            "Something went wrong",
            "Something went wrong on our side. Try again; if it happens again, tell us when it happened.",
        ),
    ],
)
async def test_each_error_page_names_what_happened(database, path, status, heading, detail):
    async with small_app_client("en") as c:
        page = await c.get(path)
    assert page.status_code == status
    assert text_of(page.text, "h1") == heading
    assert text_of(page.text, "p.lead") == detail
    assert error_links(page.text)[-1] == "/"


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/conflict", "To pašlaik nevar izdarīt"),
        ("/invalid", "Nosūtīto nevarēja pieņemt"),
        ("/busy", "Pārāk daudz pieprasījumu"),
        ("/large", "Nosūtītais ir pārāk liels"),
        ("/bad", "Pieprasījumu nevarēja saprast"),
        ("/broken", "Kaut kas nogāja greizi"),
    ],
)
async def test_each_error_page_is_named_in_latvian(database, path, heading):
    async with small_app_client("lv") as c:
        page = await c.get(path)
    assert text_of(page.text, "h1") == heading


async def test_a_busy_page_says_when_to_come_back(database):
    async with small_app_client("en") as c:
        page = await c.get("/busy")
    assert page.headers["retry-after"] == "60"


async def test_a_validation_error_of_the_api_stays_json(database):
    async with small_app_client("en") as c:
        response = await c.get("/api/invalid")
    assert response.status_code == 422
    assert response.json() == {
        "status_code": 422,
        "detail": "Please correct the marked fields.",
        "extra": {"day": "Enter a date."},
    }
