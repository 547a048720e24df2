"""The action map (applications.states.actions) and the Apply rule (calls.states.apply_refusal):
what an applicant may do in each status before and after the call's deadline, and why not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.applications.states import actions, deadline_passed
from grants.calls.states import apply_refusal
from grants.core.time import now

pytestmark = [pytest.mark.unit, pytest.mark.usefixtures("english")]

MOMENT = now()
OPEN = {
    "status": "published",
    "opens_at": MOMENT - timedelta(days=10),
    "closes_at": MOMENT + timedelta(days=10),
    "applications_per_organisation": 2,
}
PAST = OPEN | {"closes_at": MOMENT - timedelta(minutes=1)}
CLOSED_EARLY = OPEN | {"status": "closed", "closes_at": MOMENT - timedelta(minutes=1)}


def _allowed(status: str, call: dict) -> set[str]:
    return {name for name, action in actions(status, call, MOMENT).items() if action.allowed}


@pytest.mark.parametrize(
    ("status", "call", "expected"),
    [
        ("draft", OPEN, {"edit", "submit", "discard"}),
        ("draft", PAST, set()),
        ("draft", CLOSED_EARLY, set()),
        ("submitted", OPEN, {"withdraw"}),
        ("submitted", PAST, set()),
        ("clarification", PAST, {"edit", "answer"}),
        ("eligible", PAST, set()),
        ("withdrawn", OPEN, set()),
    ],
)
def test_actions_allowed_by_status_and_deadline(status, call, expected):
    assert _allowed(status, call) == expected


def test_actions_of_a_late_draft_say_the_deadline_passed():
    late = actions("draft", PAST, MOMENT)
    assert (late["edit"].reason, late["submit"].reason, late["discard"].reason) == (
        "The deadline has passed: the application can no longer be changed or submitted.",
        "The call is closed: nothing can be submitted after its deadline.",
        "The deadline has passed: the application can no longer be withdrawn.",
    )


def test_actions_of_a_draft_offer_no_withdraw():
    assert (
        actions("draft", OPEN, MOMENT)["withdraw"].reason == "Only a submitted application can be withdrawn."
    )


def test_deadline_passed_only_for_drafts():
    assert [deadline_passed(s, PAST, MOMENT) for s in ("draft", "submitted", "clarification")] == [
        True,
        False,
        False,
    ]
    assert deadline_passed("draft", OPEN, MOMENT) is False


@pytest.mark.parametrize(
    ("call", "taken", "expected"),
    [
        (OPEN, 0, None),
        (OPEN, 1, None),
        (OPEN, 2, "Your organisation may submit at most 2 application(s) to this call."),
        (PAST, 0, "This call is not open for applications."),
        (OPEN | {"opens_at": MOMENT + timedelta(days=1)}, 0, "This call is not open for applications."),
    ],
)
def test_apply_refusal_by_phase_and_places_taken(call, taken, expected):
    assert apply_refusal(call, taken, MOMENT) == expected
