"""The account page's password change counts wrong current passwords like a login does."""

from __future__ import annotations

import pytest

from grants.core.auth import Role
from tests.factories.accounts import PASSWORD, login, make_user, post_form
from tests.factories.logins import account_failures
from tests.html import field_error

pytestmark = pytest.mark.integration


def _form(current: str) -> dict[str, str]:
    return {
        "current_password": current,
        "new_password": "a-new-horse-battery",
        "new_password2": "a-new-horse-battery",
    }


async def test_password_page_refuses_the_sixth_try_after_five_wrong_current_passwords(client, make_client):
    email = await make_user(Role.applicant)
    await login(client, email)
    for _ in range(5):
        wrong = await post_form(client, "/account/password", _form("wrong-one"))
        assert wrong.status_code == 422
    assert await account_failures(email) == 5
    refused = await post_form(client, "/account/password", _form(PASSWORD))
    assert refused.status_code == 429
    assert (
        field_error(refused.text, "current_password")
        == "Too many attempts. Wait a few minutes and try again."
    )
    token = await make_client().post(
        "/api/auth/token", json={"email": email, "password": "a-new-horse-battery"}
    )
    assert token.status_code == 429
