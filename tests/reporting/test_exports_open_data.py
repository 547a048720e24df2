"""Open data: the 360Giving package validates against the official schema, carries every funded
project and nothing else, with exact amounts; the CSV says the same; both are cacheable."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from grants.awards.tables import Award
from grants.reporting.exports.open_data import PROGRAMME_CODE, PROGRAMME_TITLE
from grants.settings import PROJECT_ROOT
from tests.factories import reporting_rows as data
from tests.html import links

pytestmark = pytest.mark.integration

IDENTIFIER_PREFIX = "360G-pumpurs-"  # the OPEN_DATA_PREFIX setting's default
# Beside the project (../shared/360giving); SCHEMA_360GIVING_DIR names it for a checkout elsewhere
# (a git worktree).
SCHEMA_DIR = Path(os.environ.get("SCHEMA_360GIVING_DIR") or PROJECT_ROOT.parent / "shared" / "360giving")
PACKAGE_SCHEMA = SCHEMA_DIR / "360-giving-package-schema.json"
GRANT_SCHEMA = SCHEMA_DIR / "360-giving-schema.json"


def validator():
    """The package schema, its reference to the grant schema (by a 1.4.2 URL, while the grant
    schema's own $id says 1.4.3) mapped to the local file; formats checked, as the schema's
    oneOf between date-time and a plain date needs."""
    if not (PACKAGE_SCHEMA.exists() and GRANT_SCHEMA.exists()):
        pytest.skip(f"the official 360Giving schema is not in {SCHEMA_DIR} (see its README.md)")
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    package = json.loads(PACKAGE_SCHEMA.read_text())
    grant = json.loads(GRANT_SCHEMA.read_text())
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [(grant["$id"], resource), (package["properties"]["grants"]["items"]["$ref"], resource)]
    )
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


@pytest.fixture(scope="module")
async def seeded(database) -> dict:
    """Funded projects of a Smiltene call: one reaching a school of Koknese (merged into Aizkraukle)
    and one in Smiltene, one with no school at all; a declined award and an application that was
    not awarded."""
    koknese = await data.school("LV-046", "Bebru pamatskola")
    smiltene = await data.school("LV-094", "Smiltenes vidusskola")
    call = await data.call("LV-094", title="Smiltenes jauniešu iniciatīvas")
    org = await data.organisation("Biedrība “Ziemeļvidzeme”", "LV-094")
    odd = await data.project(
        call,
        org,
        amount_cents=123_405,
        planned=[koknese, smiltene],
        decided_at=datetime(2026, 3, 31, 21, 30, tzinfo=UTC),  # 1 April in Riga
        title="=Formula project",
        summary="-Skolēnu pašpārvalžu forums",
    )
    await data.payment(odd.award, 111_065, paid_on=date(2026, 4, 15))
    await data.payment(odd.award, 12_340, kind="final")  # due, not paid
    bare = await data.project(call, amount_cents=460_000, planned=[], summary="", start=None, end=None)
    declined = await data.project(call, status="declined", title="Atteiktā iniciatīva", planned=[smiltene])
    await data.unawarded(
        call, await data.organisation("Biedrība “Nav atbalstīta”"), "Neatbalstītais projekts"
    )
    return {"odd": odd, "bare": bare, "declined": declined, "schools": (koknese, smiltene), "call": call}


def by_id(grants: list[dict]) -> dict[str, dict]:
    return {g["id"]: g for g in grants}


async def test_package_validates_against_the_official_schema(client, seeded):
    check = validator()
    response = await client.get("/api/open-data/360giving.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    package = response.json()
    assert sorted(check.iter_errors(package), key=str) == []
    broken = json.loads(response.text)
    del broken["grants"][0]["currency"]
    assert [e.validator for e in check.iter_errors(broken)] != []  # the validator does catch a hole


async def test_package_holds_every_funded_project_and_nothing_else(client, seeded):
    package = (await client.get("/api/open-data/360giving.json")).json()
    live = await Award.select(Award.application.reference.as_alias("reference")).where(
        (Award.status != "declined")
        # not waiting for national approval (other tests' awards in the same database may be)
        & ((Award.status != "awarded") | (Award.call.requires_approval == False))  # noqa: E712
    )
    assert sorted(g["id"] for g in package["grants"]) == sorted(
        IDENTIFIER_PREFIX + r["reference"] for r in live
    )
    text = json.dumps(package, ensure_ascii=False)
    for leak in (
        "Atteiktā iniciatīva",
        seeded["declined"].reference,
        "Neatbalstītais projekts",
        "Nav atbalstīta",
    ):
        assert leak not in text


async def test_grant_fields_follow_the_standard(client, seeded):
    response = await client.get("/api/open-data/360giving.json")
    # Read numbers as Decimal: 1234.05 must be exactly 1234.05, as written from the cents.
    grants = by_id(json.loads(response.text, parse_float=Decimal)["grants"])
    odd, bare = seeded["odd"], seeded["bare"]
    grant = grants[IDENTIFIER_PREFIX + odd.reference]
    assert grant == {
        "id": IDENTIFIER_PREFIX + odd.reference,
        "title": "=Formula project",
        "description": "-Skolēnu pašpārvalžu forums",
        "currency": "EUR",
        "amountAwarded": Decimal("1234.05"),
        "amountDisbursed": Decimal("1110.65"),
        "awardDate": "2026-04-01",
        "url": f"http://127.0.0.1:8000/results/projects/{odd.award}",
        "recipientOrganization": [
            {"id": "LV-RE-" + odd.organisation["registration_number"], "name": "Biedrība “Ziemeļvidzeme”"}
        ],
        "fundingOrganization": [
            {"id": IDENTIFIER_PREFIX + "municipality-LV-094", "name": "Smiltenes novads"}
        ],
        "grantProgramme": [
            {"code": PROGRAMME_CODE, "title": PROGRAMME_TITLE, "url": "https://www.pumpurs.lv"},
            {
                "code": f"{IDENTIFIER_PREFIX}call-{seeded['call']}",
                "title": "Smiltenes jauniešu iniciatīvas",
                "url": f"http://127.0.0.1:8000/results/calls/{seeded['call']}",
            },
        ],
        # Koknese's school counts under Aizkraukle today; the locations follow the schools.
        "beneficiaryLocation": [
            {
                "name": "Aizkraukles novads",
                "countryCode": "LV",
                "geoCode": "LV-002",
                "geoCodeType": "ISO 3166-2",
            },
            {
                "name": "Smiltenes novads",
                "countryCode": "LV",
                "geoCode": "LV-094",
                "geoCodeType": "ISO 3166-2",
            },
        ],
        "plannedDates": [{"startDate": "2026-04-01", "endDate": "2026-12-31"}],
    }
    assert '"amountAwarded":1234.05,' in response.text
    plain = grants[IDENTIFIER_PREFIX + bare.reference]
    assert "plannedDates" not in plain
    assert plain["description"] == plain["title"]  # the schema requires one; the summary was empty
    assert plain["beneficiaryLocation"] == [
        {"name": "Smiltenes novads", "countryCode": "LV", "geoCode": "LV-094", "geoCodeType": "ISO 3166-2"}
    ]
    assert (plain["amountAwarded"], plain["amountDisbursed"]) == (Decimal("4600.00"), Decimal("0.00"))


async def test_csv_says_the_same_with_360giving_column_titles(client, seeded):
    package = by_id((await client.get("/api/open-data/360giving.json")).json()["grants"])
    response = await client.get("/api/open-data/360giving.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    head = list(rows[0])
    assert head[:17] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Amount Disbursed",
        "Award Date",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Grant Programme:Code",
        "Grant Programme:Title",
        "Grant Programme:URL",
        "URL",
    ]
    assert head[17:25] == [
        f"Beneficiary Location:{n}:{t}"
        for n in (0, 1)
        for t in ("Name", "Country Code", "Geographic Code", "Geographic Code Type")
    ]
    assert len(rows) == len(package)
    odd = next(r for r in rows if r["Identifier"] == IDENTIFIER_PREFIX + seeded["odd"].reference)
    grant = package[odd["Identifier"]]
    assert (odd["Title"], odd["Description"]) == ("'=Formula project", "'-Skolēnu pašpārvalžu forums")
    assert (odd["Amount Awarded"], odd["Amount Disbursed"], odd["Award Date"]) == (
        "1234.05",
        "1110.65",
        "2026-04-01",
    )
    assert odd["Recipient Org:Identifier"] == grant["recipientOrganization"][0]["id"]
    assert [odd[f"Beneficiary Location:{n}:Geographic Code"] for n in (0, 1)] == ["LV-002", "LV-094"]
    bare = next(r for r in rows if r["Identifier"] == IDENTIFIER_PREFIX + seeded["bare"].reference)
    assert (bare["Planned Dates:Start Date"], bare["Beneficiary Location:1:Name"]) == ("", "")


async def test_open_data_is_cacheable_with_an_etag(client, seeded):
    for url in ("/api/open-data/360giving.json", "/api/open-data/360giving.csv"):
        first = await client.get(url)
        assert first.headers["cache-control"] == "public, max-age=3600"
        assert "set-cookie" not in first.headers
        tag = first.headers["etag"]
        again = await client.get(url, headers={"If-None-Match": tag})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
        stale = await client.get(url, headers={"If-None-Match": '"something-else"'})
        assert (stale.status_code, stale.content) == (200, first.content)


async def test_open_data_page_links_both_files(client):
    page = await client.get("/open-data")
    assert page.status_code == 200
    assert {"/api/open-data/360giving.json", "/api/open-data/360giving.csv"} <= set(links(page.text))
