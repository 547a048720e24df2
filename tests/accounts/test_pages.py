"""Accounts through the pages: registering and logging in by form, sessions and their cookie, logging out,
the CSRF token, changing the password, the account page."""

from __future__ import annotations

import pytest

from grants.app import CSRF_COOKIE
from grants.core.auth import SESSION_COOKIE, Role
from tests.factories.accounts import (
    PASSWORD,
    bearer,
    login,
    make_user,
    post_form,
    register_applicant,
    replace_cookie,
    unique_email,
    unique_org_number,
)
from tests.html import field_error, input_value, text_of, texts_of

pytestmark = pytest.mark.integration


async def test_register_page_shows_errors_next_to_fields_and_keeps_input(client):
    response = await post_form(
        client,
        "/register",
        {
            "name": "Jānis Ozols",
            "email": unique_email(),
            "password": PASSWORD,
            "password2": PASSWORD,
            "org_name": "Biedrība <b>Ozols</b>",
            "org_registration_number": "123",
            "org_legal_form": "association",
            "org_municipality_code": "LV-016",
        },
    )
    assert response.status_code == 422
    assert (
        field_error(response.text, "org_registration_number")
        == "The registration number must be exactly 11 digits."
    )
    # What was typed comes back, escaped; the password does not.
    assert 'value="Biedrība &lt;b&gt;Ozols&lt;/b&gt;"' in response.text  # escaped in the raw HTML
    assert input_value(response.text, "org_name") == "Biedrība <b>Ozols</b>"
    assert input_value(response.text, "name") == "Jānis Ozols"
    assert PASSWORD not in response.text
    assert SESSION_COOKIE not in client.cookies


async def test_register_page_starts_no_session_and_says_check_your_email(client):
    email = unique_email()
    response = await post_form(
        client,
        "/register",
        {
            "name": "Jānis Ozols",
            "email": email,
            "password": PASSWORD,
            "password2": PASSWORD,
            "org_name": "Nodibinājums Ozols",
            "org_registration_number": unique_org_number(),
            "org_legal_form": "foundation",
            "org_municipality_code": "LV-041",
        },
    )
    assert response.status_code == 302
    assert response.headers["location"] == "/register/sent"
    assert SESSION_COOKIE not in response.cookies
    assert SESSION_COOKIE not in client.cookies
    sent = await client.get("/register/sent")
    assert text_of(sent.text, "h1") == "Check your e-mail"
    assert (await client.get("/account")).headers["location"] == "/login?next=%2Faccount"


async def test_login_page_wrong_password_gives_401_with_message(client):
    email = await make_user(Role.applicant)
    response = await post_form(client, "/login", {"email": email, "password": "wrong-password"})
    assert response.status_code == 401
    assert text_of(response.text, "div.error-summary") == "Wrong e-mail or password."
    assert SESSION_COOKIE not in client.cookies


async def test_login_renews_session_id(client):
    email = await make_user(Role.applicant)
    replace_cookie(client, SESSION_COOKIE, "planted-by-an-attacker")
    await login(client, email)
    first = client.cookies[SESSION_COOKIE]
    assert first != "planted-by-an-attacker"
    await login(client, email)
    second = client.cookies[SESSION_COOKIE]
    assert second != first
    # The old session id no longer works.
    replace_cookie(client, SESSION_COOKIE, first)
    assert (await client.get("/api/me")).status_code == 401


async def test_session_cookie_is_httponly_and_samesite(client):
    email = await make_user(Role.applicant)
    token = await post_form(client, "/login", {"email": email, "password": PASSWORD})
    cookie = next(h for h in token.headers.get_list("set-cookie") if h.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie


async def test_login_redirects_only_to_local_next(client):
    email = await make_user(Role.applicant)
    response = await post_form(
        client, "/login", {"email": email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.headers["location"] == "/home"
    response = await post_form(client, "/login", {"email": email, "password": PASSWORD, "next": "/registry"})
    assert response.headers["location"] == "/registry"


async def test_logout_ends_the_session(client):
    email = await make_user(Role.applicant)
    await login(client, email)
    token = client.cookies[SESSION_COOKIE]
    response = await post_form(client, "/logout", {})
    assert response.status_code == 302
    replace_cookie(client, SESSION_COOKIE, token)
    assert (await client.get("/api/me")).status_code == 401


async def test_form_without_csrf_token_is_refused(client):
    email = await make_user(Role.applicant)
    await client.get("/login")
    assert CSRF_COOKIE in client.cookies
    response = await client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies
    forged = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "_csrf_token": "0" * 128}
    )
    assert forged.status_code == 403


async def test_change_password_requires_current_and_logs_out_other_sessions(client, make_client):
    email = await make_user(Role.applicant)
    other_browser = make_client()
    await login(other_browser, email)
    headers = await bearer(client, email)
    await login(client, email)

    wrong = await post_form(
        client,
        "/account/password",
        {
            "current_password": "not-it-at-all",
            "new_password": "new-password-123",
            "new_password2": "new-password-123",
        },
    )
    assert wrong.status_code == 422
    assert text_of(wrong.text, "#f-current_password-error") == "The current password is wrong."

    done = await post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "new-password-123",
            "new_password2": "new-password-123",
        },
    )
    assert done.status_code == 302
    assert (await client.get("/api/me")).json()["email"] == email  # this session goes on
    assert (await other_browser.get("/api/me")).status_code == 401  # the other one is out
    assert (await client.get("/api/me", headers=headers)).status_code == 401  # and so are its tokens
    fresh = await client.post("/api/auth/token", json={"email": email, "password": "new-password-123"})
    assert fresh.status_code == 200


async def test_account_page_requires_login_and_redirects_back(client):
    response = await client.get("/account")
    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=%2Faccount"


async def test_account_page_shows_own_organisation_only(client, make_client):
    email, _ = await register_applicant(client, name="Biedrība “Mūsu”")
    _other_email, _ = await register_applicant(make_client(), name="Biedrība “Svešā”")
    await login(client, email)
    page = await client.get("/account")
    assert "Biedrība “Mūsu”" in texts_of(page.text, "dd")
    assert "Svešā" not in page.text
    assert text_of(page.text, 'a[href="/registry/LV-016"]') == "Bauskas novads"


async def test_register_page_answers_a_taken_email_as_a_new_one_and_a_mismatch_next_to_password2(client):
    email, _ = await register_applicant(client)
    form = {
        "name": "Jānis Ozols",
        "email": email,
        "password": PASSWORD,
        "password2": PASSWORD,
        "org_name": "Biedrība Ozols",
        "org_registration_number": unique_org_number(),
        "org_legal_form": "association",
        "org_municipality_code": "LV-016",
    }
    response = await post_form(client, "/register", form)
    assert (response.status_code, response.headers["location"]) == (302, "/register/sent")
    assert SESSION_COOKIE not in response.cookies
    response = await post_form(client, "/register", form | {"email": unique_email(), "password2": "other"})
    assert response.status_code == 422
    assert field_error(response.text, "password2") == "The passwords do not match."


async def test_confirmed_page_logged_in_leads_to_account_not_login(client) -> None:
    """Someone who opens the confirmation link while logged in (the usual case: they logged in to
    ask for the link again) is sent on to their account, not asked to log in once more."""
    from tests.factories.accounts import confirmation_token, register_unconfirmed

    email = await register_unconfirmed(client)
    await login(client, email)
    response = await client.get(f"/account/confirm/{await confirmation_token(email)}")
    assert response.status_code == 200
    assert texts_of(response.text, "main a") == ["My account", "Calls"]


async def test_confirmed_page_logged_out_offers_login(make_client) -> None:
    from tests.factories.accounts import confirmation_token, register_unconfirmed

    async with make_client(language=None) as client:
        email = await register_unconfirmed(client)
        response = await client.get(f"/account/confirm/{await confirmation_token(email)}")
    assert response.status_code == 200
    assert texts_of(response.text, "main a") == ["Pieslēgties"]


async def test_confirmation_mail_latvian_deadline_reads_as_a_date(make_client) -> None:
    """Latvian mail: "līdz" needs the dative, which a formatted date cannot give; the deadline
    stands after a colon instead ("Derīga līdz: 2026. gada 14. decembris 18:06")."""
    from grants.core.tables import OutboxMessage
    from tests.factories.accounts import register_unconfirmed

    async with make_client(language=None) as client:
        email = await register_unconfirmed(client)
    row = await OutboxMessage.select(OutboxMessage.body_text).where(OutboxMessage.to_address == email).first()
    assert "Saite darbojas vienu reizi. Derīga līdz: " in row["body_text"]
    assert "reizi līdz" not in row["body_text"]
