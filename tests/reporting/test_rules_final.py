"""What the final report asks for by the call's payment method, its amounts as Latvian types them,
and the warnings before it is submitted (reporting.rules, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from grants.core.errors import ValidationFailed
from grants.core.i18n import set_language
from grants.core.money import MoneyError, parse_typed_cents
from grants.reporting.rules import clean_final, final_warnings

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("english")]

LUMP = {"payment_method": "lump_sum", "amount_cents": 460_000}
COSTS = {"payment_method": "costs", "amount_cents": 460_000}
TEXTS = {"narrative": "Notika darbnīcas.", "results": "Mērķis sasniegts."}


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("4 600,00", 460_000),
        ("4\u00a0600,00", 460_000),
        ("4\u202f600,5", 460_050),
        ("1 234 567.89", 123_456_789),
        ("4600", 460_000),
        ("4600,00", 460_000),
    ],
)
def test_an_amount_is_taken_with_its_thousands_grouped_by_spaces(typed, cents):
    assert parse_typed_cents(typed) == cents


@pytest.mark.parametrize("typed", ["46 00,00", "4 6000", "12,345.00", "4 600,001", " ", "4 600,-1"])
def test_an_amount_grouped_otherwise_is_refused(typed):
    with pytest.raises(MoneyError):
        parse_typed_cents(typed)


def test_a_lump_sum_report_needs_its_results_and_no_costs():
    assert clean_final(TEXTS, LUMP) == TEXTS
    with pytest.raises(ValidationFailed) as refused:
        clean_final({"narrative": "N", "results": " "}, LUMP)
    assert list(refused.value.errors) == ["results"]


def test_a_costs_report_needs_its_eligible_costs_and_results():
    with pytest.raises(ValidationFailed) as refused:
        clean_final({"narrative": "N", "spent": ""}, COSTS)
    assert sorted(refused.value.errors) == ["results", "spent"]
    assert clean_final(TEXTS | {"spent": "4 512,40"}, COSTS) == TEXTS | {"spent_cents": 451_240}


def test_the_costs_may_be_ten_times_the_award_and_not_a_cent_more():
    assert clean_final(TEXTS | {"spent": "46000.00"}, COSTS)["spent_cents"] == 4_600_000
    with pytest.raises(ValidationFailed) as refused:
        clean_final(TEXTS | {"spent": "46000.01"}, COSTS)
    assert refused.value.errors == {
        "spent": "The amount cannot be more than 10 times the award (€46,000.00): check it."
    }


def test_a_draft_requires_nothing_but_checks_what_it_holds():
    assert clean_final({}, COSTS, draft=True) == {"narrative": "", "results": ""}
    with pytest.raises(ValidationFailed) as refused:
        clean_final({"spent": "4,600.00", "results": "x" * 20_001}, COSTS, draft=True)
    assert sorted(refused.value.errors) == ["results", "spent"]


def test_no_warning_when_every_planned_event_is_reported_and_the_project_ended_today():
    assert final_warnings([], date(2026, 6, 30), date(2026, 6, 30)) == []
    assert final_warnings([], None, date(2026, 6, 30)) == []


def test_warnings_name_the_unreported_planned_events_and_the_day_a_project_ending_tomorrow_ends():
    assert final_warnings(["Nometne", "Darbnīca"], date(2026, 7, 1), date(2026, 6, 30)) == [
        "2 events planned in the application have no report yet: “Nometne”; “Darbnīca”.",
        "The project has not ended yet: it runs until Jul 1, 2026.",
    ]
    assert final_warnings(["Nometne"], date(2026, 6, 30), date(2026, 6, 30)) == [
        "1 event planned in the application has no report yet: “Nometne”."
    ]


def test_the_end_of_the_project_is_shown_as_a_latvian_day_in_latvian():
    set_language("lv")
    try:
        assert final_warnings([], date(2027, 1, 31), date(2026, 6, 30)) == [
            "Projekts vēl nav beidzies (tas ilgst līdz 2027. gada 31. janv.)."
        ]
    finally:
        set_language("en")
