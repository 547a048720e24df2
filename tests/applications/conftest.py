"""Fixtures of the applications tests: a school of the register (Misas pamatskola) to plan events in."""

from __future__ import annotations

import pytest

from tests.factories.registry import make_school


@pytest.fixture
async def school():
    return await make_school("LV-016", "Misas pamatskola")
