"""The applicant's side of the JSON API, as the upload and submission benchmarks use it.

Everything goes over HTTP to a served process, the way a client programme of
an organisation would: register, take a bearer token, open a draft in the
demo's open call, fill it, attach files, submit.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "bench-password-2026"  # noqa: S105 - a throwaway account in a throwaway database
TIMEOUT = httpx.Timeout(120.0, connect=10.0)
_numbers = itertools.count(1)


class ApiError(RuntimeError):
    """An answer the set-up did not expect; says which request and what came back."""


def expect(response: httpx.Response, status: int) -> Any:
    if response.status_code != status:
        raise ApiError(
            f"{response.request.method} {response.request.url.path} answered {response.status_code}, "
            f"not {status}: {response.text[:300]}"
        )
    return response.json() if response.content else None


def registration_number() -> str:
    """11 digits, unique within this run (the pid and a counter)."""
    return f"5{os.getpid() % 100_000:05d}{next(_numbers):05d}"[:11]


@dataclass(frozen=True)
class Applicant:
    email: str
    organisation_id: int
    headers: dict[str, str]  # the bearer token


async def register(client: httpx.AsyncClient, label: str = "bench") -> Applicant:
    email = f"{label}-{uuid.uuid4().hex[:12]}@bench.example"
    created = expect(
        await client.post(
            "/api/auth/register",
            json={
                "email": email,
                "password": PASSWORD,
                "name": "Anna Bērziņa",
                "organisation": {
                    "name": f"Biedrība “{label}”",
                    "registration_number": registration_number(),
                    "legal_form": "association",
                    "municipality_code": "LV-016",
                },
            },
        ),
        201,
    )
    token = expect(await client.post("/api/auth/token", json={"email": email, "password": PASSWORD}), 200)
    return Applicant(email, created["organisation_id"], {"Authorization": f"Bearer {token['token']}"})


async def open_call(client: httpx.AsyncClient) -> dict[str, Any]:
    """The demo's open call, with its rules."""
    calls = [c for c in expect(await client.get("/api/calls"), 200) if c["phase"] == "open"]
    if not calls:
        raise ApiError("the demo data has no open call")
    return expect(await client.get(f"/api/calls/{calls[0]['id']}"), 200)


async def school_in(client: httpx.AsyncClient, municipality: str) -> str:
    schools = expect(await client.get("/api/registry/schools", params={"municipality": municipality}), 200)
    if not schools:
        raise ApiError(f"no school in {municipality} in the demo data")
    return schools[0]["registration_number"]


def application_body(call: dict[str, Any], school: str) -> dict[str, Any]:
    """A complete application for the call: its exact amount in three lines, one planned event."""
    total = int(call["max_amount"].replace(".", ""))  # cents; "4600.00" -> 460000
    third = total // 3
    parts = [third, third, total - 2 * third]

    def euros(cents: int) -> str:
        return f"{cents // 100}.{cents % 100:02d}"

    return {
        "title": "Piedzīvojumu nometne",
        "summary": "Trīs dienu nometne 7.–9. klašu skolēniem.",
        "objectives": "Stiprināt piederību skolai.",
        "target_group": "Skolēni ar mācību kavējumiem.",
        "partners": "Misas pamatskola",
        "start_date": "2027-03-01",
        "end_date": "2027-05-31",
        "budget_lines": [
            {"category": category, "description": category, "quantity": 1, "unit_cost": euros(cents)}
            for category, cents in zip(("services", "catering", "transport"), parts, strict=True)
        ],
        "planned_events": [
            {
                "school": school,
                "kind": "camp",
                "title": "Nometne",
                "planned_date": "2027-04-10",
                "expected_participants": 25,
            }
        ],
    }


def pdf_body(size: int, boundary: str, chunk: int = 1024 * 1024) -> tuple[int, AsyncIterator[bytes]]:
    """A multipart/form-data body with one PDF of `size` bytes in the field "file", made as it is sent.

    Returns the body's length (sent as Content-Length, as a browser does) and its chunks.
    """
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="budget.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    start, end = b"%PDF-1.4\n", b"\n%%EOF\n"
    filler = size - len(start) - len(end)

    async def chunks() -> AsyncIterator[bytes]:
        yield head + start
        block = b"0123456789abcdef" * (chunk // 16)
        left = filler
        while left > 0:
            yield block[: min(left, len(block))]
            left -= len(block)
        yield end + tail

    return len(head) + size + len(tail), chunks()


def pdf_sha256(size: int, chunk: int = 1024 * 1024) -> str:
    """The SHA-256 of the file pdf_body sends, to check what the server stored."""
    import hashlib

    digest = hashlib.sha256(b"%PDF-1.4\n")
    block = b"0123456789abcdef" * (chunk // 16)
    left = size - len(b"%PDF-1.4\n") - len(b"\n%%EOF\n")
    while left > 0:
        digest.update(block[: min(left, len(block))])
        left -= len(block)
    digest.update(b"\n%%EOF\n")
    return digest.hexdigest()
