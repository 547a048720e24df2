"""What the applicant's pages show about an application's state: the open questions, a draft past
its call's deadline, and which of Apply, Withdraw or Discard still applies (from states.actions and
calls.states.apply_refusal, the rules the services refuse by)."""

from __future__ import annotations

from typing import Any

from grants.applications import queries
from grants.applications.states import actions, deadline_passed
from grants.applications.tables import ApplicationStatus
from grants.calls import queries as calls
from grants.calls.states import apply_refusal
from grants.core.time import from_db, now


def open_questions(app: dict[str, Any]) -> list[dict[str, Any]]:
    """The staff's unanswered questions, while the application waits for the answer."""
    if app["status"] != ApplicationStatus.clarification:
        return []
    moment = now()
    return [
        c | {"reference": app["reference"], "overdue": from_db(c["due_at"]) < moment}
        for c in app["clarifications"]
        if c["answered_at"] is None
    ]


async def questions_for(applications: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The open questions of the listed applications, with the application: one query for all."""
    waiting = [row for row in applications if row["status"] == ApplicationStatus.clarification]
    questions = await queries.open_clarifications([row["id"] for row in waiting])
    return [
        questions[row["id"]] | {"reference": row["reference"], "title": row["title"]}
        for row in waiting
        if row["id"] in questions
    ]


def late_draft(row: dict[str, Any]) -> bool:
    """A listed draft whose call no longer takes applications (from the list's call columns)."""
    call = {key: row[f"call_{key}"] for key in ("status", "opens_at", "closes_at")}
    return deadline_passed(row["status"], call)


async def with_apply_state(
    open_calls: list[dict[str, Any]], applications: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The open calls, each with the organisation's applications to it and, when it may not start
    another (its limit is used), why: Apply is then left out."""
    result = []
    for call in open_calls:
        mine = [a for a in applications if a["call"] == call["id"]]
        taken = sum(1 for a in mine if a["status"] != ApplicationStatus.withdrawn)
        # The list's columns leave out the limit: the whole call only where a place is taken.
        terms = (await calls.get_call(call["id"]) or call) if taken else call
        blocked = apply_refusal(terms, taken) if taken else None
        result.append(call | {"blocked": blocked, "mine": mine})
    return result


def withdraw_context(app: dict[str, Any], message: str | None) -> dict[str, Any]:
    """Withdrawing a submitted application, or discarding a draft (the same service call): the
    confirmation only while it would be taken, the reason otherwise."""
    draft = app["status"] == ApplicationStatus.draft
    action = actions(app["status"], app["call_row"])["discard" if draft else "withdraw"]
    return {"app": app, "message": message, "draft": draft, "action": action}
