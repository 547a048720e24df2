"""A final report's file over the 10 MB limit, sent without JavaScript: the award page again with the
limit next to the file field; the field carries the rules the browser checks before sending."""

from __future__ import annotations

import pytest

from tests.factories.accounts import post_form
from tests.factories.files import pdf_bytes
from tests.factories.reporting import running_award
from tests.html import attr_of, field_error, texts_of
from tests.reporting.test_pages_portal import grantee_browser

pytestmark = pytest.mark.integration

MB = 1024 * 1024


async def test_a_12_mb_final_report_file_is_refused_next_to_its_field(client, make_client):
    award = await running_award(client, payment_method="costs")
    browser = await grantee_browser(client, make_client, award)
    url = f"/my/awards/{award['award_id']}/final-report"
    saved = await post_form(browser, url, {"narrative": "Uzmetums.", "spent": "", "action": "draft"})
    assert saved.status_code == 302
    page = await browser.get(f"/my/awards/{award['award_id']}")
    assert attr_of(page.text, 'input[name="file"]', "data-max-bytes") == str(10 * MB)
    assert attr_of(page.text, 'input[name="file"]', "accept") == ".pdf,.ods,.odt,.xlsx,.docx,.jpg,.jpeg,.png"

    refused = await browser.post(
        f"{url}/attachments",
        data={"_csrf_token": browser.cookies["grants_csrf"]},
        files={"file": ("izdevumi.pdf", pdf_bytes().ljust(12 * MB, b" "), "application/pdf")},
    )
    assert refused.status_code == 413
    assert field_error(refused.text, "file") == "The file is too large: the limit is 10 MB."
    assert texts_of(refused.text, "#final-files li") == []
