"""People: users of each role, organisations, logins and tokens; forms with their CSRF token."""

from __future__ import annotations

import itertools
import os
import re
import uuid

import httpx

from grants.app import CSRF_COOKIE
from grants.core.auth import SESSION_COOKIE, Role

PASSWORD = "correct-horse-battery"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.lv"


_reg_numbers = itertools.count(1)


def unique_org_number() -> str:
    return f"4{os.getpid() % 100000:05d}{next(_reg_numbers):05d}"[:11]


async def csrf_token(client: httpx.AsyncClient) -> str:
    if CSRF_COOKIE not in client.cookies:
        await client.get("/login")
    return client.cookies[CSRF_COOKIE]


async def post_form(client: httpx.AsyncClient, url: str, data: dict[str, str]) -> httpx.Response:
    """A form post as a browser sends it, with the CSRF token from the cookie."""
    token = await csrf_token(client)
    return await client.post(url, data={**data, "_csrf_token": token})


async def make_user(role: Role, municipality: str | None = None, name: str = "Test Person") -> str:
    from grants.accounts.service.users import ensure_user

    email = unique_email(role.value)
    await ensure_user(email, PASSWORD, role, municipality, name)
    return email


def organisation(**overrides: str) -> dict[str, str]:
    return {
        "name": "Biedrība “Tests”",
        "registration_number": unique_org_number(),
        "legal_form": "association",
        "municipality_code": "LV-016",
        **overrides,
    }


CONFIRM_LINK = re.compile(r"/account/confirm/([A-Za-z0-9_-]+)")


async def confirmation_token(email: str) -> str:
    """The token of the newest confirmation link mailed to `email`, read from its outbox row (the
    database keeps only the token's hash; the mail has the token)."""
    from grants.core.tables import OutboxMessage

    rows = (
        await OutboxMessage.select(OutboxMessage.body_text)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id, ascending=False)
    )
    for row in rows:
        if found := CONFIRM_LINK.search(row["body_text"]):
            return found.group(1)
    raise AssertionError(f"no confirmation link mailed to {email}")


async def registered_ids(email: str) -> dict:
    """The user's id and their organisation's (None when they joined none), as the API no longer tells."""
    from grants.accounts.queries import user_id_by_email
    from grants.accounts.tables import Membership

    user_id = await user_id_by_email(email)
    membership = await Membership.select(Membership.organisation).where(Membership.user == user_id).first()
    return {"user_id": user_id, "organisation_id": membership["organisation"] if membership else None}


async def register_unconfirmed(client: httpx.AsyncClient, email: str | None = None, **org: str) -> str:
    """Register through the API as a new person does; the address, not yet confirmed."""
    email = email or unique_email("ngo")
    response = await client.post(
        "/api/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "name": "Anna Bērziņa",
            "organisation": organisation(**org),
        },
    )
    assert response.status_code == 201, response.text
    return email


async def confirm(client: httpx.AsyncClient, email: str) -> None:
    """Open the confirmation link mailed to `email`, as its owner does."""
    response = await client.get(f"/account/confirm/{await confirmation_token(email)}")
    assert response.status_code == 200, response.text


async def register_applicant(client: httpx.AsyncClient, **org: str) -> tuple[str, dict]:
    """A new applicant and organisation through the API, their address confirmed through the link
    mailed to it; (e-mail, {user_id, organisation_id})."""
    email = await register_unconfirmed(client, **org)
    await confirm(client, email)
    return email, await registered_ids(email)


_service_ips = itertools.count(1)


async def registered(email: str | None = None, person: str = "Anna Bērziņa", **org: str) -> tuple[int, int]:
    """A confirmed applicant and their new organisation made through the services (no HTTP):
    (user id, organisation id). Each call comes from an address of its own (the per-address limit)."""
    from grants.accounts.service.confirmation import confirm_email
    from grants.accounts.service.registration import register

    email = email or unique_email("ngo")
    n = next(_service_ips)
    made = await register(
        email, PASSWORD, "Anna Bērziņa", organisation(**org), f"10.250.{n // 250}.{n % 250}"
    )
    assert made.user_id is not None and made.organisation_id is not None
    assert (await confirm_email(await confirmation_token(email))).value == "confirmed"
    return made.user_id, made.organisation_id


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    response = await post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.text
    assert SESSION_COOKIE in client.cookies
    return response


async def bearer(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def replace_cookie(client: httpx.AsyncClient, name: str, value: str) -> None:
    """Put a cookie in the jar as the server would have set it (same domain), replacing any."""
    domain = next((c.domain for c in client.cookies.jar if c.name == name), "127.0.0.1")
    client.cookies.delete(name)
    client.cookies.set(name, value, domain=domain)


async def staff_headers(client: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(client, await make_user(Role.staff))


async def staff_browser(make_client) -> httpx.AsyncClient:
    """A new client (from the make_client fixture) with a new staff member logged in."""
    browser = make_client()
    await login(browser, await make_user(Role.staff))
    return browser


async def applicant_headers(client: httpx.AsyncClient) -> dict[str, str]:
    email, _ = await register_applicant(client)
    return await bearer(client, email)


async def user_id_of(email: str) -> int:
    from grants.accounts.queries import user_id_by_email

    user_id = await user_id_by_email(email)
    assert user_id is not None, email
    return user_id


async def make_person(name: str = "Pēteris Kalniņš") -> tuple[str, int]:
    """An applicant without an organisation, as registration leaves one whose organisation exists."""
    email = await make_user(Role.applicant, name=name)
    return email, await user_id_of(email)


async def make_join_request(user_id: int, organisation_id: int, message: str = "") -> int:
    """A pending request to join, as registration files it (a plain insert: test set-up)."""
    from grants.accounts.tables import JoinRequest

    rows = await JoinRequest.insert(
        JoinRequest(user=user_id, organisation=organisation_id, message=message)
    ).returning(JoinRequest.id)
    return rows[0]["id"]


async def join_request_status(request_id: int) -> str:
    from grants.accounts.tables import JoinRequest

    row = await JoinRequest.select(JoinRequest.status).where(JoinRequest.id == request_id).first()
    return row["status"]


async def memberships(user_id: int) -> list[tuple[int, str]]:
    """The user's memberships as (organisation id, role)."""
    from grants.accounts.tables import Membership

    rows = await Membership.select(Membership.organisation, Membership.role).where(Membership.user == user_id)
    return sorted((r["organisation"], r["role"]) for r in rows)


async def make_member(user_id: int, organisation_id: int, role: str = "member") -> int:
    from grants.accounts.tables import Membership

    rows = await Membership.insert(
        Membership(user=user_id, organisation=organisation_id, role=role)
    ).returning(Membership.id)
    return rows[0]["id"]
