"""Every login path (site, API, panel) in every body form it takes counts against the same account key:
a failure is one more, only a real new session clears them, the sixth try is refused, parallel tries are
counted atomically, and an e-mail too long for the key column never reaches the database."""

from __future__ import annotations

import asyncio

import pytest

from grants.core.auth import SESSION_COOKIE, Role
from grants.core.tables import LoginFailure
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.logins import PATHS, account_failures, logged_in, with_redis_store

pytestmark = pytest.mark.integration


async def _fail_twice_by_api(make_client, email: str) -> None:
    for _ in range(2):
        response = await make_client().post("/api/auth/token", json={"email": email, "password": "wrong-one"})
        assert response.status_code == 401
    assert await account_failures(email) == 2


@pytest.mark.parametrize("path", list(PATHS))
async def test_wrong_password_counts_against_the_account_on_every_path(make_client, path):
    email = await make_user(Role.staff)
    await _fail_twice_by_api(make_client, email)
    client = make_client()
    response = await PATHS[path](client, email.upper(), "wrong-password")
    assert response.status_code == 401
    assert logged_in(path, response, client) is False
    assert SESSION_COOKIE not in client.cookies
    assert await account_failures(email) == 3


@pytest.mark.parametrize("path", list(PATHS))
async def test_right_password_on_every_path_starts_a_session_and_clears_the_account(make_client, path):
    email = await make_user(Role.staff)
    await _fail_twice_by_api(make_client, email)
    client = make_client()
    response = await PATHS[path](client, email, PASSWORD)
    assert logged_in(path, response, client) is True
    assert await account_failures(email) == 0


@pytest.mark.parametrize("path", list(PATHS))
async def test_sixth_try_on_every_path_is_refused_even_with_the_right_password(make_client, path):
    email = await make_user(Role.staff)
    for attempt in range(5):  # five failures spread over every path and body form
        other = list(PATHS)[attempt % len(PATHS)]
        assert (await PATHS[other](make_client(), email, "wrong-password")).status_code == 401
    client = make_client()
    response = await PATHS[path](client, email, PASSWORD)
    assert response.status_code == 429
    assert logged_in(path, response, client) is False
    assert SESSION_COOKIE not in client.cookies


async def _thirty_in_parallel(make_client, path: str) -> list[int]:
    email = await make_user(Role.reviewer)
    clients = [make_client() for _ in range(30)]  # thirty addresses: only the account's key can stop them
    responses = await asyncio.gather(*(PATHS[path](c, email, "wrong-password") for c in clients))
    return sorted(r.status_code for r in responses)


@pytest.mark.parametrize("path", ["site /login", "api /api/auth/token", "panel json"])
async def test_thirty_parallel_wrong_passwords_get_five_401_and_the_rest_429(make_client, path):
    assert await _thirty_in_parallel(make_client, path) == [401] * 5 + [429] * 25


@pytest.mark.parametrize("path", ["site /login", "api /api/auth/token", "panel json"])
async def test_thirty_parallel_wrong_passwords_in_the_redis_store_get_five_401(make_client, path):
    from tests.core.test_ratelimit import _redis_reachable

    if not _redis_reachable():
        pytest.skip("Redis does not listen on 127.0.0.1:6379")
    async with with_redis_store():
        assert await _thirty_in_parallel(make_client, path) == [401] * 5 + [429] * 25


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("email", ["a" * 10_000 + "@example.lv", "nul\x00byte@example.lv"])
async def test_email_unfit_for_the_key_column_gets_4xx_and_never_reaches_the_table(make_client, path, email):
    client = make_client()
    response = await PATHS[path](client, email, "wrong-password")
    assert 400 <= response.status_code < 500
    assert SESSION_COOKIE not in client.cookies
    assert await LoginFailure.count().where(LoginFailure.key.like("account:aaaaaaaaaa%")) == 0
    assert await LoginFailure.count().where(LoginFailure.key.like("account:nul%")) == 0
