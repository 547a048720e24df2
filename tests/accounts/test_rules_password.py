"""The password policy: at least 10 characters, at most 128, not one of the 10,000 most common
passwords, not only spaces or invisible characters; on every path that sets a password (site
registration, the account page, the API, the panel, `grants createuser`), never on a login."""

from __future__ import annotations

import asyncio
import gzip
import os

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.rules import COMMON_PASSWORDS, check_password, common_passwords
from grants.accounts.service.users import ensure_user
from grants.core.auth import Role
from grants.core.errors import ValidationFailed
from grants.demo import DEMO_APPLICANT, DEMO_USERS
from tests.factories.accounts import (
    PASSWORD,
    bearer,
    login,
    make_user,
    organisation,
    post_form,
    unique_email,
    unique_org_number,
)
from tests.factories.logins import panel_post
from tests.factories.servers import GRANTS
from tests.html import field_error

pytestmark = pytest.mark.integration

COMMON = "Password123"  # in the list as "password123": compared without case
INVISIBLE = "\u200b \u00a0\t\u2003\u200d\ufeff\u3000\u2028\u0085\u200c"  # 11 characters nobody sees
TOO_COMMON = "This password is too common and easy to guess; choose another."
ONLY_INVISIBLE = "The password cannot be only spaces or invisible characters."
TOO_SHORT = "The password must be at least 10 characters long."
REFUSED = [(COMMON, TOO_COMMON), (INVISIBLE, ONLY_INVISIBLE), ("nine-char", TOO_SHORT)]


def test_common_list_is_the_first_10000_lines_of_the_public_list():
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        passwords = lines.read().splitlines()
    assert len(passwords) == 10_000
    assert passwords[:4] == ["123456", "123456789", "qwerty", "password"]
    assert passwords[-1] == "boobear"
    assert "1234567890" in common_passwords()


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("1234567890", TOO_COMMON),
        ("QWERTYUIOP", TOO_COMMON),  # any case
        ("  password123  ", TOO_COMMON),  # stripped
        (" " * 12, ONLY_INVISIBLE),
        ("\u200b" * 12, ONLY_INVISIBLE),  # zero-width spaces
        ("\x00\x01\x7f" * 4, ONLY_INVISIBLE),  # controls
        ("\u200b" * 3, ONLY_INVISIBLE),  # said before "too short": that is not the problem
        ("123456789", TOO_SHORT),
        ("x" * 129, "The password must be at most 128 characters long."),
        ("", TOO_SHORT),
    ],
)
def test_check_password_refuses(password, message):
    assert check_password(password) == {"password": message}


@pytest.mark.parametrize(
    "password",
    ["ten-chars!", "x" * 128, "zaļā zīle 42", " a\u200b b c d e ", PASSWORD],
)
def test_check_password_accepts(password):
    assert check_password(password) == {}


def test_check_password_says_it_in_latvian_by_default():
    assert check_password("1234567890") == {
        "password": "Šī parole ir pārāk bieži lietota un viegli uzminama; izvēlieties citu."
    }
    assert check_password("   \u200b      ") == {
        "password": "Parole nevar sastāvēt tikai no atstarpēm vai neredzamām rakstzīmēm."
    }


def test_demo_passwords_pass_the_policy():
    passwords = [user[2] for user in DEMO_USERS] + [DEMO_APPLICANT[2]]
    assert {password: check_password(password) for password in passwords} == {p: {} for p in passwords}


async def test_an_older_password_against_the_policy_still_logs_in(client, make_client):
    email = await make_user(Role.applicant)
    # As an account from before the policy: its password was taken when 8 characters were enough.
    await BaseUser.update_password(await _user_id(email), "12345678")
    await login(client, email, "12345678")
    assert (await client.get("/api/me")).json()["email"] == email
    headers = await bearer(make_client(), email, "12345678")
    assert (await make_client().get("/api/me", headers=headers)).json()["email"] == email


async def _user_id(email: str) -> int:
    row = await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first()
    return row["id"]


async def _works(make_client, email: str, password: str) -> bool:
    response = await make_client().post("/api/auth/token", json={"email": email, "password": password})
    return response.status_code == 200


@pytest.mark.parametrize(("password", "message"), REFUSED)
async def test_register_page_refuses(client, password, message):
    email = unique_email()
    form = {
        "name": "Jānis Ozols",
        "email": email,
        "password": password,
        "password2": password,
        "org_name": "Biedrība Ozols",
        "org_registration_number": unique_org_number(),
        "org_legal_form": "association",
        "org_municipality_code": "LV-016",
    }
    response = await post_form(client, "/register", form)
    assert response.status_code == 422
    assert field_error(response.text, "password") == message
    assert await BaseUser.exists().where(BaseUser.username == email) is False


@pytest.mark.parametrize(("password", "message"), REFUSED)
async def test_api_register_refuses(client, password, message):
    email = unique_email()
    response = await client.post(
        "/api/auth/register",
        json={"email": email, "password": password, "name": "Anna", "organisation": organisation()},
    )
    assert response.status_code == 422
    assert response.json()["extra"]["password"] == message
    assert await BaseUser.exists().where(BaseUser.username == email) is False


@pytest.mark.parametrize(("password", "message"), REFUSED)
async def test_account_page_refuses_a_new_password(client, make_client, password, message):
    email = await make_user(Role.applicant)
    await login(client, email)
    form = {"current_password": PASSWORD, "new_password": password, "new_password2": password}
    response = await post_form(client, "/account/password", form)
    assert response.status_code == 422
    assert field_error(response.text, "new_password") == message
    assert await _works(make_client, email, PASSWORD) is True


@pytest.mark.parametrize(("password", "message"), REFUSED)
async def test_panel_password_change_refuses(make_client, password, message):
    email = await make_user(Role.staff)  # the Data section is staff's only
    browser = make_client()
    await login(browser, email)
    body = {"current_password": PASSWORD, "new_password": password, "confirm_new_password": password}
    response = await panel_post(browser, "/admin/data/api/change-password/", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == message
    assert await _works(make_client, email, PASSWORD) is True


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(("password", "message"), REFUSED)
async def test_ensure_user_refuses(password, message):
    email = unique_email("staff")
    with pytest.raises(ValidationFailed) as refused:
        await ensure_user(email, password, Role.staff)
    assert refused.value.errors == {"password": message}
    assert await BaseUser.exists().where(BaseUser.username == email) is False


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (COMMON, "Šī parole ir pārāk bieži lietota un viegli uzminama; izvēlieties citu."),
        ("   \u200b\t     ", "Parole nevar sastāvēt tikai no atstarpēm vai neredzamām rakstzīmēm."),
    ],
)
async def test_createuser_command_refuses_in_latvian(database, password, message):
    email = unique_email("staff")
    process = await asyncio.create_subprocess_exec(
        str(GRANTS),
        "createuser",
        email,
        "--password",
        password,
        "--role",
        "staff",
        env={**os.environ, "NO_COLOR": "1", "LANG": "C.UTF-8"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode == 1
    assert stdout.decode() == ""
    assert stderr.decode().strip().splitlines() == [f"password: {message}"]
    assert await BaseUser.exists().where(BaseUser.username == email) is False
