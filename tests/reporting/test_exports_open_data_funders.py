"""Open data, issue 14: the funder is the call's municipality by its registration number (or, where
the registry has none, by its code), PuMPuRS is the grant programme, the identifiers' prefix is a
setting, and a held event counts only once staff accepted it."""

from __future__ import annotations

import dataclasses
import json

import pytest

from grants.registry.service import REGISTRATION_NUMBERS
from grants.registry.tables import Municipality
from grants.reporting.tables import EventReport
from grants.settings import get_settings, override_settings
from tests.factories import reporting_rows as data
from tests.reporting.test_exports_open_data import validator

pytestmark = pytest.mark.integration

URL = "/api/open-data/360giving.json"
PREFIX = "360G-pumpurs-"


@pytest.fixture(scope="module")
async def seeded(database) -> dict:
    """A Jūrmala call (the registry knows Jūrmala's registration number) with a project that held
    one accepted event in Krāslava, one waiting for review in Gulbene and one returned in Kuldīga;
    a Cēsu call (no number in the registry) with a project that planned nothing."""
    kraslava = await data.school("LV-047", "Krāslavas Valsts ģimnāzija")
    gulbene = await data.school("LV-033", "Gulbenes 2. vidusskola")
    kuldiga = await data.school("LV-050", "Kuldīgas Centra vidusskola")
    jurmala = await data.call("LV-JUR", title="Jūrmalas jauniešu iniciatīvas")
    held = await data.project(jurmala, planned=[])
    await data.event(held.award, kraslava, review="accepted")
    waiting = await data.event(held.award, gulbene, review="pending")
    await data.event(held.award, kuldiga, review="returned")
    cesis = await data.call("LV-022", title="Cēsu jauniešu iniciatīvas")
    plain = await data.project(cesis, planned=[])
    return {"held": held, "waiting": waiting, "plain": plain, "jurmala": jurmala, "gulbene": gulbene}


def grant_of(package: dict, reference: str, prefix: str = PREFIX) -> dict:
    return next(g for g in package["grants"] if g["id"] == prefix + reference)


async def test_registry_carries_jurmalas_registration_number(database):
    row = await Municipality.select(Municipality.registration_number).where(Municipality.code == "LV-JUR")
    assert row == [{"registration_number": "90000056357"}]
    assert REGISTRATION_NUMBERS == {"LV-JUR": "90000056357"}
    others = await Municipality.select(Municipality.code).where(
        (Municipality.registration_number != "") & (Municipality.code != "LV-JUR")
    )
    assert others == []  # no number we could not find in a municipality's own acts


async def test_funder_is_the_municipality_by_its_registration_number(client, seeded):
    package = (await client.get(URL)).json()
    grant = grant_of(package, seeded["held"].reference)
    assert grant["fundingOrganization"] == [{"id": PREFIX + "municipality-90000056357", "name": "Jūrmala"}]


async def test_funder_without_a_registration_number_falls_back_to_its_code(client, seeded):
    package = (await client.get(URL)).json()
    grant = grant_of(package, seeded["plain"].reference)
    assert grant["fundingOrganization"] == [{"id": PREFIX + "municipality-LV-022", "name": "Cēsu novads"}]
    assert sorted(validator().iter_errors(package), key=str) == []


async def test_grant_programme_names_pumpurs_then_the_call(client, seeded):
    package = (await client.get(URL)).json()
    grant = grant_of(package, seeded["held"].reference)
    assert grant["grantProgramme"] == [
        {
            "code": "PuMPuRS-8.3.4.0/16/I/001",
            "title": "PuMPuRS: Atbalsts priekšlaicīgas mācību pārtraukšanas samazināšanai "
            "(ESF projekts Nr. 8.3.4.0/16/I/001)",
            "url": "https://www.pumpurs.lv",
        },
        {
            "code": f"{PREFIX}call-{seeded['jurmala']}",
            "title": "Jūrmalas jauniešu iniciatīvas",
            "url": f"http://127.0.0.1:8000/results/calls/{seeded['jurmala']}",
        },
    ]
    rows = (await client.get("/api/open-data/360giving.csv")).text.splitlines()
    assert "PuMPuRS-8.3.4.0/16/I/001" in rows[1].split(",")


async def test_identifier_prefix_is_the_setting(client, seeded):
    before = get_settings()
    override_settings(dataclasses.replace(before, open_data_prefix="360G-example-"))
    try:
        response = await client.get(URL)
        page = await client.get("/open-data")
    finally:
        override_settings(before)
    package = response.json()
    grant = grant_of(package, seeded["held"].reference, prefix="360G-example-")
    assert grant["fundingOrganization"][0]["id"] == "360G-example-municipality-90000056357"
    assert grant["grantProgramme"][1]["code"] == f"360G-example-call-{seeded['jurmala']}"
    assert [g for g in package["grants"] if g["id"].startswith(PREFIX)] == []
    assert "360G-example-" in page.text
    default = (await client.get(URL)).json()
    assert grant_of(default, seeded["held"].reference)["id"] == PREFIX + seeded["held"].reference


async def test_only_accepted_events_count_as_beneficiary_locations(client, seeded):
    grant = grant_of((await client.get(URL)).json(), seeded["held"].reference)
    # Krāslava's event was accepted; Gulbene's waits for review, Kuldīga's was returned.
    assert [place["geoCode"] for place in grant["beneficiaryLocation"]] == ["LV-047"]
    text = json.dumps(grant, ensure_ascii=False)
    assert ("Gulbenes" in text, "Kuldīgas" in text) == (False, False)
    await EventReport.update({EventReport.review: "accepted"}).where(EventReport.id == seeded["waiting"])
    try:
        again = grant_of((await client.get(URL)).json(), seeded["held"].reference)
    finally:
        await EventReport.update({EventReport.review: "pending"}).where(EventReport.id == seeded["waiting"])
    assert [place["geoCode"] for place in again["beneficiaryLocation"]] == ["LV-033", "LV-047"]
