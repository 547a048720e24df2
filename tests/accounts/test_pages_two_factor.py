"""Two-factor sign-in on the site: the enrolment at the first login, the code step, its refusals
(wrong, reused, expired, too many), recovery codes, and the account page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from grants.accounts.tables import PendingLogin, TwoFactor
from grants.core.auth import SESSION_COOKIE, Role
from grants.core.time import now
from grants.settings import Settings, SettingsError
from tests.factories.accounts import PASSWORD, make_user, post_form, register_applicant
from tests.factories.panel import audit_rows
from tests.factories.two_factor import code, enrolled, fresh_step, required
from tests.html import parse

pytestmark = pytest.mark.integration

ENV = {"SECRET_KEY": "x" * 40}  # with a SECRET_KEY, nothing is written to GRANTS_VAR_DIR


@pytest.fixture
def two_factor_on() -> Iterator[None]:
    yield from required(True)


async def password_step(client, email: str, next_page: str = "/account"):
    return await post_form(client, "/login", {"email": email, "password": PASSWORD, "next": next_page})


def test_two_factor_required_is_on_by_default_and_switchable():
    assert Settings.from_env(ENV).two_factor_required is True
    assert Settings.from_env(ENV | {"TWO_FACTOR_REQUIRED": "0"}).two_factor_required is False
    assert Settings.from_env(ENV | {"TWO_FACTOR_REQUIRED": "on"}).two_factor_required is True
    with pytest.raises(SettingsError, match="TWO_FACTOR_REQUIRED"):
        Settings.from_env(ENV | {"TWO_FACTOR_REQUIRED": "maybe"})


async def test_staff_first_login_enrols_before_any_session(client, two_factor_on):
    email = await make_user(Role.staff)
    response = await password_step(client, email, "/admin/calls")
    assert (response.status_code, response.headers["location"]) == (302, "/login/enrol")
    assert SESSION_COOKIE not in client.cookies
    page = parse((await client.get("/login/enrol")).text)
    secret = page.select_one("#totp-secret").get_text(strip=True)
    assert page.select_one("figure.qr svg") is not None
    # Stored encrypted, never as the secret shown.
    row = (
        await TwoFactor.select(TwoFactor.secret, TwoFactor.confirmed_at)
        .first()
        .where(TwoFactor.user.username == email)
    )
    assert row["confirmed_at"] is None
    assert row["secret"].startswith("fernet-") and secret not in row["secret"]

    wrong = await post_form(client, "/login/enrol", {"code": "000000"})
    assert wrong.status_code == 401
    assert parse(wrong.text).select_one(".error-summary").get_text(strip=True) == (
        "The code is wrong. Enter the current code from your app."
    )
    assert SESSION_COOKIE not in client.cookies
    for digits in ("²²²²²²", "١٢٣٤٥٦"):  # digits to str.isdigit, but no code (hmac compares ASCII only)
        odd = await post_form(client, "/login/enrol", {"code": digits})
        assert odd.status_code == 401
        assert parse(odd.text).select_one(".error-summary").get_text(strip=True) == (
            "The code is wrong. Enter the current code from your app."
        )

    done = await post_form(client, "/login/enrol", {"code": code(secret, fresh_step())})
    assert done.status_code == 200
    assert done.headers["cache-control"] == "no-store"
    codes = [c.get_text() for c in parse(done.text).select("#recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert parse(done.text).select_one("a.button")["href"] == "/admin/calls"
    assert SESSION_COOKIE in client.cookies
    assert (await client.get("/admin/calls")).status_code == 200
    account = parse((await client.get("/account")).text)
    assert account.select_one("#two-factor-state").get_text(strip=True) == (
        "On: you log in with a code from your authenticator app after the password."
    )
    assert [r["action"] for r in await audit_rows("user") if r["action"].startswith("two_factor")][-1] == (
        "two_factor_enrol"
    )
    # The secret is never shown again.
    again = await client.get("/account/two-factor/enrol", follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (302, "/account/two-factor")


async def test_enrolled_reviewer_logs_in_with_the_code_and_a_wrong_one_is_refused(client, two_factor_on):
    user = await enrolled(Role.reviewer)
    response = await password_step(client, user.email, "/admin/reviews")
    assert (response.status_code, response.headers["location"]) == (302, "/login/code")
    assert SESSION_COOKIE not in client.cookies
    wrong_code = "000000" if code(user.secret, user.step) != "000000" else "111111"
    wrong = await post_form(client, "/login/code", {"code": wrong_code})
    assert wrong.status_code == 401
    assert parse(wrong.text).select_one(".error-summary").get_text(strip=True) == (
        "The code is wrong or was used already. Enter the current code from your app."
    )
    assert SESSION_COOKIE not in client.cookies
    right = await post_form(client, "/login/code", {"code": code(user.secret, user.step)})
    assert (right.status_code, right.headers["location"]) == (302, "/admin/reviews")
    assert (await client.get("/admin/reviews")).status_code == 200
    assert await PendingLogin.count().where(PendingLogin.user == user.user_id) == 0


async def test_code_of_a_used_time_step_is_refused(make_client, two_factor_on):
    user = await enrolled(Role.staff)
    used = code(user.secret, user.step)
    first, second = make_client(), make_client()
    await password_step(first, user.email)
    assert (await post_form(first, "/login/code", {"code": used})).status_code == 302
    await password_step(second, user.email)
    again = await post_form(second, "/login/code", {"code": used})
    assert again.status_code == 401
    assert SESSION_COOKIE not in second.cookies
    # The code of the step before (within the drift) is older than the used one: refused too.
    older = await post_form(second, "/login/code", {"code": code(user.secret, user.step - 1)})
    assert older.status_code == 401
    assert SESSION_COOKIE not in second.cookies


async def test_expired_pending_login_takes_no_code(client, two_factor_on):
    user = await enrolled(Role.staff)
    await password_step(client, user.email)
    await PendingLogin.update({PendingLogin.expires_at: now() - timedelta(seconds=1)}).where(
        PendingLogin.user == user.user_id
    )
    response = await post_form(client, "/login/code", {"code": code(user.secret, user.step)})
    assert response.status_code == 401
    assert parse(response.text).select_one(".error-summary").get_text(strip=True) == (
        "Your login has expired or was not finished. Log in again."
    )
    assert SESSION_COOKIE not in client.cookies
    assert (await client.get("/login/code")).status_code == 401


async def test_code_page_without_a_pending_login_asks_for_the_password(client, two_factor_on):
    user = await enrolled(Role.staff)
    response = await post_form(client, "/login/code", {"code": code(user.secret, user.step)})
    assert response.status_code == 401
    assert SESSION_COOKIE not in client.cookies
    assert parse(response.text).select_one("input[name=password]") is not None


async def test_too_many_wrong_codes_end_the_pending_login_and_the_limiter_holds(client, two_factor_on):
    user = await enrolled(Role.staff)
    await password_step(client, user.email)
    right = code(user.secret, user.step)
    wrong = "123456" if right != "123456" else "654321"
    statuses = [(await post_form(client, "/login/code", {"code": wrong})).status_code for _ in range(5)]
    assert statuses == [401] * 5
    assert await PendingLogin.count().where(PendingLogin.user == user.user_id) == 0
    late = await post_form(client, "/login/code", {"code": right})
    assert late.status_code == 401
    assert SESSION_COOKIE not in client.cookies
    # The right password again does not clear the code failures: the limiter refuses the next code.
    await password_step(client, user.email)
    limited = await post_form(client, "/login/code", {"code": right})
    assert limited.status_code == 429
    assert SESSION_COOKIE not in client.cookies


async def test_recovery_code_works_once(make_client, two_factor_on):
    user = await enrolled(Role.reviewer)
    recovery = user.recovery_codes[3]
    first, second = make_client(), make_client()
    await password_step(first, user.email)
    used = await post_form(first, "/login/code", {"code": recovery.upper()})
    assert used.status_code == 302
    assert (await first.get("/admin/reviews")).status_code == 200
    await password_step(second, user.email)
    again = await post_form(second, "/login/code", {"code": recovery})
    assert again.status_code == 401
    assert SESSION_COOKIE not in second.cookies
    rows = [r for r in await audit_rows("user") if r["action"] == "two_factor_recovery_code"]
    assert rows[-1]["entity_id"] == str(user.user_id) or rows[-1]["entity_id"] == user.user_id
    assert rows[-1]["data"]["after"] == {"left": 9}


async def test_setting_off_lets_staff_in_with_the_password_alone(client):
    email = await make_user(Role.staff)
    response = await password_step(client, email, "/admin/calls")
    assert (response.status_code, response.headers["location"]) == (302, "/admin/calls")
    assert (await client.get("/admin/calls")).status_code == 200
    token = await client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert token.status_code == 200


async def test_applicant_turns_it_on_and_off_on_the_account_page(make_client, two_factor_on):
    browser = make_client()
    email, _ = await register_applicant(browser)
    await password_step(browser, email)
    assert SESSION_COOKIE in browser.cookies  # an applicant needs no second factor
    page = parse((await browser.get("/account/two-factor/enrol")).text)
    secret = page.select_one("#totp-secret").get_text(strip=True)
    step = fresh_step()
    enrolled_page = await post_form(browser, "/account/two-factor/enrol", {"code": code(secret, step - 1)})
    old_codes = [c.get_text() for c in parse(enrolled_page.text).select("#recovery-codes code")]
    assert len(old_codes) == 10

    # Now it asks this user for the code too.
    other = make_client()
    assert (await password_step(other, email)).headers["location"] == "/login/code"

    renewed = await post_form(
        browser, "/account/two-factor/recovery-codes", {"recovery-code": code(secret, step)}
    )
    new_codes = [c.get_text() for c in parse(renewed.text).select("#recovery-codes code")]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    refused = await post_form(other, "/login/code", {"code": old_codes[0]})
    assert refused.status_code == 401

    off = await post_form(browser, "/account/two-factor/off", {"off-code": new_codes[0]})
    assert (off.status_code, off.headers["location"]) == (302, "/account/two-factor?saved=off")
    assert await TwoFactor.count().where(TwoFactor.user.username == email) == 0
    actions = [r["action"] for r in await audit_rows("user") if r["action"].startswith("two_factor")]
    assert actions[-4:] == [
        "two_factor_enrol",
        "two_factor_recovery_codes",
        "two_factor_recovery_code",
        "two_factor_off",
    ]
    third = make_client()
    assert (await password_step(third, email)).headers["location"] == "/account"


async def test_staff_cannot_turn_it_off_while_required(client, two_factor_on):
    user = await enrolled(Role.staff)
    await password_step(client, user.email)
    await post_form(client, "/login/code", {"code": code(user.secret, user.step)})
    refused = await post_form(
        client, "/account/two-factor/off", {"off-code": code(user.secret, user.step + 1)}
    )
    assert refused.status_code == 409
    assert await TwoFactor.count().where(TwoFactor.user == user.user_id) == 1
