"""The reviewer's pages (/admin/reviews) and who else reaches them: other reviewers' comments only after one's
own submission, 403 for applicants and staff, log-in for the anonymous, the CSRF token, the panel's links."""

from __future__ import annotations

import pytest

from grants.core.auth import Role
from tests.factories.accounts import (
    login,
    make_user,
    post_form,
    register_applicant,
)
from tests.factories.applications import eligible_applications
from tests.factories.scoring import (
    assign,
    assignment_row,
    open_assignment,
    reviewer,
    saved_scores,
)
from tests.html import table_rows, text_of, texts_of

pytestmark = pytest.mark.integration


async def test_other_reviewers_comments_only_after_own_submission(client, make_client):
    call_id, apps = await eligible_applications(1)
    (first_id, first) = await reviewer(make_client, name="Ilze Pirmā")
    (second_id, second) = await reviewer(make_client, name="Jānis Otrais")
    a1 = await assign(client, call_id, apps[0], first_id)
    a2 = await assign(client, call_id, apps[0], second_id)
    await open_assignment(first, a1)
    await open_assignment(second, a2)
    submitted = await post_form(
        first,
        f"/admin/reviews/{a1}",
        {
            "scores.K1": "9",
            "comments.K1": "Mērķis izcili pamatots",
            "scores.K2": "8",
            "comment": "Iesaku atbalstīt bez iebildēm",
            "action": "submit",
            "confirm": "yes",
        },
    )
    assert submitted.status_code == 302
    before = await second.get(f"/admin/reviews/{a2}")
    assert "You see the other reviewers' scores and comments after you submit your own." in texts_of(
        before.text, "p"
    )
    assert "Mērķis izcili pamatots" not in before.text
    assert "Iesaku atbalstīt bez iebildēm" not in before.text
    await post_form(
        second,
        f"/admin/reviews/{a2}",
        {"scores.K1": "4", "scores.K2": "5", "action": "submit", "confirm": "yes"},
    )
    after = await second.get(f"/admin/reviews/{a2}")
    assert "Reviewer 1" in texts_of(after.text, "caption")
    assert table_rows(after.text.split('id="h-others"')[1]) == [
        ["K1 Projekta atbilstība mērķim", "9", "Mērķis izcili pamatots"],
        ["K2 Budžeta pamatotība", "8", ""],
    ]
    assert ["Overall comment", "Iesaku atbalstīt bez iebildēm"] in table_rows(after.text, "tr")
    assert text_of(after.text, 'td.pre[colspan="2"]') == "Iesaku atbalstīt bez iebildēm"
    assert "Ilze" not in after.text and "Pirmā" not in after.text  # never the other reviewer's name


@pytest.mark.parametrize("role", [Role.applicant, Role.staff])
async def test_applicants_and_staff_get_403_on_reviews(client, make_client, role):
    call_id, apps = await eligible_applications(1)
    rid, _mine = await reviewer(make_client)
    assignment = await assign(client, call_id, apps[0], rid)
    other = make_client()
    if role == Role.applicant:
        email, _ = await register_applicant(other)
    else:
        email = await make_user(Role.staff)
    await login(other, email)
    for path in ("/admin/reviews", f"/admin/reviews/{assignment}"):
        response = await other.get(path)
        assert response.status_code == 403, path
        assert text_of(response.text, "main p.lead") == "You do not have access to this page."
    declared = await post_form(other, f"/admin/reviews/{assignment}/conflict", {"conflict": "no"})
    assert declared.status_code == 403
    assert (await assignment_row(assignment))["conflict"] is None


async def test_anonymous_is_sent_to_log_in(client):
    response = await client.get("/admin/reviews")
    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=%2Fadmin%2Freviews"


async def test_post_without_csrf_token_is_403(client, make_client):
    call_id, apps = await eligible_applications(1)
    rid, mine = await reviewer(make_client)
    assignment = await assign(client, call_id, apps[0], rid)
    response = await mine.post(f"/admin/reviews/{assignment}/conflict", data={"conflict": "no"})
    assert response.status_code == 403
    assert (await assignment_row(assignment))["conflict"] is None
    await open_assignment(mine, assignment)
    scores = await mine.post(f"/admin/reviews/{assignment}", data={"scores.K1": "5", "action": "draft"})
    assert scores.status_code == 403
    assert await saved_scores(mine, assignment) == {}


async def test_reviewer_opening_the_data_section_lands_in_the_back_office(make_client):
    _rid, mine = await reviewer(make_client)
    page = await mine.get("/admin/data/")
    assert (page.status_code, page.headers["location"]) == (303, "/admin/")
    # Nothing of the Data section answers a reviewer: not its links, not its tables.
    assert (await mine.get("/admin/data/api/links/")).status_code == 403
    assert (await mine.get("/admin/data/api/tables/")).status_code == 403
