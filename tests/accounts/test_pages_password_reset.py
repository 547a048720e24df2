"""Password reset by e-mail: the same answer for every address, a one-use link for an hour whose
token is stored only as a hash, the policy on the new password, every session and token ended."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.queries import user_id_by_email
from grants.accounts.rules import token_hash
from grants.accounts.service import resets
from grants.accounts.service.users import deactivate_user
from grants.accounts.tables import AccountProfile, PasswordReset
from grants.core.auth import SESSION_COOKIE, Role
from grants.core.tables import AuditEntry, OutboxMessage
from grants.core.time import now
from tests.factories.accounts import PASSWORD, bearer, login, make_user, post_form, unique_email
from tests.factories.mail import outbox_for
from tests.factories.smtp import body_text, delivered_to
from tests.html import field_error, notice, text_of

pytestmark = pytest.mark.integration

NEW_PASSWORD = "a-fresh-horse-battery-9"
LINK = re.compile(r"http://127\.0\.0\.1:8000/password/reset/([A-Za-z0-9_-]{43})")


async def _ask(client, email: str):
    return await post_form(client, "/password/forgot", {"email": email})


async def _token_for(email: str) -> str:
    """The token of the newest reset mail queued to `email`."""
    mails = await outbox_for(email)
    assert mails, f"no mail to {email}"
    match = LINK.search(mails[-1]["body_text"])
    assert match is not None, mails[-1]["body_text"]
    return match.group(1)


async def _set(client, token: str, password: str, again: str | None = None):
    form = {"new_password": password, "new_password2": password if again is None else again}
    return await post_form(client, f"/password/reset/{token}", form)


async def _works(make_client, email: str, password: str) -> bool:
    response = await make_client().post("/api/auth/token", json={"email": email, "password": password})
    return response.status_code == 200


async def test_forgot_password_mails_an_active_user_a_link_in_latvian(client, smtp):
    email = await make_user(Role.applicant)
    response = await _ask(client, email)
    assert response.status_code == 200
    assert notice(response.text) == (
        "If an account has this address, we have sent it a link to choose a new password. "
        "The link works once, for one hour."
    )
    message = await delivered_to(smtp, email)
    assert message["Subject"] == "Atjaunojiet savu Grants paroli"  # no profile: Latvian
    token = LINK.search(body_text(message)).group(1)
    user_id = await user_id_by_email(email)
    rows = await PasswordReset.select().where(PasswordReset.user == user_id)
    assert [row["token_hash"] for row in rows] == [token_hash(token)]  # the hash, never the token
    assert rows[0]["expires_at"] - rows[0]["created_at"] == timedelta(hours=1)
    assert rows[0]["used_at"] is None


async def test_forgot_password_mails_in_the_language_the_user_chose(client, smtp):
    email = await make_user(Role.applicant)
    await login(client, email)
    assert (await client.get("/lang/en")).status_code == 302
    await _ask(client, email)
    message = await delivered_to(smtp, email)
    assert message["Subject"] == "Reset your Grants password"
    assert body_text(message).startswith("Hello!\n\nSomeone, probably you, asked to reset the password")


@pytest.mark.parametrize("who", ["unknown", "inactive", "malformed"])
async def test_forgot_password_answers_the_same_for_an_address_without_an_active_account(
    client, make_client, who
):
    known = await make_user(Role.applicant)
    expected = await _ask(make_client(), known)
    if who == "unknown":
        email = unique_email("nobody-here")
    elif who == "malformed":
        email = "not an address"
    else:
        email = await make_user(Role.applicant)
        await deactivate_user(await user_id_by_email(email), None)
    before = await OutboxMessage.count()
    response = await _ask(client, email)
    assert response.status_code == expected.status_code == 200
    assert notice(response.text) == notice(expected.text)
    assert text_of(response.text, "main") == text_of(expected.text, "main")
    assert await OutboxMessage.count() == before  # no mail for it, none to anyone else
    assert await outbox_for(email) == []


async def test_forgot_password_refuses_an_empty_address(client):
    response = await _ask(client, "   ")
    assert response.status_code == 422
    assert field_error(response.text, "email") == "Enter a valid e-mail address."


async def test_reset_link_sets_the_password_and_ends_every_session_and_token(client, make_client):
    email = await make_user(Role.applicant)
    browser, api = make_client(), make_client()
    await login(browser, email)
    token_headers = await bearer(api, email)
    await _ask(client, email)
    token = await _token_for(email)

    form = await client.get(f"/password/reset/{token}")
    assert form.status_code == 200
    assert form.headers["cache-control"] == "no-store"
    assert form.headers["referrer-policy"] == "no-referrer"  # the token never leaves in a Referer
    done = await _set(client, token, NEW_PASSWORD)
    assert done.status_code == 302
    assert done.headers["location"] == "/login?reset=done"
    assert done.headers["referrer-policy"] == "no-referrer"
    page = await client.get("/login?reset=done")
    assert notice(page.text) == (
        "Your password is changed and every session of your account was ended. Log in with the new password."
    )

    assert (await browser.get("/api/me")).status_code == 401
    assert SESSION_COOKIE in browser.cookies  # the browser still sends it; the server ended it
    assert (await api.get("/api/me", headers=token_headers)).status_code == 401
    assert await _works(make_client, email, PASSWORD) is False
    assert await _works(make_client, email, NEW_PASSWORD) is True
    user_id = await user_id_by_email(email)
    audit = await AuditEntry.select(AuditEntry.action).where(
        (AuditEntry.entity == "user") & (AuditEntry.entity_id == str(user_id))
    )
    assert [row["action"] for row in audit][-2:] == ["password_reset_request", "password_reset"]


async def test_reset_link_works_once(client, make_client):
    email = await make_user(Role.applicant)
    await _ask(client, email)
    token = await _token_for(email)
    assert (await _set(client, token, NEW_PASSWORD)).status_code == 302
    again = await _set(make_client(), token, "another-long-phrase-7")
    assert again.status_code == 410
    assert text_of(again.text, "h1") == "This link no longer works"
    assert (await client.get(f"/password/reset/{token}")).status_code == 410
    assert await _works(make_client, email, NEW_PASSWORD) is True
    assert await _works(make_client, email, "another-long-phrase-7") is False


async def test_reset_link_expires_after_an_hour(client, make_client):
    email = await make_user(Role.applicant)
    await _ask(client, email)
    token = await _token_for(email)
    await PasswordReset.update({PasswordReset.expires_at: now() - timedelta(seconds=1)}).where(
        PasswordReset.token_hash == token_hash(token)
    )
    page = await client.get(f"/password/reset/{token}")
    assert page.status_code == 410
    assert text_of(page.text, ".error-summary") == (
        "The link has expired or was used already. A link works once, for one hour."
    )
    assert (await _set(client, token, NEW_PASSWORD)).status_code == 410
    assert await _works(make_client, email, PASSWORD) is True


async def test_reset_link_of_another_token_or_a_deactivated_user_does_not_work(client, make_client):
    assert (await client.get("/password/reset/" + "A" * 43)).status_code == 410
    email = await make_user(Role.applicant)
    await _ask(client, email)
    token = await _token_for(email)
    await deactivate_user(await user_id_by_email(email), None)
    assert (await client.get(f"/password/reset/{token}")).status_code == 410
    assert (await _set(client, token, NEW_PASSWORD)).status_code == 410
    row = await BaseUser.select(BaseUser.active).where(BaseUser.username == email).first()
    assert row["active"] is False


@pytest.mark.parametrize(
    ("password", "again", "field", "message"),
    [
        (
            "password1234",
            None,
            "new_password",
            "This password is too common and easy to guess; choose another.",
        ),
        (
            " \u200b\u00a0\t" * 3,
            None,
            "new_password",
            "The password cannot be only spaces or invisible characters.",
        ),
        ("short-pw9", None, "new_password", "The password must be at least 10 characters long."),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "new_password2", "The passwords do not match."),
    ],
)
async def test_reset_refuses_a_password_against_the_policy_and_keeps_the_link(
    client, make_client, password, again, field, message
):
    email = await make_user(Role.applicant)
    await _ask(client, email)
    token = await _token_for(email)
    refused = await _set(client, token, password, again)
    assert refused.status_code == 422
    assert field_error(refused.text, field) == message
    assert await _works(make_client, email, PASSWORD) is True  # unchanged
    assert await _works(make_client, email, password) is False
    assert (await _set(client, token, NEW_PASSWORD)).status_code == 302  # the link still works


async def test_reset_ends_the_users_other_open_links_and_confirms_the_address(client, make_client):
    email = await make_user(Role.applicant)
    user_id = await user_id_by_email(email)
    await AccountProfile.insert(AccountProfile(user=user_id, language="lv", email_confirmed_at=None))
    await _ask(client, email)
    first = await _token_for(email)
    await _ask(client, email)
    second = await _token_for(email)
    assert first != second
    assert (await client.get(f"/password/reset/{first}")).status_code == 200  # an older link still works
    assert (await _set(client, second, NEW_PASSWORD)).status_code == 302
    assert (await client.get(f"/password/reset/{first}")).status_code == 410
    profile = await AccountProfile.select().where(AccountProfile.user == user_id).first()
    assert profile["email_confirmed_at"] is not None


async def test_two_parallel_uses_of_one_link_only_one_wins(client, make_client):
    email = await make_user(Role.applicant)
    await _ask(client, email)
    token = await _token_for(email)
    results = await asyncio.gather(
        resets.complete_reset(token, "first-long-passphrase-1"),
        resets.complete_reset(token, "second-long-passphrase-2"),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, resets.ResetLinkInvalid)]
    assert (len(winners), len(losers)) == (1, 1)
    works = [
        await _works(make_client, email, p) for p in ("first-long-passphrase-1", "second-long-passphrase-2")
    ]
    assert works == ([True, False] if results[0] == winners[0] else [False, True])


async def test_forgot_password_is_limited_per_address_whatever_the_address(make_client):
    known = await make_user(Role.applicant)
    unknown = unique_email("nobody-here")
    for email in (known, unknown):
        answers = [(await _ask(make_client(), email)).status_code for _ in range(4)]  # new client each
        assert answers == [200, 200, 200, 429]
    limited = await _ask(make_client(), known)
    assert field_error(limited.text, "email") == "Too many requests. Wait a few minutes and try again."
    assert len(await outbox_for(known)) == 3
    assert text_of(limited.text, "main") == text_of((await _ask(make_client(), unknown)).text, "main")


async def test_forgot_password_is_limited_per_client_address(make_client):
    client = make_client()
    answers = [(await _ask(client, unique_email("many"))).status_code for _ in range(13)]
    assert answers == [200] * 12 + [429]
    assert (await _ask(make_client(), await make_user(Role.applicant))).status_code == 200  # another client


async def test_purge_expired_resets_deletes_rows_ended_over_a_day_ago(client):
    user_id = await user_id_by_email(await make_user(Role.applicant))
    moment = now()
    cases = {
        "open": (moment - timedelta(minutes=5), None),
        "used_now": (moment + timedelta(minutes=30), moment - timedelta(minutes=20)),
        "expired_now": (moment - timedelta(hours=2), None),
        "used_long_ago": (moment + timedelta(minutes=30), moment - timedelta(days=2)),
        "expired_long_ago": (moment - timedelta(days=1, minutes=1), None),
    }
    for name, (expires_at, used_at) in cases.items():
        await PasswordReset.insert(
            PasswordReset(
                user=user_id,
                token_hash=token_hash(f"{name}-{user_id}"),
                created_at=expires_at - timedelta(hours=1),
                expires_at=expires_at + (timedelta(hours=1) if name == "open" else timedelta()),
                used_at=used_at,
            )
        )
    assert await resets.purge_expired_resets(moment) == 2
    rows = await PasswordReset.select(PasswordReset.token_hash).where(PasswordReset.user == user_id)
    left = {row["token_hash"] for row in rows}
    assert left == {token_hash(f"{n}-{user_id}") for n in ("open", "used_now", "expired_now")}


async def test_reset_request_does_the_same_work_for_any_address_before_the_answer(database):
    """What the answer waits for (the limit) writes no link and queues no mail, for a known address as
    for an unknown one; the lookup and the mail run after the answer (send_reset)."""
    known = await make_user(Role.applicant)
    unknown = unique_email("nobody")
    user_id = await user_id_by_email(known)

    for address in (known, unknown):
        await resets.limit_request(address, "10.92.0.1")

    assert await PasswordReset.count().where(PasswordReset.user == user_id) == 0
    assert await outbox_for(known) == []
    assert await resets.send_reset(unknown) is False
    assert await resets.send_reset(known) is True
    assert await PasswordReset.count().where(PasswordReset.user == user_id) == 1
    assert len(await outbox_for(known)) == 1


async def test_reset_reports_the_policy_and_the_mismatch_at_once(client):
    email = await make_user(Role.applicant)
    await _ask(client, email)
    form = {"new_password": "short-pw9", "new_password2": "short-pw8"}
    refused = await post_form(client, f"/password/reset/{await _token_for(email)}", form)
    assert refused.status_code == 422
    assert field_error(refused.text, "new_password") == "The password must be at least 10 characters long."
    assert field_error(refused.text, "new_password2") == "The passwords do not match."
