"""Municipalities (with mergers) and schools through the API."""

from __future__ import annotations

import pytest

from tests.factories.registry import CURRENT, FORMER

pytestmark = pytest.mark.integration


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
    response = await client.get("/api/registry/schools", params={"municipality": "LV-999"})
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
