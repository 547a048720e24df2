"""The ranking exports (CSV and XLSX): the rows follow the ranking, formulas stay text."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pytest

from grants.applications.tables import Application
from grants.core.auth import Role
from grants.core.time import to_riga
from tests.factories.accounts import (
    bearer,
    make_user,
)
from tests.factories.scoring import api_ranking, scored_call

pytestmark = pytest.mark.integration


FORMULA = '=HYPERLINK("http://example.com","x")'


async def exported(client, extension: str):
    """The scored call with a formula for a title: its API ranking, its export and the reference
    of the application that is not eligible (exported last, without a rank)."""
    call_id, apps, _ = await scored_call()
    await Application.update({Application.title: FORMULA}).where(Application.id == apps[1])
    headers = await bearer(client, await make_user(Role.staff))
    ranking = await api_ranking(client, call_id, headers)
    response = await client.get(f"/api/calls/{call_id}/export.{extension}", headers=headers)
    assert response.status_code == 200
    last = await Application.select(Application.reference).where(Application.id == apps[4]).first()
    return call_id, apps, ranking, response, last["reference"]


async def test_csv_export_follows_the_ranking(client):
    call_id, apps, ranking, response, ineligible = await exported(client, "csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"BAU-call-{call_id}-ranking.csv\"; filename*=UTF-8''BAU-call-{call_id}-ranking.csv"
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["Reference"], r["Score"], r["Rank"]) for r in rows] == [
        *[(r["reference"], r["score"], str(r["rank"])) for r in ranking],
        (ineligible, "", ""),
    ]
    assert [(r["K1"], r["K2"], r["Passed"]) for r in rows[:4]] == [
        (r["criteria"]["K1"], r["criteria"]["K2"], "Yes" if r["passed"] else "No") for r in ranking
    ]
    first, last = rows[0], rows[-1]
    assert (first["Title"], first["Organisation"], first["Requested amount"]) == (
        "'" + FORMULA,
        "Biedrība “Tests”",
        "4600.00",
    )
    assert (last["Status"], last["Passed"]) == ("Not eligible", "")
    submitted = await Application.select(Application.submitted_at).where(Application.id == apps[1]).first()
    moment = datetime.fromisoformat(first["Submitted at"])
    assert moment.utcoffset() == to_riga(submitted["submitted_at"]).utcoffset()
    assert moment == to_riga(submitted["submitted_at"]).replace(microsecond=0)


async def test_xlsx_export_follows_the_ranking(client):
    call_id, _apps, ranking, response, ineligible = await exported(client, "xlsx")
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="BAU-call-{call_id}-ranking.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    column = {cell.value: i for i, cell in enumerate(sheet[1])}
    rows = list(sheet.iter_rows(min_row=2))
    assert [
        (r[column["Reference"]].value, f"{r[column['Score']].value:.2f}", r[column["Rank"]].value)
        for r in rows[:4]
    ] == [(r["reference"], r["score"], r["rank"]) for r in ranking]
    assert [tuple(r[column[c]].value for c in ("Reference", "Score", "Rank")) for r in rows[4:]] == [
        (ineligible, None, None)
    ]
    amount = rows[0][column["Requested amount"]]
    assert (amount.value, amount.number_format) == (4600, "0.00")
    title = rows[0][column["Title"]]
    assert (title.value, title.data_type) == (FORMULA, "s")
