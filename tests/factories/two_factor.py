"""Two-factor sign-in in tests: the setting turned on, users enrolled, codes computed as an
authenticator app computes them (pyotp, from the secret the enrolment shows)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pyotp

from grants.core.auth import Role
from tests.factories.accounts import make_user

STEP = 30


def fresh_step() -> int:
    """The current TOTP time-step, waiting first when it is about to end, so that codes computed
    now for the step before, this one and the next are all still taken when the request arrives."""
    if time.time() % STEP > STEP - 4:
        time.sleep(STEP - time.time() % STEP + 0.1)
    return int(time.time() // STEP)


def code(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def required(on: bool = True) -> Iterator[None]:
    """TWO_FACTOR_REQUIRED for the in-process app (the suite runs with it off), then back."""
    from grants.settings import get_settings, override_settings

    before = get_settings()
    override_settings(dataclasses.replace(before, two_factor_required=on))
    try:
        yield
    finally:
        override_settings(before)


@dataclasses.dataclass(frozen=True)
class Enrolled:
    email: str
    user_id: int
    secret: str
    recovery_codes: list[str]
    step: int  # the step whose code confirmed the enrolment was the one before this


async def enrolled(role: Role = Role.staff) -> Enrolled:
    """A user enrolled through the service as the enrolment page does, confirmed with the code of the
    step before the current one: the current and the next step's codes are still unused."""
    from grants.accounts.queries import user_id_by_email
    from grants.accounts.service import two_factor

    email = await make_user(role)
    user_id = await user_id_by_email(email)
    assert user_id is not None
    enrolment = await two_factor.start_enrolment(user_id)
    step = fresh_step()
    codes = await two_factor.confirm_enrolment(user_id, code(enrolment.secret, step - 1), "127.9.9.9")
    return Enrolled(email, user_id, enrolment.secret, codes, step)
