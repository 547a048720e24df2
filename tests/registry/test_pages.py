"""The municipality pages (/registry/…): its schools, a former municipality pointing to its successor."""

from __future__ import annotations

import re

import pytest

from tests.html import table_rows, text_of

pytestmark = pytest.mark.integration


async def test_municipality_page_lists_its_schools(client, schools):
    response = await client.get("/registry/LV-016")
    assert response.status_code == 200
    numbers = {row[0] for row in schools.values()}
    rows = [(row[0], row[1]) for row in table_rows(response.text)]  # (registration number, name)
    assert sorted(row for row in rows if row[0] in numbers) == sorted(
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
    response = await client.get("/registry/LV-102")
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
    response = await client.get("/registry/LV-999")
    assert response.status_code == 404
    assert text_of(response.text, "main h1") == "Page not found"
    assert text_of(response.text, "main p.lead") == (
        "This page does not exist, or it is not visible to you. Check the address, or go back."
    )
