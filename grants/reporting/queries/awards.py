"""What the report pages show about awards besides their reports: agreement, payments, the final due day."""

from __future__ import annotations

from typing import Any

from grants.awards import queries as award_queries
from grants.awards.states import RUNNING
from grants.calls.tables import Call
from grants.reporting.rules import final_report_due


async def awards_with_facts(awards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [a["id"] for a in awards]
    agreements = await award_queries.agreements_of(ids)
    paid = await award_queries.payments_of(ids)
    return [
        award
        | {
            "agreement": agreements.get(award["id"]),
            "payments": paid.get(award["id"], []),
            "final_due": final_report_due(award["end_date"]),
            "reportable": award["status"] in RUNNING,
        }
        for award in awards
    ]


async def award_facts(award: dict[str, Any]) -> dict[str, Any]:
    return (await awards_with_facts([award]))[0]


async def call_municipality(call_id: int) -> str | None:
    """The code of the municipality that ran the call: its schools come first in a school choice."""
    call = await Call.select(Call.municipality.code.as_alias("code")).where(Call.id == call_id).first()
    return call["code"] if call else None
