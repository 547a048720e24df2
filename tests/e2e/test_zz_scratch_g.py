import uuid
import pytest
from tests.e2e.journey_call import ngo_applies, staff_publish_call
from tests.e2e.journey_grant import coordinator_sees_events, grantee_reports_events, staff_record_agreement
from tests.e2e.journey_review import SCORES, reviewer_scores, staff_award, staff_close_and_assign
from tests.e2e.story import Story
from tests.e2e.test_journey import cast  # noqa
from tests.e2e.axe import axe_script

pytestmark = pytest.mark.e2e

async def axe_all(page, label):
    await page.add_script_tag(path=str(axe_script()))
    r = await page.evaluate("async () => await axe.run(document)")
    for v in r["violations"]:
        print("VIOL", label, page.url, v["id"], v["impact"], len(v["nodes"]), [n["target"] for n in v["nodes"][:3]], v["helpUrl"])
    print("CHECKED", label, page.url, len(r["violations"]))

async def test_scratch(new_page, cast):
    token = uuid.uuid4().hex[:6]
    story = Story(cast, title=f"Konkurss {token}", organisation=f"Biedrība {token}")
    staff = await new_page(bypass_csp=True)
    ngo = await new_page(bypass_csp=True)
    await staff_publish_call(staff, story)
    await ngo_applies(ngo, story)
    await staff_close_and_assign(staff, ngo, story)
    rev = None
    for number, ((email, _n), points) in enumerate(zip(cast.reviewers, SCORES, strict=True), start=1):
        rev = await new_page(bypass_csp=True)
        await reviewer_scores(rev, story, number, email, points)
    await staff_award(staff, ngo, story)
    await staff_record_agreement(staff, story)
    await grantee_reports_events(ngo, story)
    coord = await new_page(bypass_csp=True)
    await coordinator_sees_events(coord, story)
    for lang in ("lv", "en"):
        for page, paths in ((staff, ["/staff/calls", f"/staff/calls/{story.call_id}", f"/staff/calls/{story.call_id}/ranking", f"/staff/applications/{story.application_id}/eligibility", "/staff/awards", "/staff/payments", "/staff/reports", "/results", f"/results/calls/{story.call_id}", "/results/projects", f"/results/projects/{story.award_id}", "/open-data", "/registry", "/registry/LV-016", f"/registry/schools/{cast.schools[0][0]}", "/docs/api", "/account", "/account/password"]),
                            (rev, ["/reviews", "/reviews/2"]),
                            (ngo, [f"/my/applications/{story.application_id}/review", f"/my/applications/{story.application_id}/project"]),
                            (coord, ["/municipality/LV-016"])):
            await page.goto(f"/lang/{lang}?next=/")
            for path in paths:
                await page.goto(path)
                await axe_all(page, lang)
