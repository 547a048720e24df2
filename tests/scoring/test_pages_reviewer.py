"""The reviewer's pages (/admin/reviews): own assignments only, the declaration first, blind calls,
the scoring form without JavaScript, locking on submit, other reviewers after one's own."""

from __future__ import annotations

import re

import pytest

from tests.factories.accounts import (
    post_form,
)
from tests.factories.applications import eligible_applications
from tests.factories.scoring import (
    assign,
    assignment_row,
    named_application,
    open_assignment,
    reference_of,
    reviewer,
    saved_scores,
)
from tests.html import (
    attrs_of,
    checked,
    field_error,
    input_value,
    notice,
    parse,
    table_rows,
    text_of,
    textarea_value,
    texts_of,
)

pytestmark = pytest.mark.integration


async def test_reviewer_sees_only_own_assignments(client, make_client):
    call_id, apps = await eligible_applications(2)
    (mine_id, mine), (theirs_id, _theirs) = await reviewer(make_client), await reviewer(make_client)
    own = await assign(client, call_id, apps[0], mine_id)
    other = await assign(client, call_id, apps[1], theirs_id)
    own_ref, their_ref = await reference_of(apps[0]), await reference_of(apps[1])
    page = await mine.get("/admin/reviews")
    assert page.status_code == 200
    [row] = table_rows(page.text)
    assert row == [
        own_ref,
        "Piedzīvojumu nometne",
        "Waiting for your declaration",
        "Declare whether you have a conflict of interest",
    ]
    assert text_of(page.text, f'a[href="/admin/reviews/{own}"]') == own_ref
    assert texts_of(page.text, "h2") == ["Jauniešu iniciatīvu projektu konkurss"]
    assert text_of(page.text, "[data-deadline]") == "Review deadline: no deadline set"
    assert their_ref not in page.text
    assert "Biedrība “Tests”" not in page.text  # the list names no organisation
    # Someone else's assignment is as missing as one that does not exist.
    assert (await mine.get(f"/admin/reviews/{other}")).status_code == 404
    assert (await post_form(mine, f"/admin/reviews/{other}/conflict", {"conflict": "no"})).status_code == 404
    assert (await assignment_row(other))["conflict"] is None


async def test_declaration_yes_releases_and_no_opens_the_form(client, make_client):
    call_id, apps = await eligible_applications(2)
    rid, mine = await reviewer(make_client)
    first, second = await assign(client, call_id, apps[0], rid), await assign(client, call_id, apps[1], rid)
    question = await mine.get(f"/admin/reviews/{first}")
    assert question.status_code == 200
    assert text_of(question.text, "legend") == "Do you have a conflict of interest with this application?"
    assert attrs_of(question.text, 'input[name="conflict"]', "value") == ["no", "yes"]
    assert text_of(question.text, "[data-project-title]") == "Piedzīvojumu nometne"
    assert "Nometnes vadītāji" not in question.text  # the application itself waits for the answer
    # Yes without a reason: 422 next to the reason, nothing recorded.
    refused = await post_form(mine, f"/admin/reviews/{first}/conflict", {"conflict": "yes", "reason": "  "})
    assert refused.status_code == 422
    assert field_error(refused.text, "reason") == "Say briefly what the conflict of interest is."
    assert checked(refused.text, "conflict", "yes")
    unanswered = await post_form(mine, f"/admin/reviews/{first}/conflict", {"reason": "Es nezinu"})
    assert unanswered.status_code == 422
    assert field_error(unanswered.text, "conflict") == "Answer yes or no."
    assert textarea_value(unanswered.text, "reason") == "Es nezinu"
    assert (await assignment_row(first))["conflict"] is None
    # Yes with a reason: released, back to the list with a note.
    reason = "Esmu biedrības valdes loceklis."
    released = await post_form(
        mine, f"/admin/reviews/{first}/conflict", {"conflict": "yes", "reason": reason}
    )
    assert released.status_code == 302
    assert released.headers["location"] == f"/admin/reviews?released={first}"
    row = await assignment_row(first)
    assert (row["status"], row["conflict"], row["conflict_reason"]) == ("coi_declared", "yes", reason)
    listing = await mine.get(released.headers["location"])
    ref = await reference_of(apps[0])
    assert (
        notice(listing.text)
        == f"You declared a conflict of interest with {ref}. The assignment is released and the programme staff see your declaration; they may give the application to another reviewer."
    )
    assert [r[2] for r in table_rows(listing.text)] == ["Waiting for your declaration", "Conflict declared"]
    assert [r[1] for r in table_rows(listing.text)] == ["Piedzīvojumu nometne", "—"]  # released: no title
    after = await mine.get(f"/admin/reviews/{first}")
    assert (
        "You declared a conflict of interest with this application, so it is not shown to you. The assignment is released and the programme staff see your declaration."
        in texts_of(after.text, "p")
    )
    assert "Nometnes vadītāji" not in after.text
    again = await post_form(mine, f"/admin/reviews/{first}/conflict", {"conflict": "no"})
    assert again.status_code == 409
    assert (await assignment_row(first))["status"] == "coi_declared"
    # No: the application and the scoring form open.
    await open_assignment(mine, second)
    opened = await mine.get(f"/admin/reviews/{second}?done=opened")
    assert notice(opened.text) == "You declared no conflict of interest. The application is open for scoring."
    assert "Nometnes vadītāji" in texts_of(opened.text, "td")
    assert (
        text_of(opened.text, 'button.button[type="submit"][name="action"][value="submit"]') == "Submit scores"
    )
    assert input_value(opened.text, "scores.K1") == ""
    points = parse(opened.text).find("input", attrs={"name": "scores.K1"})
    assert (points["type"], points["min"], points["max"], points["step"]) == ("number", "0", "10", "1")
    assert text_of(opened.text, '[id="f-scores.K1-hint"]') == "Weight 2 · 0 to 10 points · no minimum"
    assert (
        text_of(opened.text, '[id="f-scores.K2-hint"]')
        == "Weight 1 · 0 to 10 points · minimum 3 points: below it the application fails, whatever its total"
    )
    assert (await assignment_row(second))["conflict"] == "no"
    statuses = [r[2] for r in table_rows((await mine.get("/admin/reviews")).text)]
    assert statuses == ["Open for scoring", "Conflict declared"]


async def test_blind_call_hides_the_organisation_partners_and_file_names(client, make_client):
    name = "Biedrība “Zaļais Ozols Blind”"
    rid, mine = await reviewer(make_client)
    call_id, app_id = await named_application(name, blind_review=True)
    assignment = await assign(client, call_id, app_id, rid)
    await open_assignment(mine, assignment)
    page = await mine.get(f"/admin/reviews/{assignment}")
    assert page.status_code == 200
    assert text_of(page.text, "strong") == "Blind review: the applicant is hidden"
    for secret in ("Zaļais Ozols", "Zaļā Ozola", "Zalais-Ozols", "Ozol"):
        assert secret not in page.text
    assert "Attachment 1" in texts_of(page.text, "li > a[download]")
    assert "Nometnes vadītāji" in texts_of(page.text, "td")  # the project itself is there
    # The same application in an open call shows who applies: the page can tell them apart.
    open_call, open_app = await named_application(name)
    open_assignment_id = await assign(client, open_call, open_app, rid)
    await open_assignment(mine, open_assignment_id)
    shown = await mine.get(f"/admin/reviews/{open_assignment_id}")
    assert "Blind review" not in shown.text
    assert text_of(shown.text, "span.pre") == "Biedrība “Zaļais Ozols Blind”"
    assert "Zalais-Ozols-statuti.pdf" in texts_of(shown.text, "li > a[download]")


async def test_scoring_form_saves_a_draft_and_keeps_typed_values_on_422(client, make_client):
    call_id, apps = await eligible_applications(1)
    rid, mine = await reviewer(make_client)
    assignment = await assign(client, call_id, apps[0], rid)
    await open_assignment(mine, assignment)
    url = f"/admin/reviews/{assignment}"
    draft = await post_form(
        mine,
        url,
        {
            "scores.K1": "8",
            "comments.K1": "Skaidrs mērķis",
            "scores.K2": "",
            "comments.K2": "",
            "comment": "Vēl jāpārdomā budžets",
            "action": "draft",
        },
    )
    assert draft.status_code == 302
    assert draft.headers["location"] == f"{url}?done=saved"
    assert await saved_scores(mine, assignment) == {"K1": {"points": 8, "comment": "Skaidrs mērķis"}}
    page = await mine.get(draft.headers["location"])
    assert notice(page.text) == "Your draft is saved. You can come back and change it until you submit."
    assert (input_value(page.text, "scores.K1"), input_value(page.text, "scores.K2")) == ("8", "")
    assert textarea_value(page.text, "comments.K1") == "Skaidrs mērķis"
    assert textarea_value(page.text, "comment") == "Vēl jāpārdomā budžets"
    # Above the maximum: the service refuses, the page keeps what was typed.
    typed = {
        "scores.K1": "11",
        "comments.K1": "Pārāk augsti?",
        "scores.K2": "4",
        "comments.K2": "Tāme pietiekama",
        "comment": "Jauns kopvērtējums",
        "action": "draft",
    }
    over = await post_form(mine, url, typed)
    assert over.status_code == 422
    assert field_error(over.text, "scores.K1") == "Give 0 to 10 points."
    assert field_error(over.text, "scores.K2") is None
    assert (input_value(over.text, "scores.K1"), input_value(over.text, "scores.K2")) == ("11", "4")
    assert textarea_value(over.text, "comments.K1") == "Pārāk augsti?"
    assert textarea_value(over.text, "comments.K2") == "Tāme pietiekama"
    assert textarea_value(over.text, "comment") == "Jauns kopvērtējums"
    assert (
        text_of(over.text, '.error-summary a[href="#f-scores.K1"]')
        == "Criterion “Projekta atbilstība mērķim”: give 0 to 10 points."
    )
    # Not a number: refused next to the field, the text shown back as typed (not blanked).
    # Every problem at once: the number that is too high is named along with the letters.
    letters = await post_form(mine, url, typed | {"scores.K1": "abc", "scores.K2": "12"})
    assert letters.status_code == 422
    assert field_error(letters.text, "scores.K1") == "Enter a whole number from 0 to 10."
    assert field_error(letters.text, "scores.K2") == "Give 0 to 10 points."
    assert (input_value(letters.text, "scores.K1"), input_value(letters.text, "scores.K2")) == ("abc", "12")
    assert re.search(r'name="scores.K1" value="abc" type="text"', letters.text)
    assert textarea_value(letters.text, "comments.K2") == "Tāme pietiekama"
    # A comment without points would be dropped: the page says so instead.
    orphan = await post_form(mine, url, typed | {"scores.K1": "", "comments.K1": "Tikai komentārs"})
    assert orphan.status_code == 422
    assert field_error(orphan.text, "scores.K1") == "Give points as well, so that the comment can be saved."
    assert textarea_value(orphan.text, "comments.K1") == "Tikai komentārs"
    # None of the refused posts changed the saved draft.
    assert await saved_scores(mine, assignment) == {"K1": {"points": 8, "comment": "Skaidrs mērķis"}}
    assert (await assignment_row(assignment))["comment"] == "Vēl jāpārdomā budžets"


async def test_submit_needs_confirmation_and_every_criterion_then_locks(client, make_client):
    call_id, apps = await eligible_applications(1)
    rid, mine = await reviewer(make_client)
    assignment = await assign(client, call_id, apps[0], rid)
    await open_assignment(mine, assignment)
    url = f"/admin/reviews/{assignment}"
    complete = {"scores.K1": "7", "scores.K2": "6", "comments.K2": "Labi", "comment": "Atbalstāms"}
    unconfirmed = await post_form(mine, url, complete | {"action": "submit"})
    assert unconfirmed.status_code == 422
    assert field_error(unconfirmed.text, "confirm") == "Tick the box to confirm that the scores are final."
    assert input_value(unconfirmed.text, "scores.K2") == "6"
    assert (await assignment_row(assignment))["status"] == "pending"
    missing = await post_form(
        mine, url, complete | {"scores.K2": "", "comments.K2": "", "action": "submit", "confirm": "yes"}
    )
    assert missing.status_code == 422
    assert field_error(missing.text, "scores.K2") == "Score this criterion before submitting."
    assert checked(missing.text, "confirm", "yes")
    assert (await assignment_row(assignment))["status"] == "pending"
    done = await post_form(mine, url, complete | {"action": "submit", "confirm": "yes"})
    assert done.status_code == 302
    assert done.headers["location"] == f"{url}?done=submitted"
    assert (await assignment_row(assignment))["status"] == "submitted"
    page = await mine.get(done.headers["location"])
    assert (
        notice(page.text)
        == "Your scores are submitted. The other reviewers' scores are shown below once they submit."
    )
    assert '<form method="post" action="/admin/reviews/' not in page.text
    assert "Save draft" not in page.text
    assert table_rows(page.text.split('id="h-scores"')[1]) == [
        ["K1 Projekta atbilstība mērķim Weight 2 · 0 to 10 points · no minimum", "7", ""],
        [
            "K2 Budžeta pamatotība Weight 1 · 0 to 10 points · minimum 3 points: below it the application "
            "fails, whatever its total",
            "6",
            "Labi",
        ],
    ]
    listing = await mine.get("/admin/reviews")
    assert [r[2] for r in table_rows(listing.text)] == ["Submitted"]
    # Locked: a later post changes nothing.
    locked = await post_form(mine, url, {"scores.K1": "1", "scores.K2": "1", "action": "draft"})
    assert locked.status_code == 409
    assert text_of(locked.text, "div.error-summary") == "These scores can no longer be changed."
    assert await saved_scores(mine, assignment) == {
        "K1": {"points": 7, "comment": ""},
        "K2": {"points": 6, "comment": "Labi"},
    }
