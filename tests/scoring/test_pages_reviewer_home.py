"""The reviewer's home (/admin/reviews): assignments by call with the review deadline, what is left,
what is overdue, pages; no link the reviewer cannot open; the conflict declaration names the
applicant, and a blind call hides it again everywhere after the declaration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.accounts.tables import Organisation
from grants.core.time import format_riga, now
from grants.scoring.pages import reviewer as reviewer_pages
from tests.factories.accounts import post_form
from tests.factories.applications import eligible_applications
from tests.factories.scoring import (
    assign,
    named_application,
    open_assignment,
    reference_of,
    reviewer,
    set_review_deadline,
)
from tests.html import attrs_of, definitions, links, table_rows, text_of, texts_of

pytestmark = pytest.mark.integration


def _section(html: str, call_id: int) -> str:
    """One call's part of the home page."""
    start = html.index(f'id="call-{call_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


async def test_home_groups_by_call_with_deadline_left_and_overdue(client, make_client):
    late_call, late = await eligible_applications(2, title="Bauskas konkurss")
    soon_call, soon = await eligible_applications(1, title="Cēsu konkurss")
    open_call, undated = await eligible_applications(1, title="Rīgas konkurss")
    rid, mine = await reviewer(make_client)
    other_id, _other = await reviewer(make_client)
    to_score = await assign(client, late_call, late[0], rid)
    to_declare = await assign(client, late_call, late[1], rid)
    await assign(client, late_call, late[1], other_id)  # someone else's: counted nowhere here
    done = await assign(client, soon_call, soon[0], rid)
    await assign(client, open_call, undated[0], rid)
    await open_assignment(mine, to_score)
    await open_assignment(mine, done)
    submitted = await post_form(
        mine,
        f"/admin/reviews/{done}",
        {"scores.K1": "5", "scores.K2": "5", "action": "submit", "confirm": "yes"},
    )
    assert submitted.status_code == 302
    passed, coming = now() - timedelta(days=1), now() + timedelta(days=5)
    await set_review_deadline(late_call, passed)
    await set_review_deadline(soon_call, coming)

    page = await mine.get("/admin/reviews")
    assert page.status_code == 200
    # Work left first, the nearest deadline first; a call without one after; a finished call last.
    assert texts_of(page.text, "h2") == ["Bauskas konkurss", "Rīgas konkurss", "Cēsu konkurss"]
    late_part = _section(page.text, late_call)
    assert (
        text_of(late_part, "[data-deadline]") == f"Review deadline: {format_riga(passed, 'en')} (Riga time)"
    )
    assert text_of(late_part, "[data-left]") == (
        "Left to do: 1 to declare, 1 to score. Submitted: 0. Conflict declared: 0."
    )
    assert text_of(late_part, "[data-overdue]") == "2 are overdue: the review deadline has passed."
    assert table_rows(late_part) == [
        [
            await reference_of(late[1]),
            "Piedzīvojumu nometne",
            "Waiting for your declaration overdue",
            "Declare whether you have a conflict of interest",
        ],
        [await reference_of(late[0]), "Piedzīvojumu nometne", "Open for scoring overdue", "Score and submit"],
    ]
    assert attrs_of(late_part, "tbody tr", "id") == [f"assignment-{to_declare}", f"assignment-{to_score}"]
    soon_part = _section(page.text, soon_call)
    assert (
        text_of(soon_part, "[data-deadline]") == f"Review deadline: {format_riga(coming, 'en')} (Riga time)"
    )
    assert text_of(soon_part, "[data-left]") == "Nothing left to do. Submitted: 1. Conflict declared: 0."
    assert text_of(soon_part, "[data-overdue]") is None
    assert [r[2] for r in table_rows(soon_part)] == ["Submitted"]
    undated_part = _section(page.text, open_call)
    assert text_of(undated_part, "[data-deadline]") == "Review deadline: no deadline set"
    assert text_of(undated_part, "[data-overdue]") is None  # no deadline, nothing overdue
    assert [r[2] for r in table_rows(undated_part)] == ["Waiting for your declaration"]


async def test_home_pages_when_long(client, make_client, monkeypatch):
    monkeypatch.setattr(reviewer_pages, "PER_PAGE", 2)  # the page size, so that three rows make two pages
    first_call, first = await eligible_applications(2, title="Pirmais konkurss")
    second_call, second = await eligible_applications(1, title="Otrais konkurss")
    rid, mine = await reviewer(make_client)
    for call_id, apps in ((first_call, first), (second_call, second)):
        for app in apps:
            await assign(client, call_id, app, rid)
    await set_review_deadline(first_call, now() + timedelta(days=1))
    await set_review_deadline(second_call, now() + timedelta(days=2))
    one = await mine.get("/admin/reviews")
    assert texts_of(one.text, "h2") == ["Pirmais konkurss"]
    assert len(table_rows(one.text)) == 2
    assert text_of(one.text, 'nav[aria-label="Pages"] span') == "Page 1 of 2"
    assert links(one.text, 'nav[aria-label="Pages"] a') == ["/admin/reviews?page=2"]
    two = await mine.get("/admin/reviews?page=2")
    assert texts_of(two.text, "h2") == ["Otrais konkurss"]
    assert [r[0] for r in table_rows(two.text)] == [await reference_of(second[0])]
    assert links(two.text, 'nav[aria-label="Pages"] a') == ["/admin/reviews?page=1"]
    # A call that goes on over the page break says so; a page past the last is the last.
    monkeypatch.setattr(reviewer_pages, "PER_PAGE", 1)
    continued = await mine.get("/admin/reviews?page=2")
    assert texts_of(continued.text, "h2") == ["Pirmais konkurss (continued)"]
    assert text_of(continued.text, "[data-left]") == (
        "Left to do: 2 to declare, 0 to score. Submitted: 0. Conflict declared: 0."
    )
    for odd in ("999", "abc", "0", "-1", "9" * 50):
        answer = await mine.get(f"/admin/reviews?page={odd}")
        assert answer.status_code == 200, odd
        expected = "Page 3 of 3" if odd == "999" else "Page 1 of 3"
        assert text_of(answer.text, 'nav[aria-label="Pages"] span') == expected, odd


async def test_reviewer_sees_no_link_they_cannot_open(client, make_client):
    call_id, apps = await eligible_applications(2)
    rid, mine = await reviewer(make_client)
    declare = await assign(client, call_id, apps[0], rid)
    scoring = await assign(client, call_id, apps[1], rid)
    await open_assignment(mine, scoring)
    home = await mine.get("/admin/reviews")
    assert texts_of(home.text, 'nav[aria-label="Back office"] a') == ["My reviews"]
    for path in ("/admin/reviews", f"/admin/reviews/{declare}", f"/admin/reviews/{scoring}"):
        page = await mine.get(path)
        assert page.status_code == 200, path
        for href in sorted(set(links(page.text))):
            if not href.startswith("/") or href.startswith("/lang/"):
                continue  # a fragment; the language switch (it only sets a cookie and goes back)
            opened = await mine.get(href, follow_redirects=True)
            assert opened.status_code == 200, f"{path} links to {href}: {opened.status_code}"


async def test_declaration_names_the_organisation_and_the_project(client, make_client):
    rid, mine = await reviewer(make_client)
    call_id, app_id = await named_application("Biedrība “Bauskas Jaunieši”")
    # Another organisation's application, given to nobody yet: never named here.
    await named_application("Biedrība “Cita Organizācija”")
    assignment = await assign(client, call_id, app_id, rid)
    number = (
        await Organisation.select(Organisation.registration_number)
        .where(Organisation.name == "Biedrība “Bauskas Jaunieši”")
        .first()
    )["registration_number"]
    page = await mine.get(f"/admin/reviews/{assignment}")
    assert page.status_code == 200
    assert definitions(page.text) == {
        "Organisation": "Biedrība “Bauskas Jaunieši”",
        "Registration number": number,
        "Project title": "Piedzīvojumu nometne",
    }
    assert texts_of(page.text, "h2") == ["Who applies", "What counts as a conflict of interest"]
    assert texts_of(page.text, "section li")[0] == (
        "are, or in the last three years were, a member, board member, employee or volunteer of the "
        "applying organisation or of a partner named in the application;"
    )
    assert "Blind review" not in page.text
    # Only who and what: the application's content waits for the answer, and no other applicant shows.
    for hidden in ("Cita Organizācija", "Nometnes vadītāji", "Zaļā Ozola", "Zalais-Ozols", "Anna Bērziņa"):
        assert hidden not in page.text, hidden


async def test_blind_call_names_the_applicant_only_on_the_declaration(client, make_client):
    name = "Biedrība “Slepenais Ozols”"
    rid, mine = await reviewer(make_client)
    call_id, app_id = await named_application(name, blind_review=True)
    first = await assign(client, call_id, app_id, rid)
    number = (
        await Organisation.select(Organisation.registration_number).where(Organisation.name == name).first()
    )["registration_number"]
    declaration = await mine.get(f"/admin/reviews/{first}")
    assert definitions(declaration.text)["Organisation"] == name
    assert definitions(declaration.text)["Registration number"] == number
    assert text_of(declaration.text, ".notice strong") == "Blind review"
    await open_assignment(mine, first)
    scoring = await mine.get(f"/admin/reviews/{first}")
    assert text_of(scoring.text, "strong") == "Blind review: the applicant is hidden"
    assert "Piedzīvojumu nometne" in texts_of(scoring.text, "dd")  # the project itself is there
    for secret in ("Slepenais Ozols", number, "Anna Bērziņa", "Zaļā Ozola", "Zalais-Ozols"):
        assert secret not in scoring.text, secret
    # A second reviewer who declares a conflict: the released page names neither who nor what.
    other_id, other = await reviewer(make_client)
    second = await assign(client, call_id, app_id, other_id)
    released = await post_form(
        other, f"/admin/reviews/{second}/conflict", {"conflict": "yes", "reason": "Radinieks"}
    )
    assert released.status_code == 302
    for path in (f"/admin/reviews/{second}", "/admin/reviews"):
        after = await other.get(path)
        for secret in ("Slepenais Ozols", number, "Piedzīvojumu nometne"):
            assert secret not in after.text, (path, secret)
    # Declaring again is refused with the released page, not the declaration's names.
    again = await post_form(other, f"/admin/reviews/{second}/conflict", {"conflict": "no"})
    assert again.status_code == 409
    assert text_of(again.text, "div.error-summary") == "The conflict of interest has been declared already."
    assert "Slepenais Ozols" not in again.text and "Piedzīvojumu nometne" not in again.text
