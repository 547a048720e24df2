"""Amounts in the awards' refusals are written as the reader's language writes money ("4 600,00 €",
"€4,600.00"), never in the API's wire format ("4600.00 EUR")."""

from __future__ import annotations

import re

import pytest

from grants.awards.rules import Room
from grants.core.i18n import get_language, set_language

pytestmark = pytest.mark.unit

# A number followed (or led) by "EUR", or a bare "4600.00", is the wire format leaking into a message.
WIRE_MONEY = re.compile(r"\d\s*EUR\b|\bEUR\s*\d|(?<![\d,.€\u00a0])\d+\.\d{2}(?![\d\u00a0]*€)")


@pytest.fixture
def language():
    previous = get_language()

    def use(code: str) -> None:
        set_language(code)

    yield use
    set_language(previous)


def test_a_budget_refusal_writes_money_as_latvian_does(language):
    language("lv")
    room = Room(budget_cents=4_600_000, quota=10, used_cents=4_190_000, used_count=9)
    assert room.refusal(460_000) == (
        "Piešķirot 4\u00a0600,00\u00a0€, tiktu pārsniegts konkursa budžets: no 46\u00a0000,00\u00a0€ "
        "ir atlikuši 4\u00a0100,00\u00a0€."
    )


def test_a_budget_refusal_writes_money_as_english_does(language):
    language("en")
    room = Room(budget_cents=4_600_000, quota=10, used_cents=4_190_000, used_count=9)
    assert room.refusal(460_000) == (
        "An award of €4,600.00 would exceed the call's budget: €4,100.00 of €46,000.00 remain."
    )


@pytest.mark.parametrize("code", ["lv", "en"])
def test_no_budget_refusal_shows_the_wire_format(language, code):
    language(code)
    for used in (0, 1, 4_599_999):
        text = Room(budget_cents=4_600_000, quota=10, used_cents=used, used_count=0).refusal(4_600_001)
        assert text is not None
        assert WIRE_MONEY.findall(text) == []


def test_the_wire_format_check_catches_the_old_messages():
    assert WIRE_MONEY.findall("An award of 4600.00 EUR would exceed: 0.00 EUR of 4600.00 EUR remain.") != []
    assert WIRE_MONEY.findall("Grant: 4600.00") == ["4600.00"]
    assert WIRE_MONEY.findall("€4,600.00 and 4\u00a0600,00\u00a0€ and €460.01") == []
