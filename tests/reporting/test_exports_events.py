"""The staff export of event reports: every report, filtered by municipality (mergers included) or
call, streamed in batches read by keyset pagination; staff only."""

from __future__ import annotations

import csv
import io
import math
from datetime import date

import pytest

from grants.core.auth import Role
from grants.reporting.exports.events import HEADER, event_csv
from tests.factories import reporting_rows as data
from tests.factories.accounts import applicant_headers, bearer, make_user, staff_headers

pytestmark = pytest.mark.integration


def parse(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())  # Excel reads UTF-8 with the byte-order mark
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
async def jelgava(database) -> dict:
    """Two Jelgava calls; events in a Jelgava school and in one of Ozolnieki (merged into Jelgavas
    novads), their ids interleaved between the calls; one event in another municipality."""
    jelgava = await data.school("LV-041", "Salgales pamatskola")
    ozolnieki = await data.school("LV-069", "Ozolnieku vidusskola")
    away = await data.school("LV-113", "Valmieras pamatskola")
    first, second = await data.call("LV-041"), await data.call("LV-041")
    a = await data.project(first, planned=[jelgava])
    b = await data.project(second, planned=[ozolnieki])
    events = {}
    for n in range(5):
        events[await data.event(a.award, jelgava, (n, 1, 0, 0), held_on=date(2026, 5, 1 + n))] = first
        events[await data.event(b.award, ozolnieki, (0, n, 2, 0), title=f'=HYPERLINK("x") {n}')] = second
    events[await data.event(a.award, jelgava, status="cancelled")] = first
    events[await data.event(a.award, ozolnieki, review="returned")] = first
    events[await data.event(a.award, jelgava, status="planned", held_on=date(2026, 10, 1))] = first
    outside = await data.event(a.award, away, (0, 3, 0, 0))
    return {"first": first, "second": second, "events": events, "outside": outside, "a": a, "b": b}


async def test_export_by_call_has_every_report_of_the_call(client, jelgava):
    response = await client.get(
        "/api/reports/events.csv", params={"call": jelgava["first"]}, headers=await staff_headers(client)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="event-reports-call-{jelgava["first"]}.csv"'
    )
    rows = parse(response.content)
    assert tuple(rows[0]) == HEADER
    wanted = sorted(
        [i for i, call in jelgava["events"].items() if call == jelgava["first"]] + [jelgava["outside"]]
    )
    assert [int(r["id"]) for r in rows] == wanted
    assert sorted({(r["status"], r["review"]) for r in rows}) == [
        ("cancelled", "accepted"),
        ("held", "accepted"),
        ("held", "returned"),
        ("planned", "accepted"),
    ]
    first = rows[0]
    assert (first["reference"], first["call_id"], first["municipality"], first["held_on"]) == (
        jelgava["a"].reference,
        str(jelgava["first"]),
        "LV-041",
        "2026-05-01",
    )
    assert [first[f"participants_{b}"] for b in ("1_4", "5_9", "10_12", "vocational")] == ["0", "1", "0", "0"]


async def test_export_by_municipality_includes_merged_schools(client, jelgava):
    staff = await staff_headers(client)
    response = await client.get("/api/reports/events.csv", params={"municipality": "LV-041"}, headers=staff)
    rows = [r for r in parse(response.content) if int(r["id"]) in jelgava["events"]]
    assert sorted(int(r["id"]) for r in rows) == sorted(jelgava["events"])
    assert {r["municipality"] for r in rows} == {"LV-041"}
    assert jelgava["outside"] not in [int(r["id"]) for r in parse(response.content)]
    ozolnieki = [r for r in rows if r["school_name"] == "Ozolnieku vidusskola"]
    assert len(ozolnieki) == 6
    # A title that a spreadsheet would run as a formula is written as text.
    assert (
        sorted(r["title"] for r in ozolnieki if r["call_id"] == str(jelgava["second"]))[0]
        == '\'=HYPERLINK("x") 0'
    )


async def test_export_streams_in_batches_without_losing_or_repeating_rows(jelgava):
    in_one = b"".join([chunk async for chunk in event_csv(call_id=jelgava["second"])])
    chunks = [chunk async for chunk in event_csv(call_id=jelgava["second"], batch=2)]
    rows = sum(1 for call in jelgava["events"].values() if call == jelgava["second"])
    assert len(chunks) == 1 + math.ceil(rows / 2)  # the header, then one chunk per batch
    assert b"".join(chunks) == in_one
    assert len(parse(in_one)) == rows == 5


async def test_export_is_for_staff_only(client, jelgava):
    coordinator = await bearer(client, await make_user(Role.coordinator, "LV-041"))
    for headers in (await applicant_headers(client), coordinator):
        refused = await client.get("/api/reports/events.csv", headers=headers)
        assert refused.status_code == 403
        assert "HYPERLINK" not in refused.text
    assert (await client.get("/api/reports/events.csv")).status_code == 401
    staff = await staff_headers(client)
    for params in ({"municipality": "LV-999"}, {"call": 2_000_000_000}):
        assert (await client.get("/api/reports/events.csv", params=params, headers=staff)).status_code == 404
    # Beyond what an id column holds: bad input, not a database error.
    too_big = await client.get("/api/reports/events.csv", params={"call": 2**31}, headers=staff)
    assert too_big.status_code == 400
