"""Password reset through the API: 202 whatever the address, the token from the mail sets the
password once, bearer tokens end."""

from __future__ import annotations

import re

import pytest

from grants.core.auth import Role
from tests.factories.accounts import PASSWORD, bearer, make_user, unique_email
from tests.factories.mail import outbox_for

pytestmark = pytest.mark.integration

NEW_PASSWORD = "an-api-horse-battery-3"


async def _token_for(email: str) -> str:
    [mail] = await outbox_for(email)
    return re.search(r"/password/reset/([A-Za-z0-9_-]{43})", mail["body_text"]).group(1)


async def test_api_password_reset_answers_202_for_a_known_and_an_unknown_address(client, make_client):
    known, unknown = await make_user(Role.applicant), unique_email("nobody-here")
    answers = [
        await make_client().post("/api/auth/password-reset", json={"email": e}) for e in (known, unknown)
    ]
    sent = (
        "If an account has this address, we have sent it a link to choose a new password. "
        "The link works once, for one hour."
    )
    assert [(a.status_code, a.json()) for a in answers] == [(202, {"detail": sent})] * 2
    assert len(await outbox_for(known)) == 1
    assert await outbox_for(unknown) == []


async def test_api_password_reset_is_limited_per_address(make_client):
    email = unique_email("nobody-here")
    answers = [
        (await make_client().post("/api/auth/password-reset", json={"email": email})).status_code
        for _ in range(4)
    ]
    assert answers == [202, 202, 202, 429]


async def test_api_password_reset_confirm_sets_the_password_once_and_ends_tokens(client, make_client):
    email = await make_user(Role.applicant)
    headers = await bearer(make_client(), email)
    await client.post("/api/auth/password-reset", json={"email": email})
    token = await _token_for(email)

    common = await client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "qwerty12345"}
    )
    assert common.status_code == 422
    assert common.json()["extra"] == {
        "password": "This password is too common and easy to guess; choose another."
    }

    done = await client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert done.status_code == 200
    assert done.json()["detail"].startswith("Your password is changed and every session")
    assert (await make_client().get("/api/me", headers=headers)).status_code == 401
    assert (await bearer(make_client(), email, NEW_PASSWORD)).keys() == {"Authorization"}
    old = await make_client().post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert old.status_code == 401

    again = await client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "other-horse-77"}
    )
    assert again.status_code == 409
    assert again.json()["extra"] == {
        "token": "The link has expired or was used already. A link works once, for one hour."
    }
