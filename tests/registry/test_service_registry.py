"""Municipalities (with mergers) and schools, through the service, the API and the pages."""

from __future__ import annotations

import re

import pytest

from grants.registry import service
from grants.registry.service import import_schools, sync_municipalities
from grants.registry.tables import Municipality
from tests.factories.registry import registration_numbers, write_csv
from tests.html import text_of

pytestmark = pytest.mark.integration

ENGLISH = {"Accept-Language": "en"}

# DESIGN.md: the 7 state cities and the 35 novadi since the 2021 reform (Varakļāni merged in 2025).
CURRENT = {
    "LV-RIX": ("Rīga", "state_city"),
    "LV-DGV": ("Daugavpils", "state_city"),
    "LV-JEL": ("Jelgava", "state_city"),
    "LV-JUR": ("Jūrmala", "state_city"),
    "LV-LPX": ("Liepāja", "state_city"),
    "LV-REZ": ("Rēzekne", "state_city"),
    "LV-VEN": ("Ventspils", "state_city"),
    "LV-011": ("Ādažu novads", "novads"),
    "LV-002": ("Aizkraukles novads", "novads"),
    "LV-007": ("Alūksnes novads", "novads"),
    "LV-111": ("Augšdaugavas novads", "novads"),
    "LV-015": ("Balvu novads", "novads"),
    "LV-016": ("Bauskas novads", "novads"),
    "LV-022": ("Cēsu novads", "novads"),
    "LV-112": ("Dienvidkurzemes novads", "novads"),
    "LV-026": ("Dobeles novads", "novads"),
    "LV-033": ("Gulbenes novads", "novads"),
    "LV-041": ("Jelgavas novads", "novads"),
    "LV-042": ("Jēkabpils novads", "novads"),
    "LV-047": ("Krāslavas novads", "novads"),
    "LV-050": ("Kuldīgas novads", "novads"),
    "LV-052": ("Ķekavas novads", "novads"),
    "LV-054": ("Limbažu novads", "novads"),
    "LV-056": ("Līvānu novads", "novads"),
    "LV-058": ("Ludzas novads", "novads"),
    "LV-059": ("Madonas novads", "novads"),
    "LV-062": ("Mārupes novads", "novads"),
    "LV-067": ("Ogres novads", "novads"),
    "LV-068": ("Olaines novads", "novads"),
    "LV-073": ("Preiļu novads", "novads"),
    "LV-077": ("Rēzeknes novads", "novads"),
    "LV-080": ("Ropažu novads", "novads"),
    "LV-087": ("Salaspils novads", "novads"),
    "LV-088": ("Saldus novads", "novads"),
    "LV-089": ("Saulkrastu novads", "novads"),
    "LV-091": ("Siguldas novads", "novads"),
    "LV-094": ("Smiltenes novads", "novads"),
    "LV-097": ("Talsu novads", "novads"),
    "LV-099": ("Tukuma novads", "novads"),
    "LV-101": ("Valkas novads", "novads"),
    "LV-113": ("Valmieras novads", "novads"),
    "LV-106": ("Ventspils novads", "novads"),
}

# Former municipalities and the one each was merged into.
FORMER = {
    "LV-102": "LV-059",  # Varakļānu novads → Madonas novads, 2025-07-01
    "LV-105": "LV-016",  # Vecumnieku novads → Bauskas novads, 2021-07-01
    "LV-046": "LV-002",  # Kokneses novads → Aizkraukles novads
    "LV-069": "LV-041",  # Ozolnieku novads → Jelgavas novads
    "LV-107": "LV-042",  # Viesītes novads → Jēkabpils novads
}


def test_design_lists_seven_state_cities_and_thirty_five_novadi():
    kinds = [kind for _, kind in CURRENT.values()]
    assert (kinds.count("state_city"), kinds.count("novads")) == (7, 35)


async def test_municipalities_api_lists_every_current_municipality(client):
    response = await client.get("/api/registry/municipalities")
    assert response.status_code == 200
    rows = response.json()
    current = {row["code"]: (row["name"], row["kind"]) for row in rows if row["current"]}
    assert current == CURRENT
    assert {
        row["code"]: (row["valid_to"], row["successor_code"]) for row in rows if row["code"] in CURRENT
    } == dict.fromkeys(CURRENT, (None, None))
    assert {row["code"]: row["successor_code"] for row in rows if not row["current"]} == FORMER


async def test_municipalities_api_varaklani_merged_into_madona(client):
    response = await client.get("/api/registry/municipalities")
    varaklani = [row for row in response.json() if row["code"] == "LV-102"]
    assert varaklani == [
        {
            "code": "LV-102",
            "name": "Varakļānu novads",
            "kind": "novads",
            "valid_from": None,
            "valid_to": "2025-07-01",
            "successor_code": "LV-059",
            "current": False,
        }
    ]


async def test_municipalities_api_current_only_excludes_former(client):
    response = await client.get("/api/registry/municipalities", params={"current": "true"})
    assert response.status_code == 200
    rows = response.json()
    assert sorted(row["code"] for row in rows) == sorted(CURRENT)
    assert {row["current"] for row in rows} == {True}


async def test_municipalities_api_without_filter_includes_former(client):
    response = await client.get("/api/registry/municipalities", params={"current": "false"})
    assert sorted(row["code"] for row in response.json()) == sorted([*CURRENT, *FORMER])


async def test_sync_municipalities_again_changes_nothing(database):
    columns = (*service.MUNICIPALITY_COLUMNS,)
    before = await Municipality.select(*columns).order_by(Municipality.code)
    assert await sync_municipalities() == 0
    assert await Municipality.select(*columns).order_by(Municipality.code) == before
    assert len(before) == len(CURRENT) + len(FORMER)


async def test_resolve_current_follows_mergers(database):
    assert await service.resolve_current("LV-105") == "LV-016"
    assert await service.resolve_current("LV-102") == "LV-059"
    assert await service.resolve_current("LV-016") == "LV-016"
    assert await service.codes_merged_into("LV-016") == ["LV-016", "LV-105"]
    assert await service.codes_merged_into("LV-059") == ["LV-059", "LV-102"]


def test_successor_map_resolves_chains_and_survives_loops():
    rows = [
        {"code": "A", "successor_code": "B"},
        {"code": "B", "successor_code": "C"},
        {"code": "C", "successor_code": None},
        {"code": "X", "successor_code": "Y"},
        {"code": "Y", "successor_code": "X"},
    ]
    assert service.successor_map(rows) == {"A": "C", "B": "C", "C": "C", "X": "X", "Y": "Y"}


@pytest.fixture
async def schools(tmp_path, database):
    """Schools in Bauska (one registered under former Vecumnieki) and in Jelgava's novads."""
    numbers = registration_numbers(6)
    rows = {
        "misa": (numbers[0], "Misas pamatskola", "LV-016", "general", "2017-09-01", ""),
        "stelpe": (numbers[1], "Stelpes pamatskola", "LV-016", "general", "", ""),
        "vecumnieki": (numbers[2], "Vecumnieku vidusskola", "LV-105", "general", "2017-09-01", "2020-12-31"),
        "bauska_prof": (numbers[3], "Bauskas tehnikums", "LV-016", "vocational", "", ""),
        "garoza": (numbers[4], "Garozas pamatskola", "LV-041", "general", "2018-09-01", ""),
        "ozolnieki": (numbers[5], "Ozolnieku vidusskola", "LV-069", "general", "", ""),
    }
    report = await import_schools(write_csv(tmp_path / "schools.csv", list(rows.values())))
    assert (report.created, report.updated, report.unchanged, report.errors) == (6, 0, 0, [])
    return rows


def api_school(row: tuple[str, ...], pumpurs: bool) -> dict:
    number, name, code, kind, since, until = row
    return {
        "registration_number": number,
        "name": name,
        "municipality_code": code,
        "kind": kind,
        "pumpurs": pumpurs,
        "pumpurs_since": since or None,
        "pumpurs_until": until or None,
    }


def ours(rows: list[dict], schools: dict) -> list[dict]:
    """The test's own schools in a listing (other tests add schools of their own)."""
    numbers = {row[0] for row in schools.values()}
    return sorted((r for r in rows if r["registration_number"] in numbers), key=lambda r: r["name"])


async def test_schools_api_lists_exactly_the_municipalitys_schools(client, schools):
    response = await client.get("/api/registry/schools", params={"municipality": "LV-016"})
    assert response.status_code == 200
    assert ours(response.json(), schools) == [
        api_school(schools["bauska_prof"], pumpurs=False),
        api_school(schools["misa"], pumpurs=True),
        api_school(schools["stelpe"], pumpurs=False),
        api_school(schools["vecumnieki"], pumpurs=False),
    ]
    # Whoever else added schools: none of another municipality is listed here.
    assert {row["municipality_code"] for row in response.json()} <= {"LV-016", "LV-105"}


async def test_schools_api_other_municipality_gets_only_its_own(client, schools):
    response = await client.get("/api/registry/schools", params={"municipality": "LV-041"})
    assert ours(response.json(), schools) == [
        api_school(schools["garoza"], pumpurs=True),
        api_school(schools["ozolnieki"], pumpurs=False),
    ]
    assert {row["municipality_code"] for row in response.json()} <= {"LV-041", "LV-069"}


async def test_schools_api_former_municipality_code_lists_its_own_schools(client, schools):
    response = await client.get("/api/registry/schools", params={"municipality": "LV-105"})
    assert response.status_code == 200
    assert ours(response.json(), schools) == [api_school(schools["vecumnieki"], pumpurs=False)]


async def test_schools_api_without_filter_lists_every_school(client, schools):
    response = await client.get("/api/registry/schools")
    assert [row["registration_number"] for row in ours(response.json(), schools)] == [
        schools[key][0] for key in ("bauska_prof", "garoza", "misa", "ozolnieki", "stelpe", "vecumnieki")
    ]


async def test_schools_api_unknown_municipality_is_404(client, schools):
    response = await client.get("/api/registry/schools", params={"municipality": "LV-999"}, headers=ENGLISH)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "status_code": 404,
        "detail": "No municipality with the code LV-999",
        "extra": {},
    }


async def test_schools_api_unknown_municipality_in_latvian_keeps_the_shape(client, schools):
    response = await client.get("/api/registry/schools", params={"municipality": "LV-999"})
    body = response.json()
    assert (response.status_code, sorted(body), body["status_code"], body["extra"]) == (
        404,
        ["detail", "extra", "status_code"],
        404,
        {},
    )
    assert "LV-999" in body["detail"]


def table_rows(html: str) -> list[tuple[str, str]]:
    """(registration number, name cell text) of each school row of a registry page."""
    rows = re.findall(r"<tr>\s*<td>(\d{10})</td>\s*<td>(.*?)</td>", html, re.S)
    return [(number, " ".join(re.sub(r"<[^>]+>", "", cell).split())) for number, cell in rows]


async def test_municipality_page_lists_its_schools(client, schools):
    response = await client.get("/registry/LV-016", headers=ENGLISH)
    assert response.status_code == 200
    numbers = {row[0] for row in schools.values()}
    assert sorted(row for row in table_rows(response.text) if row[0] in numbers) == sorted(
        [
            (schools["misa"][0], "Misas pamatskola"),
            (schools["stelpe"][0], "Stelpes pamatskola"),
            (schools["bauska_prof"][0], "Bauskas tehnikums"),
            (schools["vecumnieki"][0], "Vecumnieku vidusskola (registered under Vecumnieku novads)"),
        ]
    )
    for key in ("garoza", "ozolnieki"):
        assert schools[key][0] not in response.text
        assert schools[key][1] not in response.text
    assert 'class="notice"' not in response.text  # a current municipality has no merger notice


async def test_municipality_page_of_former_municipality_points_to_successor(client, schools):
    response = await client.get("/registry/LV-102", headers=ENGLISH)
    assert response.status_code == 200
    notice = re.search(r'<div class="notice" role="status">(.*?)</div>', response.text, re.S)
    assert notice is not None
    assert " ".join(notice.group(1).split()) == (
        "<p>This municipality existed until Jul 1, 2025. "
        'It is now part of <a href="/registry/LV-059">Madonas novads</a>.</p>'
    )


async def test_municipality_page_of_former_municipality_in_latvian_links_successor(client, schools):
    response = await client.get("/registry/LV-102")
    assert response.status_code == 200
    notice = re.search(r'<div class="notice" role="status">(.*?)</div>', response.text, re.S)
    assert notice is not None
    assert re.findall(r'<a href="([^"]*)">([^<]*)</a>', notice.group(1)) == [
        ("/registry/LV-059", "Madonas novads")
    ]


async def test_municipality_page_unknown_code_is_404(client):
    response = await client.get("/registry/LV-999", headers=ENGLISH)
    assert response.status_code == 404
    assert text_of(response.text, "p") == "This page does not exist, or it is not visible to you."
