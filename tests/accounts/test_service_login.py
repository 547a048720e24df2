"""authenticate and change_password: the shared login attempt, its hashing off the event loop,
the password change's limit on the current password."""

from __future__ import annotations

import asyncio
import time

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.service import logins, passwords
from grants.core.auth import Role
from grants.core.errors import InvalidCredentials, TooManyAttempts, ValidationFailed
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.logins import account_failures

pytestmark = pytest.mark.integration


async def _with_slow_hash(email: str, iterations: int) -> None:
    """The user's stored hash made with many iterations, as production's 600,000."""
    stored = BaseUser.hash_password(PASSWORD, iterations=iterations)
    await BaseUser.update({BaseUser.password: stored}).where(BaseUser.username == email)


async def test_authenticate_hashes_off_the_event_loop(database):
    email = await make_user(Role.staff)
    await _with_slow_hash(email, 300_000)
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)  # the ticker runs before the login starts
    started = time.perf_counter()
    user_id = await logins.authenticate(email, PASSWORD, "10.90.0.1")
    took = time.perf_counter() - started
    done.set()
    await tick
    assert user_id == (await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first())["id"]
    assert took > 0.05  # the hash really is slow …
    assert max(gaps) < took / 2  # … and the loop kept running meanwhile


async def test_authenticate_rehashes_an_old_hash_with_the_current_iterations(database):
    email = await make_user(Role.staff)
    await _with_slow_hash(email, 2000)
    await logins.authenticate(email, PASSWORD, "10.90.0.2")
    stored = await BaseUser.select(BaseUser.password).where(BaseUser.username == email).first()
    assert stored["password"].split("$")[1] == str(BaseUser._pbkdf2_iteration_count)
    assert await logins.authenticate(email, PASSWORD, "10.90.0.2") > 0


@pytest.mark.parametrize("email", ["nul\x00@example.lv", "a" * 400 + "@example.lv"])
async def test_authenticate_refuses_an_email_unfit_for_the_key(database, email):
    with pytest.raises(InvalidCredentials):
        await logins.authenticate(email, PASSWORD, "10.90.0.3")


async def test_change_password_limits_the_current_password(database, english):
    from grants.accounts.queries import load_principal

    email = await make_user(Role.reviewer)
    user_id = await logins.authenticate(email, PASSWORD, "10.90.0.4")
    me = await load_principal(user_id, "session", None)
    for _ in range(5):
        with pytest.raises(ValidationFailed) as wrong:
            await passwords.change_password(me, "wrong-one", "a-new-horse-battery", "10.90.0.4")
        assert wrong.value.errors == {"current_password": "The current password is wrong."}
    with pytest.raises(TooManyAttempts):
        await passwords.change_password(me, PASSWORD, "a-new-horse-battery", "10.90.0.4")
    with pytest.raises(TooManyAttempts):
        await logins.authenticate(email, PASSWORD, "10.90.0.5")


async def test_change_password_counts_under_the_login_key_when_the_email_column_differs(database, english):
    """The login key is the username: a contact e-mail edited in the panel must not move the change's
    failures to another key, nor make the right current password look wrong."""
    from grants.accounts.queries import load_principal

    email = await make_user(Role.reviewer)
    await BaseUser.update({BaseUser.email: "contact@elsewhere.lv"}).where(BaseUser.username == email)
    user_id = await logins.authenticate(email, PASSWORD, "10.90.0.6")
    me = await load_principal(user_id, "session", None)
    with pytest.raises(ValidationFailed):
        await passwords.change_password(me, "wrong-one", "a-new-horse-battery", "10.90.0.6")
    assert await account_failures(email) == 1
    assert await account_failures("contact@elsewhere.lv") == 0
    await passwords.change_password(me, PASSWORD, "a-new-horse-battery", "10.90.0.6")
    assert await logins.authenticate(email, "a-new-horse-battery", "10.90.0.6") == user_id
