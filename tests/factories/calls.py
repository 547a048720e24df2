"""Calls: a complete call as staff send it, and one created and published through the API."""

from __future__ import annotations

import httpx

from tests.factories.accounts import staff_headers


def call_payload(**overrides) -> dict:
    """A complete, valid call as staff send it to POST /api/calls."""
    from datetime import timedelta

    from grants.core.time import now

    base = {
        "title": "Jauniešu iniciatīvu projektu konkurss",
        "description": "Konkursa **nolikums**.",
        "municipality_code": "LV-016",
        "budget": "46000.00",
        "max_amount": "4600.00",
        "fixed_amount": False,
        "quota": 10,
        "opens_at": (now() - timedelta(days=1)).isoformat(),
        "closes_at": (now() + timedelta(days=30)).isoformat(),
        "score_threshold": "30",
        "aggregation": "mean",
        "reviewers_per_application": 2,
        "criteria": [
            {"code": "A1", "title": "Iesniedzējs ir biedrība vai nodibinājums", "kind": "eligibility"},
            {
                "code": "K1",
                "title": "Projekta atbilstība mērķim",
                "kind": "quality",
                "max_points": 10,
                "weight": "2",
            },
            {
                "code": "K2",
                "title": "Budžeta pamatotība",
                "kind": "quality",
                "max_points": 10,
                "min_points": 3,
            },
        ],
    }
    return base | overrides


async def published_call(client: httpx.AsyncClient, **overrides) -> dict:
    """A call created and published through the API; returns its JSON."""
    headers = await staff_headers(client)
    created = await client.post("/api/calls", json=call_payload(**overrides), headers=headers)
    assert created.status_code == 201, created.text
    published = await client.post(f"/api/calls/{created.json()['id']}/publish", headers=headers)
    assert published.status_code == 200, published.text
    return created.json() | {"status": "published"}
