"""The registry service: the municipalities of the design, syncing them, resolving mergers."""

from __future__ import annotations

import pytest

from grants.registry import queries as service
from grants.registry.service import sync_municipalities
from grants.registry.tables import Municipality
from tests.factories.registry import CURRENT, FORMER

pytestmark = pytest.mark.integration


def test_design_lists_seven_state_cities_and_thirty_five_novadi():
    kinds = [kind for _, kind in CURRENT.values()]
    assert (kinds.count("state_city"), kinds.count("novads")) == (7, 35)


async def test_sync_municipalities_again_changes_nothing(database):
    columns = (*service.MUNICIPALITY_COLUMNS,)
    before = await Municipality.select(*columns).order_by(Municipality.code)
    assert await sync_municipalities() == 0
    assert await Municipality.select(*columns).order_by(Municipality.code) == before
    assert len(before) == len(CURRENT) + len(FORMER)


async def test_resolve_current_follows_mergers(database):
    current = service.successor_map(await service.list_municipalities())
    assert (current["LV-105"], current["LV-102"], current["LV-016"]) == ("LV-016", "LV-059", "LV-016")
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
