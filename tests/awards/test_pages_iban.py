"""The payee's bank account: entered by the organisation's owner on /account/organisation, checked as
ISO 13616 says (country, length per country, mod-97), stored without spaces in capital letters and
shown in groups of four; the admin panel's organisation form runs the same check."""

from __future__ import annotations

import pytest

from admin.master import check_organisation
from grants.accounts.rules import iban_error
from grants.accounts.tables import Organisation
from grants.core.i18n import get_language, set_language
from tests.factories.accounts import login, post_form, register_applicant
from tests.html import field_error, input_value, notice, text_of

pytestmark = pytest.mark.integration

VALID = "LV80BANK0000435195001"


@pytest.fixture
def english():
    """The messages in English outside a request (Latvian is the default), then as before."""
    before = get_language()
    set_language("en")
    yield
    set_language(before)


async def stored_iban(organisation_id: int) -> str:
    row = await Organisation.select(Organisation.iban).where(Organisation.id == organisation_id).first()
    return row["iban"]


async def owner(client, make_client):
    email, ids = await register_applicant(client)
    browser = make_client()
    await login(browser, email)
    return browser, ids["organisation_id"]


async def test_a_valid_iban_typed_with_spaces_in_lower_case_is_stored_normalised(client, make_client):
    browser, organisation_id = await owner(client, make_client)
    done = await post_form(browser, "/account/organisation/iban", {"iban": " lv80 bank 0000 4351 9500 1 "})
    assert (done.status_code, done.headers["location"]) == (
        302,
        "/account/organisation?done=iban#bank-account",
    )
    assert await stored_iban(organisation_id) == VALID
    page = await browser.get("/account/organisation?done=iban")
    assert notice(page.text) == "The bank account is saved."
    assert text_of(page.text, "dd#iban") == "LV80 BANK 0000 4351 9500 1"


async def test_a_bad_checksum_is_refused_next_to_the_field_with_what_was_typed(client, make_client):
    browser, organisation_id = await owner(client, make_client)
    refused = await post_form(browser, "/account/organisation/iban", {"iban": "LV81 BANK 0000 4351 9500 1"})
    assert refused.status_code == 422
    assert field_error(refused.text, "iban") == (
        "This IBAN's check digits do not match: check it for a typing error."
    )
    assert input_value(refused.text, "iban") == "LV81 BANK 0000 4351 9500 1"
    assert await stored_iban(organisation_id) == ""


async def test_a_wrong_length_for_the_country_is_refused(client, make_client):
    browser, organisation_id = await owner(client, make_client)
    refused = await post_form(browser, "/account/organisation/iban", {"iban": "LV80BANK000043519500"})
    assert refused.status_code == 422
    assert field_error(refused.text, "iban") == "An IBAN of LV has 21 characters; this one has 20."
    assert await stored_iban(organisation_id) == ""


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        (VALID, None),
        ("GB82 WEST 1234 5698 7654 32", None),
        ("", None),
        ("XX80BANK0000435195001", "An IBAN starts with a country code and two check digits, e.g. LV80."),
        ("LV80BANK00004351950Ā1", "An IBAN has only letters and digits, e.g. LV80 BANK 0000 4351 9500 1."),
        ("LV80" + "1" * 80, "An IBAN has at most 34 characters."),
    ],
)
def test_iban_rules(typed, error, english):
    assert iban_error(typed) == error


async def test_the_panels_organisation_form_runs_the_same_check(english):
    stored = {
        "name": "Biedrība",
        "registration_number": "40008000001",
        "legal_form": "association",
        "municipality": 1,
    }
    assert await check_organisation({"iban": VALID}, stored) == {}
    assert await check_organisation({"iban": "LV81BANK0000435195001"}, stored) == {
        "iban": "This IBAN's check digits do not match: check it for a typing error."
    }
    assert await check_organisation({"iban": "lv80 bank 0000 4351 9500 1"}, stored) == {
        "iban": "Write the IBAN without spaces, in capital letters, e.g. LV80BANK0000435195001."
    }
