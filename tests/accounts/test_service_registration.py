"""Registration answers the same whoever registers (issue 12): a new address, a taken address and a
taken registration number get byte-identical answers; the owner of a taken address is told by mail; a
known organisation gets a request to join; each client address has its hourly limit, in either store."""

from __future__ import annotations

import re

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.tables import AccountProfile, JoinRequest, Membership, Organisation
from grants.core.auth import SESSION_COOKIE
from tests.factories.accounts import (
    PASSWORD,
    confirm,
    login,
    organisation,
    post_form,
    register_applicant,
    registered_ids,
    unique_email,
    unique_org_number,
)
from tests.factories.logins import with_redis_store
from tests.factories.mail import outbox_for
from tests.html import text_of

pytestmark = pytest.mark.integration

CHECK = "Check your e-mail: we sent a message to the address you gave, with what to do next."


def body(email: str, **org: str) -> dict:
    return {"email": email, "password": PASSWORD, "name": "Jānis Ozols", "organisation": organisation(**org)}


def form(email: str, number: str | None = None) -> dict[str, str]:
    return {
        "name": "Jānis Ozols",
        "email": email,
        "password": PASSWORD,
        "password2": PASSWORD,
        "org_name": "Biedrība Ozols",
        "org_registration_number": number or unique_org_number(),
        "org_legal_form": "association",
        "org_municipality_code": "LV-016",
    }


def without_tokens(response) -> tuple:
    """What a client sees of an answer, with the per-request values (CSRF token, request id) blanked."""
    headers = {k: v for k, v in response.headers.items() if k not in {"x-request-id", "date", "set-cookie"}}
    cookies = sorted(response.cookies)
    text = re.sub(r'name="_csrf_token" value="[^"]*"', "", response.text)
    return response.status_code, headers, cookies, text


async def test_register_api_answers_a_new_and_a_taken_address_byte_for_byte_the_same(client, make_client):
    taken, ids = await register_applicant(client)
    new = await make_client().post("/api/auth/register", json=body(unique_email()))
    again = await make_client().post("/api/auth/register", json=body(taken.upper()))
    known_org = (
        await Organisation.select(Organisation.registration_number)
        .where(Organisation.id == ids["organisation_id"])
        .first()
    )["registration_number"]
    joining = await make_client().post(
        "/api/auth/register", json=body(unique_email(), registration_number=known_org)
    )
    assert new.json() == {"user_id": None, "organisation_id": None, "detail": CHECK}
    assert without_tokens(again) == without_tokens(new) == without_tokens(joining)
    assert new.content == again.content == joining.content
    assert new.status_code == 201


async def test_register_api_with_a_taken_address_mails_its_owner_and_makes_nobody(client, make_client):
    taken, ids = await register_applicant(client)
    users_before = await BaseUser.count()
    orgs_before = await Organisation.count()
    response = await make_client().post("/api/auth/register", json=body(taken, name="Biedrība Svešā"))
    assert response.status_code == 201
    assert (await BaseUser.count(), await Organisation.count()) == (users_before, orgs_before)
    assert await BaseUser.count().where(BaseUser.username == taken) == 1
    mails = await outbox_for(taken)
    assert [m["subject"] for m in mails][-1] == "Someone tried to register in Grants with your address"
    assert "/password/forgot" in mails[-1]["body_text"]
    assert "Svešā" not in mails[-1]["body_text"]  # the stranger's input is not relayed
    # The owner's account is as it was: still theirs, still with their organisation.
    assert await registered_ids(taken) == ids


async def test_register_page_answers_new_taken_and_known_number_the_same(client, make_client):
    taken, ids = await register_applicant(client)
    number = (
        await Organisation.select(Organisation.registration_number)
        .where(Organisation.id == ids["organisation_id"])
        .first()
    )["registration_number"]
    answers = []
    for data in (form(unique_email()), form(taken), form(unique_email(), number)):
        browser = make_client()
        response = await post_form(browser, "/register", data)
        answers.append(without_tokens(response))
        assert SESSION_COOKIE not in browser.cookies
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 302 and answers[0][1]["location"] == "/register/sent"


async def test_a_new_registration_is_unconfirmed_in_the_request_language(make_client):
    email = unique_email()
    latvian = make_client(language="lv")
    response = await latvian.post("/api/auth/register", json=body(email))
    assert response.json()["detail"] == (
        "Pārbaudiet e-pastu: uz norādīto adresi nosūtījām vēstuli ar turpmākajiem soļiem."
    )
    ids = await registered_ids(email)
    profile = await AccountProfile.select(AccountProfile.language, AccountProfile.email_confirmed_at).where(
        AccountProfile.user == ids["user_id"]
    )
    assert profile == [{"language": "lv", "email_confirmed_at": None}]
    mails = await outbox_for(email)
    assert [m["subject"] for m in mails] == ["Apstipriniet savu e-pasta adresi sistēmā Grants"]
    assert re.search(r"/account/confirm/[A-Za-z0-9_-]{40,}", mails[0]["body_text"])


async def test_a_known_registration_number_files_a_request_to_join_and_mails_the_owners(client, make_client):
    owner, ids = await register_applicant(client, name="Biedrība “Saules stari”")
    number = (
        await Organisation.select(Organisation.registration_number)
        .where(Organisation.id == ids["organisation_id"])
        .first()
    )["registration_number"]
    newcomer = unique_email("new")
    response = await make_client().post(
        "/api/auth/register", json=body(newcomer, registration_number=number, name="Cits nosaukums")
    )
    assert response.status_code == 201
    joined = await registered_ids(newcomer)
    assert joined["organisation_id"] is None  # made without an organisation
    assert await Organisation.count().where(Organisation.registration_number == number) == 1
    requests = await JoinRequest.select(JoinRequest.user, JoinRequest.status).where(
        JoinRequest.organisation == ids["organisation_id"]
    )
    assert requests == [{"user": joined["user_id"], "status": "pending"}]
    assert await Membership.select(Membership.user).where(
        Membership.organisation == ids["organisation_id"]
    ) == [{"user": ids["user_id"]}]
    # Nobody hears of it, nor sees it, until the newcomer confirms the address.
    owner_mail_before = await outbox_for(owner)
    assert [m["subject"] for m in owner_mail_before if "asks to join" in m["subject"]] == []
    owner_browser = make_client()
    await login(owner_browser, owner)
    assert "Jānis Ozols" not in (await owner_browser.get("/account/organisation")).text

    await confirm(make_client(), newcomer)

    assert "Jānis Ozols" in (await owner_browser.get("/account/organisation")).text
    mail = (await outbox_for(owner))[-1]
    assert mail["subject"] == "Someone asks to join Biedrība “Saules stari” in Grants"
    assert f"Jānis Ozols ({newcomer})" in mail["body_text"]
    assert "http://127.0.0.1:8000/account/organisation" in mail["body_text"]


async def test_request_to_join_is_not_filed_twice_and_refuses_an_unknown_organisation(client, database):
    from grants.accounts.service.membership import request_to_join
    from grants.core.db import write_transaction
    from grants.core.errors import NotFound

    _owner, ids = await register_applicant(client)
    joiner, _ = await register_applicant(client)
    joiner_id = (await registered_ids(joiner))["user_id"]
    async with write_transaction():
        first = await request_to_join(joiner_id, ids["organisation_id"], "  Esmu   valdes loceklis ")
        second = await request_to_join(joiner_id, ids["organisation_id"])
    assert first == second
    rows = await JoinRequest.select(JoinRequest.message).where(JoinRequest.id == first)
    assert rows == [{"message": "Esmu valdes loceklis"}]
    with pytest.raises(NotFound):
        async with write_transaction():
            await request_to_join(joiner_id, 10**9)


async def test_register_api_bad_input_still_gets_its_field_errors(client):
    response = await client.post("/api/auth/register", json=body("not-an-email") | {"password": "short"})
    assert response.status_code == 422
    assert sorted(response.json()["extra"]) == ["email", "password"]


@pytest.mark.parametrize("store", ["database", "redis"])
async def test_register_is_limited_per_client_address_with_retry_after(make_client, store):
    import dataclasses
    import uuid

    from grants.settings import get_settings, override_settings

    before = get_settings()
    override_settings(dataclasses.replace(before, register_max_per_hour=3))
    ip = f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    try:
        if store == "redis":
            from tests.core.test_ratelimit import _redis_reachable

            if not _redis_reachable():
                pytest.skip("Redis does not listen on 127.0.0.1:6379")
            context = with_redis_store()
        else:
            import contextlib

            context = contextlib.nullcontext()
        async with context:
            emails = [unique_email() for _ in range(4)]
            answers = [await make_client(ip=ip).post("/api/auth/register", json=body(e)) for e in emails]
            # Another address (random too: Redis keeps an earlier run's counts for the hour).
            other_ip = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
            other = await make_client(ip=other_ip).post("/api/auth/register", json=body(unique_email()))
            page = await post_form(make_client(ip=ip), "/register", form(unique_email()))
    finally:
        override_settings(before)
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[3].headers["retry-after"] == "3600"
    assert answers[3].json()["detail"] == "Too many attempts. Wait a few minutes and try again."
    assert other.status_code == 201  # another address has its own allowance
    assert page.status_code == 429
    assert page.headers["retry-after"] == "3600"
    assert (
        text_of(page.text, "div.error-summary")
        == "Too many registrations from your network. Try again in an hour."
    )
    # The refused one made nobody; the others are there.
    assert [await BaseUser.count().where(BaseUser.username == e) for e in emails] == [1, 1, 1, 0]


async def test_the_register_limit_survives_a_login_sweep_of_the_shorter_window(make_client):
    """Login reservations drop their expired rows; not the registrations' (an hour's window)."""
    from datetime import timedelta

    from grants.core.ratelimit import DatabaseFailureStore
    from grants.core.tables import LoginFailure
    from grants.core.time import now

    store = DatabaseFailureStore()
    old = now() - timedelta(minutes=30)
    await LoginFailure.insert(
        LoginFailure(key="register:203.0.113.9", created_at=old),
        LoginFailure(key="ip:203.0.113.9", created_at=old),
    )
    await store.reserve({"account:someone@example.lv": 5, "ip:203.0.113.10": 20}, 300)
    assert await store.count("register:203.0.113.9", 3600) == 1
    assert await store.count("ip:203.0.113.9", 3600) == 0
