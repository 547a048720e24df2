"""Every password hash runs in the hashing pool, never on the event loop's thread: a login (known
and unknown e-mail, an old hash brought up to date), a registration, a new and an existing user
of `createuser`, a password change. Each hash is recorded with the thread that computed it
(piccolo's BaseUser.hash_password, wrapped to note its thread, still computes the real hash)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.queries import load_principal
from grants.accounts.service import hashing, logins, passwords, registration, users
from grants.core.auth import Role
from grants.core.errors import InvalidCredentials
from tests.factories.accounts import PASSWORD, make_user, organisation, unique_email

pytestmark = pytest.mark.integration


niceness: list[int] = []  # of the thread of each hash, as hash_threads notes it


@pytest.fixture
def hash_threads(monkeypatch) -> Iterator[list[str]]:
    """The name of the thread of every BaseUser.hash_password from now on."""
    seen: list[str] = []
    real = BaseUser.hash_password.__func__

    def noting(cls, password: str, salt: str = "", iterations: int | None = None) -> str:
        seen.append(threading.current_thread().name)
        niceness.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return real(cls, password, salt, iterations)

    monkeypatch.setattr(BaseUser, "hash_password", classmethod(noting))
    yield seen


def _all_in_the_pool(names: list[str]) -> bool:
    return all(name.startswith(hashing.THREAD_NAME) for name in names)


async def test_a_login_hashes_in_the_pool(database, hash_threads):
    email = await make_user(Role.applicant)
    old = BaseUser.hash_password(PASSWORD, iterations=2000)  # noted too: on the test's own thread
    await BaseUser.update({BaseUser.password: old}).where(BaseUser.username == email)
    hash_threads.clear()
    await logins.authenticate(email, PASSWORD, "10.91.0.1")  # checks, then stores today's count
    with pytest.raises(InvalidCredentials):
        await logins.authenticate(unique_email("nobody"), PASSWORD, "10.91.0.1")
    assert len(hash_threads) == 3
    assert _all_in_the_pool(hash_threads)
    assert threading.current_thread().name not in hash_threads


async def test_registration_hashes_in_the_pool(database, hash_threads):
    registered = await registration.register(
        unique_email("ngo"), PASSWORD, "Anna Bērziņa", organisation(), "10.91.0.2"
    )
    assert len(hash_threads) == 1
    assert _all_in_the_pool(hash_threads)
    assert (
        await logins.verify_password(
            (await BaseUser.select(BaseUser.username).where(BaseUser.id == registered.user_id).first())[
                "username"
            ],
            PASSWORD,
        )
        == registered.user_id
    )


async def test_createuser_hashes_in_the_pool_for_a_new_and_an_existing_user(database, hash_threads):
    email = unique_email("staff")
    first = await users.ensure_user(email, PASSWORD, Role.staff)
    again = await users.ensure_user(email, "another-long-password", Role.staff)
    assert first == again
    assert len(hash_threads) == 2
    assert _all_in_the_pool(hash_threads)
    assert await logins.verify_password(email, "another-long-password") == first
    assert await logins.verify_password(email, PASSWORD) is None


async def test_a_password_change_hashes_in_the_pool(database, hash_threads):
    email = await make_user(Role.reviewer)
    user_id = await logins.authenticate(email, PASSWORD, "10.91.0.2")
    me = await load_principal(user_id, "session", None)
    hash_threads.clear()
    await passwords.change_password(me, PASSWORD, "a-new-horse-battery", "10.91.0.2")
    assert len(hash_threads) == 2  # the current password checked, the new one hashed
    assert _all_in_the_pool(hash_threads)
    assert await logins.verify_password(email, "a-new-horse-battery") == user_id


async def test_hashing_gives_way_to_the_event_loop(database, hash_threads):
    niceness.clear()
    await users.ensure_user(unique_email("staff"), PASSWORD, Role.staff)
    main = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert niceness == [min(main + hashing.NICENESS, 19)]  # 19: the lowest priority there is


def test_the_pool_leaves_a_core_to_the_event_loop():
    cores = len(os.sched_getaffinity(0))
    assert hashing.hashing_threads() == max(1, cores - 1)
