"""Fixtures of the registry tests: schools in Bauska, former Vecumnieki and Jelgava's novads."""

from __future__ import annotations

import pytest

from grants.registry.service import import_schools
from tests.factories.registry import registration_numbers, write_csv


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
