"""An event photo over the limit, sent without JavaScript: the event page again with the limit named
next to the field and the consent answer kept; the photo's field carries the rules the browser checks."""

from __future__ import annotations

import pytest

from grants.reporting.tables import EventPhoto
from tests.factories.files import image_bytes
from tests.factories.reporting import grantee_browser, report, running_award
from tests.html import attr_of, field_error, parse

pytestmark = pytest.mark.integration

MB = 1024 * 1024


async def test_a_12_mb_photo_shows_the_event_page_with_the_limit_and_the_consent_kept(client, make_client):
    award = await running_award(client)
    event = await report(client, award)
    browser = await grantee_browser(client, make_client, award)
    await browser.get(f"/my/events/{event['id']}")
    refused = await browser.post(
        f"/my/events/{event['id']}/photos",
        data={"_csrf_token": browser.cookies["grants_csrf"], "consent": "1"},
        files={"file": ("nometne.jpg", image_bytes(64, 48).ljust(12 * MB, b"\0"), "image/jpeg")},
    )
    assert refused.status_code == 413
    assert field_error(refused.text, "file") == "The file is too large: the limit is 10 MB."
    form = parse(refused.text).find("input", attrs={"name": "file"}).find_parent("form")
    assert [radio["id"] for radio in form.select("input[name=consent][checked]")] == ["f-consent-yes"]
    assert await EventPhoto.count().where(EventPhoto.event == event["id"]) == 0


async def test_the_photo_field_carries_the_image_rules(client, make_client):
    award = await running_award(client)
    event = await report(client, award)
    browser = await grantee_browser(client, make_client, award)
    page = await browser.get(f"/my/events/{event['id']}")
    field = 'input[name="file"]'
    assert attr_of(page.text, field, "accept") == ".jpg,.jpeg,.png"
    assert attr_of(page.text, field, "data-max-bytes") == str(10 * MB)
    assert attr_of(page.text, field, "data-wrong-type") == (
        "This type of file is not accepted. Accepted types: JPG, PNG."
    )
    assert [radio["id"] for radio in parse(page.text).select("input[name=consent][checked]")] == [
        "f-consent-no"
    ]
