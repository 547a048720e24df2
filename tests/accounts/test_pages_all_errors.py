"""The account forms name every mistake in one answer: registration (in the summary and next to each
field, in Latvian by default), and the password change (the reset link's in test_pages_password_reset)."""

from __future__ import annotations

import pytest

from grants.core.auth import SESSION_COOKIE, Role
from tests.factories.accounts import PASSWORD, login, make_user, post_form, unique_email
from tests.factories.logins import account_failures
from tests.html import attrs_of, error_summary, field_error, input_value, text_of

pytestmark = pytest.mark.integration

FOUR_MISTAKES = {
    "name": "Jānis Ozols",
    "email": "nav-adrese",  # not an e-mail address
    "password": "short",  # too short
    "password2": "shorter",  # and not the same
    "org_name": "  ",  # missing
    "org_registration_number": "40008000001",
    "org_legal_form": "association",
    "org_municipality_code": "LV-016",
}


async def test_register_with_four_mistakes_lists_all_four_in_latvian(make_client):
    latvian = make_client(language=None)
    response = await post_form(latvian, "/register", FOUR_MISTAKES)
    assert response.status_code == 422
    expected = {
        "email": "Ievadiet derīgu e-pasta adresi.",
        "password": "Parolē jābūt vismaz 10 rakstzīmēm.",
        "password2": "Paroles nesakrīt.",
        "org_name": "Ievadiet organizācijas nosaukumu.",
    }
    assert text_of(response.text, ".error-summary h2") == "Formā ir 4 kļūdas"
    assert error_summary(response.text) == list(expected.values())  # in the order of the form
    assert attrs_of(response.text, ".error-summary li a", "href") == [f"#f-{name}" for name in expected]
    assert {name: field_error(response.text, name) for name in expected} == expected
    assert field_error(response.text, "name") is None
    assert input_value(response.text, "email") == "nav-adrese"
    assert SESSION_COOKIE not in latvian.cookies


async def test_register_reports_every_organisation_field_with_the_password_mismatch(client):
    response = await post_form(
        client,
        "/register",
        {
            "name": "",
            "email": unique_email(),
            "password": PASSWORD,
            "password2": PASSWORD + "x",
            "org_name": "",
            "org_registration_number": "123",
            "org_legal_form": "",
            "org_municipality_code": "",
        },
    )
    assert response.status_code == 422
    assert error_summary(response.text) == [
        "Enter your name.",
        "The passwords do not match.",
        "Enter the organisation's name.",
        "The registration number must be exactly 11 digits.",
        "Choose the legal form.",
        "Choose a municipality.",
    ]


async def test_register_reports_a_too_long_name_with_the_other_mistakes(client):
    response = await post_form(client, "/register", FOUR_MISTAKES | {"name": "J" * 2000})
    assert response.status_code == 422
    assert field_error(response.text, "name") == "At most 200 characters."
    assert len(error_summary(response.text)) == 5


async def test_password_change_reports_the_wrong_current_password_with_the_new_ones_mistakes(client):
    email = await make_user(Role.applicant)
    await login(client, email)
    form = {"current_password": "wrong-one", "new_password": "short", "new_password2": "other"}
    refused = await post_form(client, "/account/password", form)
    assert refused.status_code == 422
    assert error_summary(refused.text) == [
        "The current password is wrong.",
        "The password must be at least 10 characters long.",
        "The passwords do not match.",
    ]
    assert await account_failures(email) == 1


async def test_password_change_with_the_right_current_password_counts_no_failure(client):
    email = await make_user(Role.applicant)
    await login(client, email)
    form = {"current_password": PASSWORD, "new_password": "short", "new_password2": "short"}
    refused = await post_form(client, "/account/password", form)
    assert refused.status_code == 422
    assert error_summary(refused.text) == ["The password must be at least 10 characters long."]
    assert await account_failures(email) == 0
