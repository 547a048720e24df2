"""The staff's list of a call's applications (/admin/calls/{id}/applications) and its CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from grants.accounts.queries import load_principal
from grants.applications.queries import STAFF_PAGE_SIZE
from grants.applications.service import clarifications, drafts, submission
from grants.applications.tables import Application, Clarification
from grants.core.auth import Role
from grants.core.time import now, to_riga
from tests.conftest import DATABASE_LABEL
from tests.factories.accounts import login, make_user, registered
from tests.factories.applications import complete_application
from tests.factories.calls import call_payload
from tests.factories.registry import make_school
from tests.factories.scoring import principal_of
from tests.html import attrs_of, text_of, texts_of

pytestmark = pytest.mark.integration


async def _submitted(call_id: int, applicant, school: str, title: str) -> int:
    created = await drafts.create_draft(call_id, applicant, title)
    await drafts.update_application(created["id"], applicant, complete_application(school, title=title))
    await submission.submit(created["id"], applicant)
    return created["id"]


async def _applicant(name: str, municipality: str):
    user_id, organisation_id = await registered(name=name, municipality_code=municipality)
    return await load_principal(user_id), organisation_id


async def seeded() -> dict:
    """A call with three submitted applications and a draft: Alfa (LV-016, Misa's school) twice, one of
    them asked for a clarification already overdue; Beta (LV-022, a Cēsis school) once, asked for one
    due in three days; and a draft of Beta's. Another call gets an application of Alfa's."""
    from grants.calls import service as calls

    staff = await principal_of(await make_user(Role.staff))
    misa = await make_school("LV-016", "Misas pamatskola")
    cesis = await make_school("LV-022", "Cēsu Valsts ģimnāzija")
    call_id = await calls.create_call(
        call_payload(title="Saraksta konkurss", applications_per_organisation=3), staff
    )
    await calls.publish(call_id, staff)
    other_call = await calls.create_call(call_payload(title="Cits konkurss"), staff)
    await calls.publish(other_call, staff)
    alfa, alfa_id = await _applicant("Biedrība Alfa", "LV-016")
    beta, beta_id = await _applicant("Nodibinājums Beta", "LV-022")
    ids = {
        "camp": await _submitted(call_id, alfa, misa, "Piedzīvojumu nometne"),
        "theatre": await _submitted(call_id, beta, cesis, "Teātra darbnīca"),
        "hike": await _submitted(call_id, alfa, misa, "Pārgājiens"),
        "other": await _submitted(other_call, alfa, misa, "Citā konkursā"),
    }
    ids["draft"] = (await drafts.create_draft(call_id, beta, "Melnraksts"))["id"]
    asked = await clarifications.ask_clarification(
        ids["hike"], staff, "Precizējiet budžetu.", now() + timedelta(days=1)
    )
    await Clarification.update({Clarification.due_at: now() - timedelta(hours=2)}).where(
        Clarification.id == asked["id"]
    )
    await clarifications.ask_clarification(ids["theatre"], staff, "Kura skola?", now() + timedelta(days=3))
    refs = {
        key: (await Application.select(Application.reference).where(Application.id == value).first())[
            "reference"
        ]
        for key, value in ids.items()
    }
    return {"call": call_id, "ids": ids, "refs": refs, "alfa": alfa_id, "beta": beta_id, "misa": misa}


async def staff_client(make_client):
    client = make_client()
    await login(client, await make_user(Role.staff))
    return client


def references(html: str) -> list[str]:
    return texts_of(html, "#applications tbody tr td:first-child")


async def test_list_shows_the_submitted_applications_with_their_facts_and_no_draft(make_client):
    world = await seeded()
    client = await staff_client(make_client)
    response = await client.get(f"/admin/calls/{world['call']}/applications")
    assert response.status_code == 200
    html = response.text
    refs = world["refs"]
    assert references(html) == [refs["camp"], refs["theatre"], refs["hike"]]  # by submission time
    row = f"#app-{world['ids']['camp']}"
    assert texts_of(html, f"{row} td")[1:5] == [
        "Piedzīvojumu nometne",
        "Biedrība Alfa Bauskas novads",
        "€4,600.00",
        "Submitted",
    ]
    assert attrs_of(html, f"{row} td a", "href") == [f"/admin/applications/{world['ids']['camp']}"]
    hike = (
        await Application.select(Application.submitted_at)
        .where(Application.id == world["ids"]["hike"])
        .first()
    )
    assert to_riga(hike["submitted_at"]).strftime("%B") in text_of(
        html, f"#app-{world['ids']['hike']} td:nth-child(6)"
    )
    assert text_of(html, f"#app-{world['ids']['hike']} td:nth-child(5)") == "Clarification requested"
    assert text_of(html, f"#app-{world['ids']['hike']} td:nth-child(7) .tag") == "overdue"
    assert text_of(html, f"#app-{world['ids']['theatre']} td:nth-child(7) .tag") is None
    assert text_of(html, f"#app-{world['ids']['theatre']} td:nth-child(7)").startswith("due ")
    assert text_of(html, f"#app-{world['ids']['camp']} td:nth-child(7)") == "—"
    assert text_of(html, "#drafts") == "1 draft is being written and is not listed until it is submitted."
    assert "Melnraksts" not in html
    assert refs["other"] not in html  # another call's application
    assert attrs_of(html, 'nav.call-tabs a[aria-current="page"]', "href") == [
        f"/admin/calls/{world['call']}/applications"
    ]


async def test_list_filters_by_status_as_the_home_page_links_it(make_client):
    world = await seeded()
    client = await staff_client(make_client)
    response = await client.get(f"/admin/calls/{world['call']}/applications?status=clarification")
    assert references(response.text) == [world["refs"]["theatre"], world["refs"]["hike"]]
    assert text_of(response.text, "#summary").startswith("2 applications match.")


async def test_list_filter_by_organisation_shows_none_of_another_organisations(make_client):
    world = await seeded()
    client = await staff_client(make_client)
    response = await client.get(f"/admin/calls/{world['call']}/applications?organisation={world['beta']}")
    assert references(response.text) == [world["refs"]["theatre"]]
    assert "Biedrība Alfa" not in texts_of(response.text, "#applications td")
    assert "Piedzīvojumu nometne" not in response.text


async def test_list_filters_by_school_and_by_municipality(make_client):
    world = await seeded()
    client = await staff_client(make_client)
    from grants.registry.tables import School

    misa = await School.select(School.id).where(School.registration_number == world["misa"]).first()
    by_school = await client.get(f"/admin/calls/{world['call']}/applications?school={misa['id']}")
    assert references(by_school.text) == [world["refs"]["camp"], world["refs"]["hike"]]
    by_place = await client.get(f"/admin/calls/{world['call']}/applications?municipality=LV-022")
    assert references(by_place.text) == [world["refs"]["theatre"]]
    assert texts_of(by_place.text, "#f-municipality option") == [
        "Any municipality",
        "Bauskas novads",
        "Cēsu novads",
    ]


async def test_list_search_ignores_case_and_finds_reference_title_and_organisation(make_client):
    world = await seeded()
    client = await staff_client(make_client)
    base = f"/admin/calls/{world['call']}/applications?q="
    # PostgreSQL's ILIKE folds every letter's case; SQLite's LIKE only ASCII letters' (Ā stays Ā).
    unicode_case = [world["refs"]["theatre"]] if DATABASE_LABEL == "PostgreSQL" else []
    assert references((await client.get(base + "TEĀTRA")).text) == unicode_case
    assert references((await client.get(base + "DARBN")).text) == [world["refs"]["theatre"]]
    assert references((await client.get(base + "beta")).text) == [world["refs"]["theatre"]]
    assert references((await client.get(base + world["refs"]["hike"].lower())).text) == [
        world["refs"]["hike"]
    ]
    nothing = await client.get(base + "nav%20tāda")
    assert (
        text_of(nothing.text, "main p:not(.breadcrumb):not(#summary):not(.muted)")
        == "No submitted application matches."
    )


async def test_list_sorts_by_reference_descending_and_keeps_the_filter(make_client):
    world = await seeded()
    client = await staff_client(make_client)
    response = await client.get(
        f"/admin/calls/{world['call']}/applications?organisation={world['alfa']}&sort=-reference"
    )
    refs = world["refs"]
    assert references(response.text) == sorted([refs["camp"], refs["hike"]], reverse=True)
    assert attrs_of(response.text, "#applications th[aria-sort]", "aria-sort") == ["descending"]
    assert attrs_of(response.text, "#summary a[download]", "href") == [
        f"/admin/calls/{world['call']}/applications.csv?organisation={world['alfa']}&sort=-reference"
    ]


async def test_list_pages_fifty_at_a_time_with_links_that_keep_the_filters(make_client):
    from grants.calls import service as calls

    staff = await principal_of(await make_user(Role.staff))
    call_id = await calls.create_call(call_payload(applications_per_organisation=100), staff)
    await calls.publish(call_id, staff)
    applicant, _org = await _applicant("Biedrība Daudz", "LV-016")
    made = []
    for n in range(STAFF_PAGE_SIZE + 2):
        created = await drafts.create_draft(call_id, applicant, f"Projekts {n}")
        made.append(created["id"])
    # Submitted at once through the table: 52 complete drafts would take long through the service.
    moment = now()
    for n, application_id in enumerate(made):
        await Application.update(
            {Application.status: "submitted", Application.submitted_at: moment + timedelta(seconds=n)}
        ).where(Application.id == application_id)
    client = await staff_client(make_client)
    first = await client.get(f"/admin/calls/{call_id}/applications?q=projekts")
    assert len(references(first.text)) == STAFF_PAGE_SIZE
    assert text_of(first.text, "#summary").startswith(f"{STAFF_PAGE_SIZE + 2} applications match.")
    assert text_of(first.text, 'nav[aria-label="Pages"] span') == "Page 1 of 2"
    assert attrs_of(first.text, 'a[rel="next"]', "href") == [
        f"/admin/calls/{call_id}/applications?q=projekts&page=2"
    ]
    second = await client.get(f"/admin/calls/{call_id}/applications?q=projekts&page=2")
    assert texts_of(second.text, "#applications tbody td:nth-child(2)") == ["Projekts 50", "Projekts 51"]
    beyond = await client.get(f"/admin/calls/{call_id}/applications?q=projekts&page=99999999999")
    assert text_of(beyond.text, 'nav[aria-label="Pages"] span') == "Page 1 of 2"


async def test_csv_has_the_filtered_rows_in_euros_and_riga_time_safe_for_spreadsheets(make_client):
    world = await seeded()
    formula = '=HYPERLINK("http://example.com","x")'
    await Application.update({Application.title: formula}).where(Application.id == world["ids"]["camp"])
    client = await staff_client(make_client)
    response = await client.get(f"/admin/calls/{world['call']}/applications.csv?organisation={world['alfa']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    submitted = {
        r["id"]: to_riga(r["submitted_at"]).strftime("%Y-%m-%d %H:%M")
        for r in await Application.select(Application.id, Application.submitted_at).where(
            Application.id.is_in([world["ids"]["camp"], world["ids"]["hike"]])
        )
    }
    due = (
        await Clarification.select(Clarification.due_at)
        .where(Clarification.application == world["ids"]["hike"])
        .first()
    )
    org = (
        await Application.select(Application.organisation.registration_number.as_alias("n"))
        .where(Application.id == world["ids"]["camp"])
        .first()
    )
    assert rows == [
        [
            "Reference",
            "Title",
            "Organisation",
            "Registration number",
            "Municipality",
            "Status",
            "Requested amount (EUR)",
            "Submitted at (Riga time)",
            "Clarification due (Riga time)",
            "Clarification overdue",
        ],
        [
            world["refs"]["camp"],
            "'" + formula,
            "Biedrība Alfa",
            org["n"],
            "Bauskas novads",
            "Submitted",
            "4600.00",
            submitted[world["ids"]["camp"]],
            "",
            "",
        ],
        [
            world["refs"]["hike"],
            "Pārgājiens",
            "Biedrība Alfa",
            org["n"],
            "Bauskas novads",
            "Clarification requested",
            "4600.00",
            submitted[world["ids"]["hike"]],
            to_riga(due["due_at"]).strftime("%Y-%m-%d %H:%M"),
            "Yes",
        ],
    ]


async def test_list_and_csv_refuse_applicants_and_reviewers(make_client):
    world = await seeded()
    for role in (Role.applicant, Role.reviewer, Role.coordinator):
        client = make_client()
        await login(client, await make_user(role, "LV-016" if role == Role.coordinator else None))
        for path in ("applications", "applications.csv"):
            response = await client.get(f"/admin/calls/{world['call']}/{path}")
            assert (role.value, path, response.status_code) == (role.value, path, 403)
            assert "Piedzīvojumu nometne" not in response.text


async def test_list_of_a_missing_call_is_404_and_garbage_filters_are_ignored(make_client):
    world = await seeded()
    client = await staff_client(make_client)
    assert (await client.get("/admin/calls/2147483600/applications")).status_code == 404
    response = await client.get(
        f"/admin/calls/{world['call']}/applications?status=draft&organisation=x1&school=99999999999&sort=evil&page=-3"
    )
    assert response.status_code == 200
    assert references(response.text) == [
        world["refs"]["camp"],
        world["refs"]["theatre"],
        world["refs"]["hike"],
    ]
