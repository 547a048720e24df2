"""The event report's rules at their boundaries, without a database: which school counts, the
counts and their caps, the project period, the cap on reports per award, the school approval."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from grants.core.errors import Conflict, ValidationFailed
from grants.core.time import format_day, riga_today
from grants.reporting.rules import (
    LARGE_EVENT,
    MAX_EVENTS_PER_AWARD,
    MAX_PARTICIPANTS,
    SchoolBasis,
    SchoolFacts,
    check_event_room,
    clean_event,
    school_approval,
    school_basis,
)
from grants.reporting.tables import ReviewStatus

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("english")]

EVENT_DAY = date(2026, 5, 14)
SCHOOL = 7


def facts(
    since: date | None = date(2017, 9, 1),
    until: date | None = None,
    code: str = "LV-016",
    planned: frozenset[int] = frozenset(),
    call_codes: frozenset[str] = frozenset({"LV-016", "LV-105"}),
) -> SchoolFacts:
    return SchoolFacts(SCHOOL, code, since, until, planned, call_codes)


@pytest.mark.parametrize(
    ("school", "expected"),
    [
        (facts(since=EVENT_DAY + timedelta(days=1)), SchoolBasis.other),  # joined the day after
        (facts(since=EVENT_DAY), SchoolBasis.pumpurs),  # joined on the day
        (facts(until=EVENT_DAY - timedelta(days=1)), SchoolBasis.other),  # left the day before
        (facts(until=EVENT_DAY), SchoolBasis.pumpurs),  # leaves on the day
        (facts(since=None), SchoolBasis.other),  # never took part
        (facts(code="LV-022"), SchoolBasis.other),  # PuMPuRS, but of another municipality
        (facts(code="LV-105"), SchoolBasis.pumpurs),  # Vecumnieki, merged into Bauska
        (facts(since=None, code="LV-022", planned=frozenset({SCHOOL})), SchoolBasis.planned),
    ],
)
def test_school_basis_at_its_boundaries(school, expected):
    assert school_basis(school, EVENT_DAY) == expected


def test_school_basis_of_a_school_of_varaklani_for_a_madona_call():
    merged = facts(code="LV-102", call_codes=frozenset({"LV-059", "LV-102"}))
    assert school_basis(merged, date(2024, 10, 1)) == SchoolBasis.pumpurs
    # The other way round: Madona's school is not one of a call Varakļāni ran.
    assert (
        school_basis(facts(code="LV-059", call_codes=frozenset({"LV-102"})), EVENT_DAY) == SchoolBasis.other
    )


AWARD = {"start_date": date(2026, 4, 1), "end_date": date(2026, 10, 31)}


def held(**overrides) -> dict:
    return {
        "status": "held",
        "kind": "workshop",
        "title": "Radošā darbnīca",
        "held_on": EVENT_DAY,
        "participants": 20,
        "participants_by_grade": {"1-4": 0, "5-9": 15, "10-12": 5, "vocational": 0},
        "participants_at_risk": 4,
        "description": "Darbnīca.",
    } | overrides


def bands(total: int) -> dict[str, int]:
    return {"1-4": 0, "5-9": total, "10-12": 0, "vocational": 0}


def errors_of(
    values: dict, school: SchoolFacts | None = None, confirmed: int | None = None
) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        clean_event(values, AWARD, school or facts(), confirmed)
    return refused.value.errors


def test_the_participants_cap_takes_1000_and_refuses_1001_naming_the_event():
    ok = clean_event(
        held(participants=MAX_PARTICIPANTS, participants_by_grade=bands(1000), confirm_large=True),
        AWARD,
        facts(),
    )
    assert ok["participants"] == 1000
    assert errors_of(held(participants=1001, participants_by_grade=bands(1001), confirm_large=True)) == {
        "participants": "“Radošā darbnīca”: 1001 participants is more than one event can have (at most 1000)."
    }


def test_more_than_200_participants_need_the_grantees_confirmation():
    assert (
        clean_event(held(participants=LARGE_EVENT, participants_by_grade=bands(200)), AWARD, facts())[
            "participants"
        ]
        == 200
    )
    assert errors_of(held(participants=201, participants_by_grade=bands(201))) == {
        "confirm_large": "“Radošā darbnīca”: 201 participants is more than 200. Check the count and confirm it."
    }
    confirmed = held(participants=201, participants_by_grade=bands(201), confirm_large=True)
    assert clean_event(confirmed, AWARD, facts())["participants"] == 201
    # A count confirmed when it was reported stays confirmed; a new count is confirmed again.
    again = held(participants=201, participants_by_grade=bands(201))
    assert clean_event(again, AWARD, facts(), confirmed_count=201)["participants"] == 201
    assert set(errors_of(held(participants=202, participants_by_grade=bands(202)), confirmed=201)) == {
        "confirm_large"
    }


def test_participants_at_risk_are_at_most_the_participants():
    assert clean_event(held(participants_at_risk=20), AWARD, facts())["participants_at_risk"] == 20
    assert errors_of(held(participants_at_risk=21)) == {
        "participants_at_risk": "The participants at risk (21) are some of the participants: at most 20."
    }
    assert errors_of(held(participants_at_risk="-1")) == {
        "participants_at_risk": "Enter a whole number, 0 or more."
    }


def test_a_held_event_lies_within_the_project_period():
    past = {"start_date": riga_today() - timedelta(days=100), "end_date": riga_today() - timedelta(days=10)}
    start, end = past["start_date"], past["end_date"]
    for day in (start, end):
        assert clean_event(held(held_on=day), past, facts())["held_on"] == day
    with pytest.raises(ValidationFailed) as before:
        clean_event(held(held_on=start - timedelta(days=1)), past, facts())
    assert before.value.errors == {
        "held_on": f"The event cannot be held before the project starts ({format_day(start, 'en')})."
    }
    with pytest.raises(ValidationFailed) as after:
        clean_event(held(held_on=end + timedelta(days=1)), past, facts())
    assert after.value.errors == {
        "held_on": f"The event cannot be held after the project ends ({format_day(end, 'en')})."
    }


def test_a_planned_event_is_planned_within_the_project_period():
    planned = {"status": "planned", "kind": "camp", "title": "Nometne"}
    assert (
        clean_event(planned | {"planned_on": AWARD["end_date"]}, AWARD, facts())["planned_on"]
        == AWARD["end_date"]
    )
    assert errors_of(planned | {"planned_on": AWARD["end_date"] + timedelta(days=1)}) == {
        "planned_on": "Plan the event within the project period, Apr 1, 2026 to Oct 31, 2026."
    }


def test_another_school_needs_the_grantees_reason_and_keeps_it():
    other = facts(since=EVENT_DAY + timedelta(days=1))
    assert set(errors_of(held(), other)) == {"school_reason"}
    kept = clean_event(held(school_reason=" Skolā remonts, pasākums kaimiņos. "), AWARD, other)
    assert kept["school_reason"] == "Skolā remonts, pasākums kaimiņos."
    # A school the programme counts by itself keeps no reason.
    assert clean_event(held(school_reason="Nevajag"), AWARD, facts())["school_reason"] == ""


def test_the_cap_on_reports_per_award():
    check_event_room(MAX_EVENTS_PER_AWARD - 1)
    with pytest.raises(Conflict) as refused:
        check_event_room(MAX_EVENTS_PER_AWARD)
    assert refused.value.message == "An award can have at most 200 event reports."


def test_accepting_an_event_at_another_school_needs_the_approval_with_a_reason():
    accepted = ReviewStatus.accepted
    with pytest.raises(ValidationFailed) as refused:
        school_approval(SchoolBasis.other, accepted, False, "")
    assert set(refused.value.errors) == {"approve_school", "school_approval_reason"}
    with pytest.raises(ValidationFailed) as no_reason:
        school_approval(SchoolBasis.other, accepted, True, "  ")
    assert no_reason.value.errors == {"school_approval_reason": "Say why the event counts at this school."}
    assert school_approval(SchoolBasis.other, accepted, True, " Tuvākā skola. ") == "Tuvākā skola."
    # Returning needs no approval, and a school that counts by itself records none.
    assert school_approval(SchoolBasis.other, ReviewStatus.returned, False, "") == ""
    assert school_approval(SchoolBasis.planned, accepted, True, "Lieki") == ""
