"""The final payment by the call's payment method (awards.rules.settlement), integer cents only:
a lump sum pays award − advance whatever was spent; a costs call pays min(costs, award) − advance,
and an advance above the costs is owed back as a refund. Each rule at its boundary."""

from __future__ import annotations

import pytest

from grants.awards.rules import Settlement, settlement

pytestmark = pytest.mark.unit

AWARD = 460_000
ADVANCE = 414_000  # 90 %


@pytest.mark.parametrize("costs", [None, 0, 100_000, 414_000, 460_000, 999_999])
def test_a_lump_sum_pays_the_award_less_the_advance_whatever_was_spent(costs):
    assert settlement("lump_sum", AWARD, ADVANCE, costs) == Settlement(46_000, 0)


@pytest.mark.parametrize(
    ("costs", "expected"),
    [
        (413_999, Settlement(0, 1)),  # a cent below the advance: that cent comes back
        (414_000, Settlement(0, 0)),  # equal to the advance: nothing either way
        (414_001, Settlement(1, 0)),  # a cent above the advance: that cent is paid
        (451_240, Settlement(37_240, 0)),
        (460_000, Settlement(46_000, 0)),  # equal to the award
        (460_001, Settlement(46_000, 0)),  # above the award: paid up to the award only
        (0, Settlement(0, 414_000)),  # nothing eligible: the whole advance comes back
    ],
)
def test_a_costs_call_pays_the_costs_up_to_the_award_less_the_advance(costs, expected):
    assert settlement("costs", AWARD, ADVANCE, costs) == expected


def test_a_lump_sum_and_a_costs_call_differ_when_the_costs_are_below_the_advance():
    assert settlement("lump_sum", AWARD, ADVANCE, 300_000) == Settlement(46_000, 0)
    assert settlement("costs", AWARD, ADVANCE, 300_000) == Settlement(0, 114_000)


def test_a_costs_call_without_an_advance_pays_the_costs():
    assert settlement("costs", AWARD, 0, 123_456) == Settlement(123_456, 0)


def test_a_costs_call_settles_only_on_reported_costs():
    with pytest.raises(ValueError):
        settlement("costs", AWARD, ADVANCE, None)
    with pytest.raises(ValueError):
        settlement("costs", AWARD, ADVANCE, -1)
