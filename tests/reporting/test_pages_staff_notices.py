"""What the staff's report pages say after a review: an accepted report counts and is fixed, a
returned one goes back to the grantee by e-mail and comes back once corrected."""

from __future__ import annotations

import pytest

from tests.factories.accounts import post_form, staff_browser
from tests.factories.reporting import report, running_award
from tests.html import notice

pytestmark = pytest.mark.integration


async def reviewed_notice(staff, url: str, form: dict[str, str]) -> str | None:
    done = await post_form(staff, f"{url}/review", form)
    assert done.status_code == 302, done.text
    return notice((await staff.get(done.headers["location"])).text)


async def test_an_accepted_event_report_says_it_counts_and_is_fixed(client, make_client):
    award = await running_award(client)
    event = await report(client, award, title="Darbnīca A")
    staff = await staff_browser(make_client)
    url = f"/admin/reports/events/{event['id']}"
    assert await reviewed_notice(staff, url, {"decision": "accept"}) == (
        "The report is accepted: it counts in the project's results and can no longer be changed."
    )


async def test_a_returned_event_report_says_where_it_goes(client, make_client):
    award = await running_award(client)
    event = await report(client, award, title="Darbnīca B")
    staff = await staff_browser(make_client)
    url = f"/admin/reports/events/{event['id']}"
    assert await reviewed_notice(staff, url, {"decision": "return", "comment": "Trūkst apraksta."}) == (
        "The report is returned to the grantee with your comment; they are told by e-mail and it comes "
        "back here once corrected."
    )
