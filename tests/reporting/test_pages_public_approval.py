"""A decision that waits for national approval is not final: its awards (status awarded in a call
that requires approval) stay out of the public results, the public project page and the open data
until national staff approve them; then they appear. Awards of calls without approval are public
as soon as they are made."""

from __future__ import annotations

import json

import pytest

from grants.awards.tables import Award
from grants.calls.tables import Call
from grants.core.time import now
from tests.factories import reporting_rows as data

pytestmark = pytest.mark.integration


async def waiting_call(title: str) -> tuple[int, data.Project]:
    """A decided call that requires national approval, with one award not approved yet."""
    call = await data.call("LV-089", title=title)
    await Call.update({Call.requires_approval: True}).where(Call.id == call)
    # Decided now: the newest decision, on the first page of /results/projects were it public.
    project = await data.project(call, status="awarded", title=f"{title}: projekts", decided_at=now())
    return call, project


async def public_texts(client, call: int, award: int) -> dict[str, object]:
    return {
        "results": (await client.get("/results")).text,
        "call": await client.get(f"/results/calls/{call}"),
        "projects": (await client.get("/results/projects")).text,
        "project": await client.get(f"/results/projects/{award}"),
        "open_data": (await client.get("/api/open-data/360giving.json")).json(),
        "csv": (await client.get("/api/open-data/360giving.csv")).text,
    }


async def test_an_award_waiting_for_approval_is_nowhere_public(client):
    call, waiting = await waiting_call("Saulkrastu gaidošais konkurss")
    seen = await public_texts(client, call, waiting.award)
    assert "Saulkrastu gaidošais konkurss" not in seen["results"]
    assert seen["call"].status_code == 404
    assert waiting.title not in seen["projects"] and waiting.reference not in seen["projects"]
    assert seen["project"].status_code == 404
    assert waiting.reference not in json.dumps(seen["open_data"], ensure_ascii=False)
    assert waiting.reference not in seen["csv"]
    assert waiting.organisation["name"] not in seen["projects"] + seen["csv"]


async def test_the_award_appears_once_approved(client):
    call, award = await waiting_call("Saulkrastu saskaņotais konkurss")
    await Award.update({Award.status: "approved"}).where(Award.id == award.award)
    seen = await public_texts(client, call, award.award)
    assert "Saulkrastu saskaņotais konkurss" in seen["results"]
    assert seen["call"].status_code == 200 and award.title in seen["call"].text
    assert seen["project"].status_code == 200 and award.title in seen["project"].text
    ids = [g["id"] for g in seen["open_data"]["grants"]]
    assert sum(1 for i in ids if i.endswith(award.reference)) == 1


async def test_an_award_of_a_call_without_approval_is_public_at_once(client):
    call = await data.call("LV-089", title="Saulkrastu konkurss bez saskaņošanas")
    award = await data.project(call, status="awarded", title="Tūlīt redzamais projekts")
    seen = await public_texts(client, call, award.award)
    assert seen["call"].status_code == 200 and "Tūlīt redzamais projekts" in seen["call"].text
    assert seen["project"].status_code == 200
    assert award.reference in json.dumps(seen["open_data"], ensure_ascii=False)


async def test_a_later_award_waits_while_the_approved_ones_stay_public(client):
    call, first = await waiting_call("Saulkrastu papildinātais konkurss")
    await Award.update({Award.status: "approved"}).where(Award.id == first.award)
    later = await data.project(call, status="awarded", title="Rezerves saraksta projekts")
    seen = await public_texts(client, call, later.award)
    assert seen["call"].status_code == 200
    assert first.title in seen["call"].text and "Rezerves saraksta projekts" not in seen["call"].text
    assert seen["project"].status_code == 404
    assert later.reference not in json.dumps(seen["open_data"], ensure_ascii=False)
