"""A signed agreement over the 10 MB limit, sent from the awards page without JavaScript: the page
again with the limit next to the file field and the typed number and date kept."""

from __future__ import annotations

import pytest

from tests.awards.test_pages_staff import section, upload
from tests.factories.accounts import staff_browser
from tests.factories.awards import award_status, awarded_application, today
from tests.factories.files import pdf_bytes
from tests.html import attr_of, field_error, input_value

pytestmark = pytest.mark.integration

MB = 1024 * 1024


async def test_a_12_mb_agreement_is_refused_next_to_its_field_with_the_typed_number_kept(client, make_client):
    award = await awarded_application(client)
    award_id = award["award_id"]
    browser = await staff_browser(make_client)
    page = await browser.get(f"/admin/awards?award={award_id}")
    field = f'input[id="f-file.{award_id}"]'
    assert attr_of(section(page.text, award_id), field, "data-max-bytes") == str(10 * MB)
    assert attr_of(section(page.text, award_id), field, "data-too-large") == (
        "The file is too large: the limit is 10 MB."
    )

    too_big = pdf_bytes().ljust(12 * MB, b" ")
    refused = await upload(
        browser, award_id, "LĪG-12", today().isoformat(), ("ligums.pdf", too_big, "application/pdf")
    )
    assert refused.status_code == 422  # on this page of many forms a refused file is the form's fault
    html = section(refused.text, award_id)
    assert field_error(html, f"file.{award_id}") == "The file is too large: the limit is 10 MB."
    assert input_value(html, "number") == "LĪG-12"
    assert await award_status(award_id) == "awarded"
