"""The evaluation committee's protocol (issue 14): a printable page and an XLSX workbook in Latvian,
whatever the interface language, with the call, the committee and its conflict declarations, each
member's points per criterion, the marks, pass or fail with the failing rule, the ranking, the
decision and the national approval."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from piccolo.apps.user.tables import BaseUser

from grants.applications.tables import Application
from grants.awards.tables import Award, DecisionReview
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.scoring import service
from grants.scoring.queries.progress import display_name
from tests.factories.accounts import login, make_user
from tests.factories.applications import eligible_applications
from tests.factories.scoring import new_reviewer, principal_of, reference_of
from tests.html import parse, text_of, texts_of

pytestmark = pytest.mark.integration


async def label_of(user_id: int) -> str:
    row = await BaseUser.select(BaseUser.email, BaseUser.first_name, BaseUser.last_name).where(
        BaseUser.id == user_id
    )
    return display_name(row[0])


@pytest.fixture(scope="module")
async def committee(database) -> dict:
    """Three applications of a Bauskas novads call (threshold 15; K1 weighs 2, K2 has a minimum of 3).
    Two reviewers score the first two; a third declares a conflict with the first. The first passes
    (15.50) and is awarded; the second reaches 20 but K2's mark of 2 lies below its minimum and it is
    rejected; the third is not eligible (A1). National staff approved the decision."""
    call_id, apps = await eligible_applications(3, score_threshold="15")
    staff = await principal_of(await make_user(Role.staff))
    first_id, first = await new_reviewer()
    second_id, second = await new_reviewer()
    third_id, third = await new_reviewer()
    sheets = {
        apps[0]: ({"K1": 5, "K2": 5}, {"K1": 6, "K2": 4}),
        apps[1]: ({"K1": 9, "K2": 2}, {"K1": 9, "K2": 2}),
    }
    for app, (one, two) in sheets.items():
        for reviewer_id, reviewer, points in ((first_id, first, one), (second_id, second, two)):
            assignment = await service.assign(call_id, app, reviewer_id, staff)
            await service.declare_conflict(assignment, reviewer, False, "")
            await service.save_scores(assignment, reviewer, points, {}, "", True)
    conflicted = await service.assign(call_id, apps[0], third_id, staff)
    await service.declare_conflict(conflicted, third, True, "Esmu biedrības valdes loceklis")
    await service.check_eligibility(apps[2], staff, {"A1": False}, "Komersants")
    await Application.update({Application.status: "awarded"}).where(Application.id == apps[0])
    await Application.update({Application.status: "rejected"}).where(Application.id == apps[1])
    await Award.insert(Award(call=call_id, application=apps[0], amount_cents=460_000))
    await Call.update({Call.requires_approval: True, Call.status: "decided"}).where(Call.id == call_id)
    await DecisionReview.insert(
        DecisionReview(
            call=call_id,
            outcome="approved",
            comment="Saskaņots",
            awards=1,
            decided_at=datetime(2026, 6, 10, 9, tzinfo=UTC),
            decided_by=staff.user_id,
        )
    )
    return {
        "call": call_id,
        "apps": apps,
        "references": [await reference_of(a) for a in apps],
        "members": [await label_of(i) for i in (first_id, second_id, third_id)],
        "approver": await label_of(staff.user_id),
    }


async def staff_client(make_client):
    client = make_client()  # English interface: the protocol is Latvian all the same
    await login(client, await make_user(Role.staff))
    return client


async def test_protocol_page_shows_the_committee_points_rules_and_decision_in_latvian(make_client, committee):
    client = await staff_client(make_client)
    response = await client.get(f"/admin/calls/{committee['call']}/protocol")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    first, second, third = committee["members"]
    refs = committee["references"]
    assert text_of(html, "h1") == "Vērtēšanas komisijas protokols"
    facts = dict(zip(texts_of(html, "table.facts th"), texts_of(html, "table.facts td"), strict=True))
    assert facts["Pašvaldība"] == "Bauskas novads"
    assert facts["Slieksnis (punkti)"] == "15,00"
    assert facts["Pieteikuma vērtējums"] == "vidējais aritmētiskais"
    assert facts["Budžets"] == "13\xa0800,00\xa0€"  # the site's money format (core.money.display_cents)
    assert facts["Kvota (finansējamo projektu skaits)"] == "3"
    assert facts["Nepieciešams valsts saskaņojums"] == "Jā"
    rows = [
        [td.get_text(strip=True) for td in tr.select("td")]
        for tr in parse(html).select("table.committee tbody tr")
    ]
    assert sorted(rows) == sorted(
        [
            [first, refs[0], "Nav interešu konflikta"],
            [first, refs[1], "Nav interešu konflikta"],
            [second, refs[0], "Nav interešu konflikta"],
            [second, refs[1], "Nav interešu konflikta"],
            [third, refs[0], "Deklarēts interešu konflikts: Esmu biedrības valdes loceklis"],
        ]
    )
    points = [
        [td.get_text(strip=True) for td in tr.select("td")]
        for tr in parse(html).select("table.points tbody tr")
    ]
    assert sorted(points) == sorted(
        [
            [refs[0], first, "5", "5"],
            [refs[0], second, "6", "4"],
            [refs[1], first, "9", "2"],
            [refs[1], second, "9", "2"],
        ]
    )
    ranking = {
        tr["data-application"]: [td.get_text(strip=True) for td in tr.select("td")]
        for tr in parse(html).select("table.ranking tbody tr")
    }
    apps = committee["apps"]
    # The ranking's order: 20.00 (failed) before 15.50 (passed); the ineligible one without a rank.
    assert list(ranking) == [str(apps[1]), str(apps[0]), str(apps[2])]
    assert ranking[str(apps[1])][0:2] == ["1", refs[1]]
    assert ranking[str(apps[1])][3:] == [
        "20,00",
        "9,00",
        "2,00",
        "Neizturēja vērtēšanu",
        "Kritērijs K2: 2,00 ir zem minimālā punktu skaita 3",
        "Noraidīts",
    ]
    assert ranking[str(apps[0])][3:] == [
        "15,50",
        "5,50",
        "4,50",
        "Izturēja vērtēšanu",
        "",
        "Piešķirti 4\xa0600,00\xa0€",
    ]
    assert ranking[str(apps[2])][0] == "—"
    assert ranking[str(apps[2])][-3:] == [
        "Neatbilstošs",
        "Neatbilst kritērijam: A1 Iesniedzējs ir biedrība vai nodibinājums",
        "Neatbilstošs",
    ]
    national = texts_of(html, "ul.national li")
    assert len(national) == 1 and national[0].endswith(
        f" — Saskaņoja {committee['approver']}. Komentārs: Saskaņots"
    )
    assert "((" not in national[0] and "))" not in national[0]
    # Every table scrolls inside its own labelled region (390 px wide screens).
    tables = parse(html).select("article.protocol table")
    assert len(tables) == 5
    for table in tables:
        region = table.parent
        assert region.name == "div" and region["class"] == ["table-scroll"]
        assert (region["tabindex"], region["role"]) == ("0", "region")
        assert table.select_one("caption")["id"] == region["aria-labelledby"]  # named apart from its section
    # Room for each committee member's signature at the end of the document.
    signatures = texts_of(html, "ul.signatures .signature-name")
    assert sorted(signatures) == sorted(m.split(" (")[0] for m in committee["members"])
    assert len(parse(html).select("ul.signatures .signature-line")) == 3
    assert f'href="/admin/calls/{committee["call"]}/protocol.xlsx"' in html


async def test_protocol_xlsx_holds_the_page_in_six_sheets_with_numbers_as_numbers(make_client, committee):
    client = await staff_client(make_client)
    response = await client.get(f"/admin/calls/{committee['call']}/protocol.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"] == (
        f'attachment; filename="protokols-BAU-{committee["call"]}.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Konkurss",
        "Kritēriji",
        "Komisija",
        "Punkti",
        "Rangs un lēmums",
        "Valsts līmeņa saskaņošana",
    ]
    facts = {row[0].value: row[1] for row in book["Konkurss"].iter_rows()}
    assert facts["Pašvaldība"].value == "Bauskas novads"
    assert (facts["Budžets"].value, facts["Budžets"].number_format) == (13800, "#,##0.00 €")
    assert facts["Kvota (finansējamo projektu skaits)"].value == 3
    assert (facts["Slieksnis (punkti)"].value, facts["Slieksnis (punkti)"].number_format) == (15, "0.00")
    assert facts["Nepieciešams valsts saskaņojums"].value == "Jā"
    assert book["Konkurss"].column_dimensions["A"].width >= len("Kvota (finansējamo projektu skaits)")
    criteria = list(book["Kritēriji"].iter_rows(values_only=True))
    assert criteria[0] == ("Kods", "Kritērijs", "Maksimālais punktu skaits", "Svars", "Minimālie punkti")
    assert [row[0] for row in criteria[1:]] == ["A1", "K1", "K2"]
    assert criteria[1][2] == "Atbilstība (jā vai nē)"
    assert (criteria[2][2], criteria[2][3], criteria[3][4]) == (10, 2, 3)
    first, second, third = committee["members"]
    refs, apps = committee["references"], committee["apps"]
    committee_rows = list(book["Komisija"].iter_rows(values_only=True))
    assert committee_rows[0] == ("Komisijas loceklis", "Pieteikums", "Deklarācija")
    assert (third, refs[0], "Deklarēts interešu konflikts: Esmu biedrības valdes loceklis") in committee_rows
    points = list(book["Punkti"].iter_rows(values_only=True))
    assert points[0] == ("Pieteikums", "Komisijas loceklis", "K1", "K2")
    assert sorted(points[1:]) == sorted(
        [(refs[0], first, 5, 5), (refs[0], second, 6, 4), (refs[1], first, 9, 2), (refs[1], second, 9, 2)]
    )
    sheet = book["Rangs un lēmums"]
    ranking = list(sheet.iter_rows(values_only=True))
    assert ranking[0] == (
        "Rangs",
        "Pieteikums",
        "Organizācija",
        "Vērtējums",
        "K1",
        "K2",
        "Rezultāts",
        "Neizpildītais nosacījums",
        "Lēmums",
        "Piešķirtā summa",
    )
    assert [r[1] for r in ranking[1:]] == [refs[1], refs[0], refs[2]]
    assert ranking[1][0] == 1 and ranking[1][3:] == (
        20,
        9,
        2,
        "Neizturēja vērtēšanu",
        "Kritērijs K2: 2,00 ir zem minimālā punktu skaita 3",
        "Noraidīts",
        None,
    )
    assert ranking[2][3:] == (
        15.5,
        5.5,
        4.5,
        "Izturēja vērtēšanu",
        None,
        "Piešķirti 4\xa0600,00\xa0€",
        4600,
    )
    score, amount = sheet.cell(row=3, column=4), sheet.cell(row=3, column=10)
    assert (type(score.value), score.number_format) == (float, "0.00")
    assert (type(amount.value), amount.number_format) == (int, "#,##0.00 €")
    assert ranking[3][0] is None and ranking[3][-2:] == ("Neatbilstošs", None)
    national = list(book["Valsts līmeņa saskaņošana"].iter_rows(values_only=True))
    assert national[0] == ("Laiks", "Lēmums", "Valsts līmeņa darbinieks", "Komentārs")
    assert national[1][1:] == ("Saskaņots", committee["approver"], "Saskaņots")
    assert national[1][0] == "2026. gada 10. jūnijs 12:00"
    assert apps  # the ids behind the references above


async def test_protocol_is_for_staff_only(make_client, committee):
    anonymous = await make_client().get(f"/admin/calls/{committee['call']}/protocol")
    assert anonymous.status_code in (302, 303, 401)
    reviewer = make_client()
    await login(reviewer, await make_user(Role.reviewer))
    for path in ("protocol", "protocol.xlsx"):
        refused = await reviewer.get(f"/admin/calls/{committee['call']}/{path}")
        assert refused.status_code == 403
        assert "Esmu biedrības valdes loceklis" not in refused.text


async def test_protocol_of_a_missing_call_is_404(make_client):
    client = await staff_client(make_client)
    assert (await client.get("/admin/calls/999999/protocol")).status_code == 404
    assert (await client.get("/admin/calls/999999/protocol.xlsx")).status_code == 404
