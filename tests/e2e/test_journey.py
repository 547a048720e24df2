"""The whole journey in a real browser, each step checked by what its user sees and photographed
into tests/e2e/screenshots/: staff make a call in the admin panel; an NGO registers and applies;
staff close the call, check eligibility and assign two reviewers; the reviewers score in the
panel; staff award and record the agreement; the grantee reports two events in two schools;
the municipality's coordinator sees them on the dashboard.

The deadline: staff close the call with the panel's "Close a call" form once the application is
in, as they do when a call must end before its planned closing time; the server then refuses
submissions exactly as after closes_at, and the review may start.
"""

from __future__ import annotations

import uuid

import pytest

from grants.core.auth import Role
from tests.e2e.browser import SCREENSHOTS
from tests.e2e.journey_call import ngo_applies, staff_publish_call
from tests.e2e.journey_grant import coordinator_sees_events, grantee_reports_events, staff_record_agreement
from tests.e2e.journey_review import SCORES, reviewer_scores, staff_award, staff_close_and_assign
from tests.e2e.story import Cast, Story
from tests.factories.accounts import PASSWORD, unique_email
from tests.factories.registry import make_school

pytestmark = pytest.mark.e2e


@pytest.fixture
async def cast(database) -> Cast:
    """The people and schools of the story, made through the services as `grants createuser` does."""
    from grants.accounts.service.users import ensure_user

    staff = unique_email("staff")
    await ensure_user(staff, PASSWORD, Role.staff, None, "Ilze Programma")
    reviewers = []
    for name in ("Jānis Vērtētājs", "Līga Vērtētāja"):
        email = unique_email("reviewer")
        await ensure_user(email, PASSWORD, Role.reviewer, None, name)
        reviewers.append((email, name))
    coordinator = unique_email("coordinator")
    await ensure_user(coordinator, PASSWORD, Role.coordinator, "LV-016", "Anita Koordinatore")
    schools = [
        (await make_school("LV-016", name), name) for name in ("Misas pamatskola", "Stelpes pamatskola")
    ]
    return Cast(staff, tuple(reviewers), coordinator, tuple(schools))


async def test_journey_from_call_in_panel_to_events_on_dashboard(new_page, cast: Cast, mail_server) -> None:
    for old in SCREENSHOTS.glob("*.png"):  # a shorter earlier run would leave steps that did not happen
        old.unlink()
    token = uuid.uuid4().hex[:6]
    story = Story(
        cast,
        title=f"Jauniešu iniciatīvas Bauskas novadā {token}",
        organisation=f"Biedrība “Jauniešu iniciatīvu centrs {token}”",
        mail=mail_server,
    )
    staff, ngo = await new_page(), await new_page()
    await staff_publish_call(staff, story)
    await ngo_applies(ngo, story)
    await staff_close_and_assign(staff, ngo, story)
    for number, ((email, _name), points) in enumerate(zip(cast.reviewers, SCORES, strict=True), start=1):
        await reviewer_scores(await new_page(), story, number, email, points)
    await staff_award(staff, ngo, story)
    await staff_record_agreement(staff, story)
    await grantee_reports_events(ngo, story)
    await coordinator_sees_events(await new_page(), story)
