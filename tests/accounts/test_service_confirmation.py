"""E-mail confirmation (issue 12): the link works once and until the account's deadline; until then
the user may log in and draft, but gets no bearer token and cannot submit (API and page); "send the link
again" is limited; accounts unconfirmed for 7 days are removed with what only they had."""

from __future__ import annotations

from datetime import timedelta

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.queries import load_principal
from grants.accounts.rules import token_hash
from grants.accounts.service import confirmation
from grants.accounts.service.sessions import issue_token
from grants.accounts.tables import AccountProfile, EmailConfirmation, JoinRequest, Membership, Organisation
from grants.applications.service.drafts import discard_drafts_of
from grants.applications.tables import Application, Attachment
from grants.core.auth import Role
from grants.core.storage import get_storage
from grants.core.tables import AuditEntry
from grants.core.time import now
from tests.factories.accounts import (
    PASSWORD,
    confirm,
    confirmation_token,
    login,
    make_user,
    post_form,
    register_applicant,
    register_unconfirmed,
    registered_ids,
)
from tests.factories.applications import complete_application
from tests.factories.calls import published_call
from tests.factories.files import pdf_bytes
from tests.factories.mail import outbox_for
from tests.factories.registry import make_school
from tests.html import notice, text_of

pytestmark = pytest.mark.integration


@pytest.fixture
async def school(database) -> str:
    return await make_school()


SUBMIT_REFUSAL = (
    "Confirm your e-mail address before you submit: open the link in the message we sent you, "
    "or ask for a new one on your account page."
)


async def test_the_link_confirms_once_and_then_the_welcome_mail_follows(client):
    email = await register_unconfirmed(client, name="Biedrība “Rīts”")
    token = await confirmation_token(email)
    stored = await EmailConfirmation.select(EmailConfirmation.token_hash).where(
        EmailConfirmation.token_hash == token_hash(token)
    )
    assert stored == [{"token_hash": token_hash(token)}]
    assert (
        await EmailConfirmation.count().where(EmailConfirmation.token_hash == token) == 0
    )  # never the token
    first = await client.get(f"/account/confirm/{token}")
    assert first.status_code == 200
    assert text_of(first.text, "h1") == "Your e-mail address is confirmed"
    assert first.headers["cache-control"] == "no-store"
    user_id = (await registered_ids(email))["user_id"]
    profile = await AccountProfile.select(AccountProfile.email_confirmed_at).where(
        AccountProfile.user == user_id
    )
    assert profile[0]["email_confirmed_at"] is not None
    subjects = [m["subject"] for m in await outbox_for(email)]
    assert subjects == ["Confirm your e-mail address for Grants", "Your organisation is registered in Grants"]
    again = await client.get(f"/account/confirm/{token}")  # used: it says so, and changes nothing
    assert (again.status_code, text_of(again.text, "h1")) == (200, "Your e-mail address is confirmed")
    assert [m["subject"] for m in await outbox_for(email)] == subjects
    assert (
        await AuditEntry.count().where(
            (AuditEntry.action == "confirm_email") & (AuditEntry.entity_id == str(user_id))
        )
        == 1
    )


@pytest.mark.parametrize("token", ["not-a-token", "x" * 101, "A" * 43])
async def test_an_unknown_link_confirms_nothing(client, token):
    email = await register_unconfirmed(client)
    response = await client.get(f"/account/confirm/{token}")
    assert response.status_code == 404
    assert text_of(response.text, "h1") == "This link does not work"
    assert text_of(response.text, "div.error-summary") == (
        "The confirmation link is not valid. Copy the whole link from the message."
    )
    user_id = (await registered_ids(email))["user_id"]
    rows = await AccountProfile.select(AccountProfile.email_confirmed_at).where(
        AccountProfile.user == user_id
    )
    assert rows == [{"email_confirmed_at": None}]


async def test_an_expired_link_confirms_nothing(client):
    email = await register_unconfirmed(client)
    token = await confirmation_token(email)
    await EmailConfirmation.update({EmailConfirmation.expires_at: now() - timedelta(seconds=1)}).where(
        EmailConfirmation.token_hash == token_hash(token)
    )
    response = await client.get(f"/account/confirm/{token}")
    assert response.status_code == 404
    assert text_of(response.text, "div.error-summary") == "The confirmation link has expired."
    assert not await confirmed(email)


async def confirmed(email: str) -> bool:
    from grants.accounts.queries import email_confirmed

    return await email_confirmed((await registered_ids(email))["user_id"])


async def test_an_unconfirmed_user_logs_in_but_gets_no_token_until_confirmed(client):
    email = await register_unconfirmed(client)
    refused = await client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert refused.status_code == 403
    assert (
        refused.json()["detail"]
        == "Confirm your e-mail address first: open the link in the mail we sent you."
    )
    wrong = await client.post("/api/auth/token", json={"email": email, "password": "wrong-password"})
    assert wrong.status_code == 401  # the 403 comes only after the right password
    await login(client, email)
    page = await client.get("/account")
    assert text_of(page.text, "#confirm-notice p") == (
        "Confirm your e-mail address: open the link in the message we sent you. Until then you can "
        "prepare drafts, but not submit an application."
    )
    await confirm(client, email)
    assert (
        await client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    ).status_code == 200
    assert text_of((await client.get("/account")).text, "#confirm-notice p") is None


async def test_a_user_made_by_staff_counts_as_confirmed(client):
    email = await make_user(Role.applicant)
    assert (
        await client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    ).status_code == 200


async def _unconfirmed_draft(client, school: str) -> tuple[str, int, dict]:
    """An unconfirmed applicant with a complete draft in an open call, and a bearer token made for the
    test (the API gives them none)."""
    call = await published_call(client)
    email = await register_unconfirmed(client)
    user_id = (await registered_ids(email))["user_id"]
    token, _ = await issue_token(user_id)
    headers = {"Authorization": f"Bearer {token}"}
    created = await client.post(
        f"/api/calls/{call['id']}/applications", json={"title": "Projekts"}, headers=headers
    )
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]
    patched = await client.patch(
        f"/api/applications/{application_id}", json=complete_application(school), headers=headers
    )
    assert patched.status_code == 200, patched.text
    return email, application_id, headers


async def test_an_unconfirmed_user_cannot_submit_through_the_api(client, school):
    email, application_id, headers = await _unconfirmed_draft(client, school)
    refused = await client.post(f"/api/applications/{application_id}/submit", headers=headers)
    assert (refused.status_code, refused.json()["detail"]) == (409, SUBMIT_REFUSAL)
    assert (await Application.select(Application.status).where(Application.id == application_id)) == [
        {"status": "draft"}
    ]
    await confirm(client, email)
    done = await client.post(f"/api/applications/{application_id}/submit", headers=headers)
    assert (done.status_code, done.json()["status"]) == (200, "submitted")


async def test_an_unconfirmed_user_cannot_submit_on_the_page_in_either_language(client, make_client, school):
    email, application_id, _ = await _unconfirmed_draft(client, school)
    for language, message in (
        ("en", SUBMIT_REFUSAL),
        (
            "lv",
            "Pirms iesniegšanas apstipriniet savu e-pasta adresi: atveriet saiti mūsu nosūtītajā vēstulē "
            "vai pieprasiet jaunu sava konta lapā.",
        ),
    ):
        browser = make_client(language=language)
        await login(browser, email)
        refused = await post_form(browser, f"/my/applications/{application_id}/submit", {})
        assert refused.status_code == 409
        assert message in refused.text
    assert (await Application.select(Application.status).where(Application.id == application_id)) == [
        {"status": "draft"}
    ]


async def test_send_the_link_again_mails_a_new_link_that_works_and_is_limited(client):
    email = await register_unconfirmed(client)
    await login(client, email)
    first_token = await confirmation_token(email)
    answers = [await post_form(client, "/account/confirmation", {}) for _ in range(4)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert answers[0].headers["location"] == "/account?saved=link"
    assert answers[3].headers["retry-after"] == "3600"
    assert text_of(answers[3].text, "div.error-summary") == (
        "You asked for a new link several times. Wait an hour and try again."
    )
    assert notice((await client.get("/account?saved=link")).text) is not None
    subjects = [m["subject"] for m in await outbox_for(email)]
    assert subjects == ["Confirm your e-mail address for Grants"] * 4
    newest = await confirmation_token(email)
    assert newest != first_token
    await confirm(client, email)
    # The older links still work until the deadline, but the address is confirmed once.
    assert (await client.get(f"/account/confirm/{first_token}")).status_code == 200
    assert await confirmed(email)


async def test_send_the_link_again_does_nothing_for_a_confirmed_address(client):
    email, _ = await register_applicant(client)
    await login(client, email)
    before = len(await outbox_for(email))
    assert (await post_form(client, "/account/confirmation", {})).status_code == 302
    assert len(await outbox_for(email)) == before


async def _age(email: str, days: int) -> int:
    user_id = (await registered_ids(email))["user_id"]
    await AccountProfile.update({AccountProfile.created_at: now() - timedelta(days=days)}).where(
        AccountProfile.user == user_id
    )
    return user_id


async def test_remove_unconfirmed_removes_old_accounts_with_their_lonely_organisation_and_drafts(
    client, make_client, school
):
    email, application_id, headers = await _unconfirmed_draft(client, school)
    user_id = (await registered_ids(email))["user_id"]
    org_id = (await registered_ids(email))["organisation_id"]
    uploaded = await client.post(
        f"/api/applications/{application_id}/attachments",
        files={"file": ("plans.pdf", pdf_bytes(), "application/pdf")},
        headers=headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    key = (await Attachment.select(Attachment.storage_key).where(Attachment.application == application_id))[
        0
    ]["storage_key"]
    assert await get_storage().exists(key)
    # A joiner of a confirmed organisation, also unconfirmed and old: only their own rows go.
    owner, owner_ids = await register_applicant(make_client())
    number = (
        await Organisation.select(Organisation.registration_number)
        .where(Organisation.id == owner_ids["organisation_id"])
        .first()
    )["registration_number"]
    joiner = await register_unconfirmed(make_client(), registration_number=number)
    young = await register_unconfirmed(make_client())
    await _age(email, 8)
    joiner_id = await _age(joiner, 8)
    await _age(young, 6)

    removed = await confirmation.remove_unconfirmed(now(), before_removal=[discard_drafts_of])

    assert removed == 2
    assert await BaseUser.count().where(BaseUser.id.is_in([user_id, joiner_id])) == 0
    assert await Organisation.count().where(Organisation.id == org_id) == 0
    assert await Application.count().where(Application.id == application_id) == 0
    assert await Attachment.count().where(Attachment.application == application_id) == 0
    assert not await get_storage().exists(key)  # the file goes after the commit
    assert await Membership.count().where(Membership.user.is_in([user_id, joiner_id])) == 0
    assert await JoinRequest.count().where(JoinRequest.user == joiner_id) == 0
    assert await EmailConfirmation.count().where(EmailConfirmation.user.is_in([user_id, joiner_id])) == 0
    # What is not theirs stays: the confirmed owner's organisation, and the young account.
    assert await registered_ids(owner) == owner_ids
    assert (await registered_ids(young))["user_id"] is not None
    audited = await AuditEntry.select(AuditEntry.entity_id).where(AuditEntry.action == "remove_unconfirmed")
    assert {int(a["entity_id"]) for a in audited} >= {user_id, joiner_id}
    assert await load_principal(user_id) is None
    assert (
        await confirmation.remove_unconfirmed(now(), before_removal=[discard_drafts_of]) == 0
    )  # nothing more is due


async def test_remove_unconfirmed_keeps_an_organisation_a_confirmed_member_shares(client, make_client):
    email = await register_unconfirmed(client)
    ids = await registered_ids(email)
    colleague, _ = await register_applicant(make_client())
    colleague_id = (await registered_ids(colleague))["user_id"]
    await Membership.insert(Membership(user=colleague_id, organisation=ids["organisation_id"], role="member"))
    await _age(email, 8)
    assert await confirmation.remove_unconfirmed(now(), before_removal=[discard_drafts_of]) >= 1
    assert await BaseUser.count().where(BaseUser.id == ids["user_id"]) == 0
    assert await Organisation.count().where(Organisation.id == ids["organisation_id"]) == 1
    assert await Membership.select(Membership.user).where(
        Membership.organisation == ids["organisation_id"]
    ) == [{"user": colleague_id}]
